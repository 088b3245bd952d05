using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Readings;

/// <summary>
/// The monthly partitions of the PostgreSQL readings table (<c>readings_yYYYYmMM</c>, UTC months of <c>ts</c>): made inside
/// the transaction of the batch that first needs one, and dropped whole by retention. Creating and dropping take one
/// advisory lock, so two nodes meeting a new month at once make it once, and a batch spanning months never waits on
/// another holding a partition it needs.
/// </summary>
public static partial class ReadingPartitions
{
    private const long AdvisoryLockKey = 0x4752_4944_5245_4144; // "GRIDREAD"

    /// <summary>
    /// Makes the partitions of every month in <paramref name="timestamps"/> that does not exist yet. <paramref name="known"/>
    /// holds the partitions the caller has seen exist (one set per database): a batch of known months costs no round trip.
    /// </summary>
    public static async Task EnsureAsync(DbConnection connection, DbTransaction transaction, IEnumerable<long> timestamps,
        System.Collections.Concurrent.ConcurrentDictionary<string, byte> known, CancellationToken cancellationToken)
    {
        var months = timestamps.Select(MonthOf).Distinct().ToList();
        var names = months.Select(Name).ToArray();
        if (names.All(known.ContainsKey)) return;
        var missing = await Sql.ListAsync(connection, transaction, "SELECT n FROM unnest(@names) AS n WHERE to_regclass(n) IS NULL;",
            r => r.GetString(0), cancellationToken, ("@names", names));
        if (missing.Count > 0)
        {
            await Sql.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key);", cancellationToken, ("@key", AdvisoryLockKey));
            foreach (var month in months.Where(m => missing.Contains(Name(m))))
            {
                var from = month.ToUnixTimeMilliseconds();
                var to = month.AddMonths(1).ToUnixTimeMilliseconds();
                await Sql.ExecuteAsync(connection, transaction,
                    string.Create(CultureInfo.InvariantCulture, $"CREATE TABLE IF NOT EXISTS {Name(month)} PARTITION OF readings FOR VALUES FROM ({from}) TO ({to});"),
                    cancellationToken);
            }
        }
        // Known only once committed: a rolled-back batch's partition does not exist. Until then the next batch asks again.
        foreach (var name in names.Where(n => !missing.Contains(n))) known.TryAdd(name, 0);
    }

    /// <summary>Drops every partition whose whole month lies before <paramref name="before"/> (a month start); how many.</summary>
    public static async Task<int> DropBeforeAsync(DbConnection connection, DbTransaction transaction, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await Sql.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key);", cancellationToken, ("@key", AdvisoryLockKey));
        var partitions = await Sql.ListAsync(connection, transaction, """
            SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass('readings');
            """, r => r.GetString(0), cancellationToken);
        var dropped = 0;
        foreach (var name in partitions)
        {
            var match = PartitionName().Match(name);
            if (!match.Success) continue; // not one of ours: left alone
            var month = new DateTimeOffset(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), 1, 0, 0, 0, TimeSpan.Zero);
            if (month.AddMonths(1) > before) continue;
            await Sql.ExecuteAsync(connection, transaction, $"DROP TABLE IF EXISTS {name};", cancellationToken);
            dropped++;
        }
        return dropped;
    }

    /// <summary>The first instant (UTC) of the month <paramref name="months"/> months before the month of <paramref name="now"/>.</summary>
    public static DateTimeOffset Cutoff(DateTimeOffset now, int months)
    {
        var utc = now.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-months);
    }

    private static DateTimeOffset MonthOf(long ms)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return new DateTimeOffset(at.Year, at.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    private static string Name(DateTimeOffset month) => string.Create(CultureInfo.InvariantCulture, $"readings_y{month.Year:D4}m{month.Month:D2}");

    [GeneratedRegex("^readings_y([0-9]{4})m([0-9]{2})$")]
    private static partial Regex PartitionName();
}
