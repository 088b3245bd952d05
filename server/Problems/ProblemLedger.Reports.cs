using System.Data.Common;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Server.Grid;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Problems;

// Problems as reported from the uploads stream, and reading them back (GET /api/problems).
public sealed partial class ProblemLedger
{
    private const string ProblemColumns = """
        id, gateway, seq, record_id, member, terminal, grid, latitude, longitude, address, category, description, attachments, reported_at, clock, received_at,
        state, assignee, department, deadline, plan, updated_at, source, critical, alert,
        """ + ProblemHandling.Columns;

    /// <inheritdoc/>
    public async Task<bool> AddReportAsync(DbConnection connection, DbTransaction transaction, string gateway, long seq, ProblemReport r, long receivedAt,
        CancellationToken cancellationToken)
    {
        var id = await ScalarAsync(connection, transaction, """
            INSERT INTO problems (gateway, seq, record_id, member, terminal, grid, latitude, longitude, address, category, description, attachments,
                reported_at, clock, received_at, state, updated_at)
            VALUES (@gateway, @seq, @record, @member, @terminal, @grid, @lat, @lon, @address, @category, @description, @attachments, @ts, @clock, @received, 'reported', @received)
            ON CONFLICT DO NOTHING
            RETURNING id;
            """, cancellationToken, ("@gateway", gateway), ("@seq", seq), ("@record", r.RecordId), ("@member", r.MemberId), ("@terminal", r.TerminalId),
            ("@grid", r.GridCode), ("@lat", r.Latitude), ("@lon", r.Longitude), ("@address", r.Address), ("@category", (int)r.Category),
            ("@description", r.Description), ("@attachments", JsonSerializer.Serialize(r.Attachments)), ("@ts", r.Timestamp.ToUnixTimeMilliseconds()),
            ("@clock", (int)r.Clock), ("@received", receivedAt));
        if (id is null) return false;
        await ExecuteAsync(connection, transaction, """
            INSERT INTO problem_events (problem_id, n, action, from_state, to_state, by, at, detail) VALUES (@id, 0, 'reported', NULL, 'reported', @by, @at, NULL);
            """, cancellationToken, ("@id", Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture)), ("@by", r.MemberId),
            ("@at", r.Timestamp.ToUnixTimeMilliseconds()));
        return true;
    }

    /// <inheritdoc/>
    public async Task<Page<StoredProblem>> QueryAsync(ProblemQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new SqlFilter();
        if (query.Grid is not null) filter.Under("grid", query.Grid);
        filter.AddIf(query.Member, "member = @member", "@member").AddIf(query.State, "state = @state", "@state")
            .AddIf(query.Category is { } category ? (int)category : null, "category = @category", "@category")
            .AddIf(query.From?.ToUnixTimeMilliseconds(), "reported_at >= @from", "@from")
            .AddIf(query.To?.ToUnixTimeMilliseconds(), "reported_at < @to", "@to")
            .AddIf(query.Department, "department = @department", "@department");
        if (query.Major is { } major) filter.Add(major ? "major_at IS NOT NULL" : "major_at IS NULL");
        if (query.Cursor is not null)
        {
            if (!LedgerCursor.TryDecode(query.Cursor, "r", out var c)) throw new ArgumentException($"cursor '{query.Cursor}' is not a cursor this ledger issued", nameof(query));
            filter.Add("(reported_at, id) > (@cat, @cseq)", ("@cat", c.At), ("@cseq", c.Seq));
        }
        var items = await database.ReadAsync(connection => ListAsync(connection, null,
            $"SELECT {ProblemColumns} FROM problems {filter.Where} ORDER BY reported_at, id LIMIT @limit;", ReadProblem, cancellationToken,
            filter.Parameters(("@limit", query.Limit + 1))), cancellationToken);
        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            next = new LedgerCursor("r", items[^1].ReportedAt.ToUnixTimeMilliseconds(), "-", items[^1].Id).Encode();
        }
        return new Page<StoredProblem>(items, next);
    }

    /// <inheritdoc/>
    public Task<StoredProblem?> GetProblemAsync(long id, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async connection =>
        {
            var problem = (await ListAsync(connection, null, $"SELECT {ProblemColumns} FROM problems WHERE id = @id;", ReadProblem, cancellationToken, ("@id", id)))
                .FirstOrDefault();
            if (problem is null) return null;
            var events = await ListAsync(connection, null,
                "SELECT n, action, from_state, to_state, by, at, detail FROM problem_events WHERE problem_id = @id ORDER BY n;",
                r => new StoredProblemEvent(r.GetInt32(0), r.GetString(1), Str(r, 2), r.GetString(3), r.GetString(4), Ms(r.GetInt64(5)), JsonOrNull(Str(r, 6))),
                cancellationToken, ("@id", id));
            return problem with { Events = events };
        }, cancellationToken);

    private static StoredProblem ReadProblem(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetDouble(7), r.GetDouble(8), Str(r, 9),
        (ProblemCategory)r.GetInt32(10), r.GetString(11), JsonSerializer.Deserialize<string[]>(r.GetString(12)) ?? [], Ms(r.GetInt64(13)), (ClockQuality)r.GetInt32(14),
        Ms(r.GetInt64(15)), r.GetString(16), Str(r, 17), Str(r, 18), OptMs(r, 19), JsonOrNull(Str(r, 20)), Ms(r.GetInt64(21)),
        Events: null, Source: r.GetString(22), Critical: r.GetInt64(23) != 0, Alert: JsonOrNull(Str(r, 24))) { Handling = ProblemHandling.Read(r, 25) };

    private static JsonElement? JsonOrNull(string? json)
    {
        if (json is null) return null;
        try { using var doc = JsonDocument.Parse(json); return doc.RootElement.Clone(); }
        catch (JsonException) { return JsonSerializer.SerializeToElement(json); }
    }
}
