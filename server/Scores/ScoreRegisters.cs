using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using GridEdge.Server.Grid;
using GridEdge.Server.Periods;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Scores;

/// <summary>One entry of a register: what was held, where, when, by whom, with its evidence (minutes, and a photo's SHA-256).</summary>
public sealed record RegisterEntry(long Id, string Kind, string Grid, DateOnly Date, IReadOnlyList<string> Attendees, string Minutes, string? PhotoSha256, string By,
    DateTimeOffset RecordedAt);

/// <summary>The registers of meetings, training and supervision visits (<c>score_registers</c>): appended, never changed.</summary>
public sealed class ScoreRegisters(LedgerDatabase database)
{
    private const string Columns = "id, kind, grid, date, attendees, minutes, photo_sha256, by, recorded_at";

    /// <summary>Appends an entry (its id is assigned) in the transaction <paramref name="transaction"/>.</summary>
    public static async Task<RegisterEntry> AddAsync(DbConnection connection, DbTransaction transaction, RegisterEntry e, CancellationToken ct)
    {
        var id = Convert.ToInt64(await ScalarAsync(connection, transaction, """
            INSERT INTO score_registers (kind, grid, date, at, attendees, minutes, photo_sha256, by, recorded_at)
            VALUES (@kind, @grid, @date, @at, @attendees, @minutes, @photo, @by, @recorded) RETURNING id;
            """, ct, ("@kind", e.Kind), ("@grid", e.Grid), ("@date", e.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            ("@at", ReportPeriod.Midnight(e.Date).ToUnixTimeMilliseconds()), ("@attendees", JsonSerializer.Serialize(e.Attendees)), ("@minutes", e.Minutes),
            ("@photo", e.PhotoSha256), ("@by", e.By), ("@recorded", e.RecordedAt.ToUnixTimeMilliseconds())), CultureInfo.InvariantCulture);
        return e with { Id = id };
    }

    /// <summary>The entries of <paramref name="kind"/> (all kinds when null) at or beneath <paramref name="grid"/> (everywhere when null) dated in [from, to), oldest first.</summary>
    public Task<List<RegisterEntry>> ListAsync(string? kind, string? grid, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) =>
        database.ReadAsync(c => ListAsync(c, kind, grid, from, to, ct), ct);

    public static Task<List<RegisterEntry>> ListAsync(DbConnection connection, string? kind, string? grid, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var filter = new SqlFilter();
        if (grid is not null) filter.Under("grid", grid);
        filter.AddIf(kind, "kind = @kind", "@kind")
            .Add("at >= @from AND at < @to", ("@from", from.ToUnixTimeMilliseconds()), ("@to", to.ToUnixTimeMilliseconds()));
        return Sql.ListAsync(connection, null, $"SELECT {Columns} FROM score_registers {filter.Where} ORDER BY at, id;", Read, ct, filter.Parameters());
    }

    private static RegisterEntry Read(DbDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2),
        DateOnly.ParseExact(r.GetString(3), "yyyy-MM-dd", CultureInfo.InvariantCulture), JsonSerializer.Deserialize<List<string>>(r.GetString(4)) ?? [],
        r.GetString(5), Str(r, 6), r.GetString(7), Ms(r.GetInt64(8)));
}
