using System.Data.Common;
using System.Text;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Ledgers;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Readings;

/// <summary>The readings ledger over a <see cref="LedgerDatabase"/> (SQLite or PostgreSQL, the same SQL; monthly partitions on PostgreSQL).</summary>
public sealed class ReadingStore(LedgerDatabase database, TimeProvider time) : IReadingStore
{
    private static readonly RowColumn[] InsertColumns =
    [
        new("gateway", typeof(string)), new("stream", typeof(string)), new("seq", typeof(long)), new("sensor_id", typeof(string)),
        new("quantity", typeof(string)), new("unit", typeof(string)), new("value", typeof(double)), new("min", typeof(double)),
        new("avg", typeof(double)), new("max", typeof(double)), new("count", typeof(long)), new("window_seconds", typeof(long)),
        new("flag", typeof(long)), new("ts", typeof(long)), new("clock", typeof(long)), new("received_at", typeof(long)),
    ];

    private static readonly string[] Columns = [.. InsertColumns.Select(c => c.Name)];

    // The monthly partitions (PostgreSQL) this store has seen exist; cleared when retention drops some.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _partitions = new(StringComparer.Ordinal);

    /// <summary>Rows deleted per SQLite transaction by retention, so ingest is never held up long.</summary>
    private const int RetentionChunk = 10_000;

    public async Task<CommitResult> CommitBatchAsync(Batch batch, CancellationToken cancellationToken = default)
    {
        try { return await CommitReadingsAsync(batch, cancellationToken); }
        catch (Npgsql.PostgresException e) when (e.SqlState == "23514")
        {
            // No partition for a month this store thought existed (another node's retention dropped it): ask again next time.
            _partitions.Clear();
            throw;
        }
    }

    private Task<CommitResult> CommitReadingsAsync(Batch batch, CancellationToken cancellationToken) =>
        BatchCommit.CommitAsync(database, time, batch, null, async (connection, transaction, receivedAt) =>
        {
            var rows = new List<object?[]>(batch.Records.Count);
            for (var i = 0; i < batch.Records.Count; i++)
            {
                if (batch.Records[i] is not Reading r)
                    throw new NotSupportedException($"records[{i}]: the ledger stores readings only, not {batch.Records[i].GetType().Name}");
                rows.Add([batch.GatewayId, batch.Stream, batch.FirstSeq + i, r.SensorId, r.Quantity, r.Unit, r.Value,
                    r.Window?.Min, r.Window?.Avg, r.Window?.Max, (long?)r.Window?.Count, (long?)r.Window?.WindowSeconds,
                    (long)r.Flag, r.Timestamp.ToUnixTimeMilliseconds(), (long)r.Clock, receivedAt]);
            }
            if (database.Engine == LedgerEngine.Postgres)
                await ReadingPartitions.EnsureAsync(connection, transaction, rows.Select(r => (long)r[13]!), _partitions, cancellationToken);
            return await RowInsert.InsertIgnoringDuplicatesAsync(database.Engine, connection, transaction, "readings", InsertColumns, rows, cancellationToken);
        }, cancellationToken);

    public async Task<ReadingPage> QueryReadingsAsync(ReadingQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > ReadingQuery.MaxLimit)
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, $"limit must be from 1 to {ReadingQuery.MaxLimit}");
        ReadingCursor? after = null;
        if (query.Cursor is not null && !ReadingCursor.TryDecode(query.Cursor, out after))
            throw new ArgumentException($"cursor '{query.Cursor}' is not a cursor this ledger issued", nameof(query));
        if (after is { } issued && issued.Descending != query.Descending)
            throw new ArgumentException($"cursor '{query.Cursor}' continues a {(issued.Descending ? "newest" : "oldest")}-first listing, not this one", nameof(query));

        var sql = new StringBuilder($"SELECT {string.Join(", ", Columns)} FROM readings");
        var (where, parameters) = Filters(query);
        if (after is { } c)
        {
            where.Add(query.Descending ? "(ts, gateway, stream, seq) < (@cts, @cgateway, @cstream, @cseq)" : "(ts, gateway, stream, seq) > (@cts, @cgateway, @cstream, @cseq)");
            parameters.AddRange([("@cts", c.TimestampMs), ("@cgateway", c.Gateway), ("@cstream", c.Stream), ("@cseq", c.Seq)]);
        }
        if (where.Count > 0) sql.Append(" WHERE ").AppendJoin(" AND ", where);
        sql.Append(query.Descending ? " ORDER BY ts DESC, gateway DESC, stream DESC, seq DESC LIMIT @limit;" : " ORDER BY ts, gateway, stream, seq LIMIT @limit;");
        parameters.Add(("@limit", query.Limit + 1));

        var items = await database.ReadAsync(c => Sql.ListAsync(c, null, sql.ToString(), ReadReading, cancellationToken, [.. parameters]), cancellationToken);
        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            next = ReadingCursor.From(items[^1], query.Descending).Encode();
        }
        return new ReadingPage(items, next);
    }

    public async Task<long> CountReadingsAsync(ReadingQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = Filters(query);
        var sql = "SELECT COUNT(*) FROM readings" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + ";";
        return Convert.ToInt64(await database.ReadAsync(c => Sql.ScalarAsync(c, null, sql, cancellationToken, [.. parameters]), cancellationToken));
    }

    public async Task<ReadingRetention> ApplyRetentionAsync(DateTimeOffset now, int months, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(months);
        if (months == 0) return new ReadingRetention(null, 0, 0);
        var before = ReadingPartitions.Cutoff(now, months);
        if (database.Engine == LedgerEngine.Postgres)
        {
            var dropped = await database.WriteAsync((c, t) => ReadingPartitions.DropBeforeAsync(c, t, before, cancellationToken), cancellationToken);
            _partitions.Clear();
            return new ReadingRetention(before, dropped, 0);
        }
        long deleted = 0;
        while (true)
        {
            var removed = await database.WriteAsync((c, t) => Sql.ExecuteAsync(c, t, """
                DELETE FROM readings WHERE (gateway, stream, seq) IN (SELECT gateway, stream, seq FROM readings WHERE ts < @before LIMIT @chunk);
                """, cancellationToken, ("@before", before.ToUnixTimeMilliseconds()), ("@chunk", RetentionChunk)), cancellationToken);
            deleted += removed;
            if (removed < RetentionChunk) return new ReadingRetention(before, 0, deleted);
        }
    }

    private static (List<string> Where, List<(string, object?)> Parameters) Filters(ReadingQuery query)
    {
        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        void Add(string clause, string name, object value)
        {
            where.Add(clause);
            parameters.Add((name, value));
        }
        if (query.Gateway is not null) Add("gateway = @gateway", "@gateway", query.Gateway);
        if (query.Gateways is { } scope)
        {
            var (condition, scoped) = Sql.In("gateway", "sg", scope);
            where.Add(condition);
            parameters.AddRange(scoped);
        }
        if (query.Quantity is not null) Add("quantity = @quantity", "@quantity", query.Quantity);
        if (query.Sensor is not null) Add("sensor_id = @sensor", "@sensor", query.Sensor);
        if (query.From is { } from) Add("ts >= @from", "@from", from.ToUnixTimeMilliseconds());
        if (query.To is { } to) Add("ts < @to", "@to", to.ToUnixTimeMilliseconds());
        return (where, parameters);
    }

    private static StoredReading ReadReading(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetDouble(6),
        Sql.OptDouble(r, 7), Sql.OptDouble(r, 8), Sql.OptDouble(r, 9),
        r.IsDBNull(10) ? null : (int)r.GetInt64(10),
        r.IsDBNull(11) ? null : (int)r.GetInt64(11),
        (DataFlag)r.GetInt64(12),
        Sql.Ms(r.GetInt64(13)),
        (ClockQuality)r.GetInt64(14),
        Sql.Ms(r.GetInt64(15)));
}
