using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Server.Ledgers;
using Microsoft.Data.Sqlite;

namespace GridEdge.Server.Grid;

// Reading the patrol and problem ledgers back.
public sealed partial class GridStore
{
    private const string CheckInColumns =
        "gateway, seq, record_id, member, terminal, grid, latitude, longitude, accuracy_m, fix_time, note, geofence, ts, clock, received_at";

    /// <summary>Check-ins in fix-time order (then gateway, seq).</summary>
    public async Task<Page<StoredCheckIn>> QueryCheckInsAsync(PatrolLedgerQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        var where = PatrolFilters(command, query, "fix_time");
        if (query.Cursor is not null)
        {
            if (!LedgerCursor.TryDecode(query.Cursor, "c", out var c)) throw new ArgumentException($"cursor '{query.Cursor}' is not a cursor this ledger issued", nameof(query));
            where.Add("(fix_time, gateway, seq) > ($cat, $ckey, $cseq)");
            Bind(command, ("$cat", c.At), ("$ckey", c.Key), ("$cseq", c.Seq));
        }
        command.CommandText = $"SELECT {CheckInColumns} FROM checkins {Where(where)} ORDER BY fix_time, gateway, seq LIMIT $limit;";
        Bind(command, ("$limit", query.Limit + 1));
        var items = new List<StoredCheckIn>();
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
            while (await r.ReadAsync(cancellationToken))
                items.Add(new StoredCheckIn(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetDouble(6), r.GetDouble(7),
                    r.GetDouble(8), Ms(r.GetInt64(9)), Str(r, 10), (GeofenceResult)r.GetInt32(11), Ms(r.GetInt64(12)), (ClockQuality)r.GetInt32(13), Ms(r.GetInt64(14))));
        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            var last = items[^1];
            next = new LedgerCursor("c", last.FixTime.ToUnixTimeMilliseconds(), last.Gateway, last.Seq).Encode();
        }
        return new Page<StoredCheckIn>(items, next);
    }

    /// <summary>Patrol records in start-time order (then gateway, seq), with their places.</summary>
    public async Task<Page<StoredPatrol>> QueryPatrolsAsync(PatrolLedgerQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        var where = PatrolFilters(command, query, "started_at");
        if (query.Cursor is not null)
        {
            if (!LedgerCursor.TryDecode(query.Cursor, "p", out var c)) throw new ArgumentException($"cursor '{query.Cursor}' is not a cursor this ledger issued", nameof(query));
            where.Add("(started_at, gateway, seq) > ($cat, $ckey, $cseq)");
            Bind(command, ("$cat", c.At), ("$ckey", c.Key), ("$cseq", c.Seq));
        }
        command.CommandText = $"""
            SELECT gateway, seq, record_id, member, terminal, grid, started_at, ended_at, track, findings, attachments, ts, clock, received_at
            FROM patrols {Where(where)} ORDER BY started_at, gateway, seq LIMIT $limit;
            """;
        Bind(command, ("$limit", query.Limit + 1));
        var items = new List<StoredPatrol>();
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
            while (await r.ReadAsync(cancellationToken))
                items.Add(new StoredPatrol(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), Ms(r.GetInt64(6)), Ms(r.GetInt64(7)),
                    ReadTrack(r.GetString(8)), [], r.GetString(9), JsonSerializer.Deserialize<string[]>(r.GetString(10)) ?? [], Ms(r.GetInt64(11)),
                    (ClockQuality)r.GetInt32(12), Ms(r.GetInt64(13))));
        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            var last = items[^1];
            next = new LedgerCursor("p", last.StartedAt.ToUnixTimeMilliseconds(), last.Gateway, last.Seq).Encode();
        }
        await using var places = Command(connection, null, "SELECT kind, place_id, name, at FROM patrol_places WHERE gateway = $gateway AND seq = $seq ORDER BY idx;");
        for (var i = 0; i < items.Count; i++)
        {
            Bind(places, ("$gateway", items[i].Gateway), ("$seq", items[i].Seq));
            var list = new List<StoredPlace>();
            await using (var r = await places.ExecuteReaderAsync(cancellationToken))
                while (await r.ReadAsync(cancellationToken)) list.Add(new StoredPlace((PlaceKind)r.GetInt32(0), Str(r, 1), r.GetString(2), Ms(r.GetInt64(3))));
            items[i] = items[i] with { Places = list };
        }
        return new Page<StoredPatrol>(items, next);
    }

    private const string ProblemColumns = """
        id, gateway, seq, record_id, member, terminal, grid, latitude, longitude, address, category, description, attachments, reported_at, clock, received_at,
        state, assignee, department, deadline, plan, updated_at
        """;

    /// <summary>Problems in report-time order (then id).</summary>
    public async Task<Page<StoredProblem>> QueryProblemsAsync(ProblemQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        var where = new List<string>();
        if (query.Grid is not null) AddGridFilter(command, where, "grid", query.Grid);
        if (query.Member is not null) { where.Add("member = $member"); Bind(command, ("$member", query.Member)); }
        if (query.State is not null) { where.Add("state = $state"); Bind(command, ("$state", query.State)); }
        if (query.Category is not null) { where.Add("category = $category"); Bind(command, ("$category", (int)query.Category)); }
        if (query.From is not null) { where.Add("reported_at >= $from"); Bind(command, ("$from", query.From.Value.ToUnixTimeMilliseconds())); }
        if (query.To is not null) { where.Add("reported_at < $to"); Bind(command, ("$to", query.To.Value.ToUnixTimeMilliseconds())); }
        if (query.Cursor is not null)
        {
            if (!LedgerCursor.TryDecode(query.Cursor, "r", out var c)) throw new ArgumentException($"cursor '{query.Cursor}' is not a cursor this ledger issued", nameof(query));
            where.Add("(reported_at, id) > ($cat, $cseq)");
            Bind(command, ("$cat", c.At), ("$cseq", c.Seq));
        }
        command.CommandText = $"SELECT {ProblemColumns} FROM problems {Where(where)} ORDER BY reported_at, id LIMIT $limit;";
        Bind(command, ("$limit", query.Limit + 1));
        var items = new List<StoredProblem>();
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
            while (await r.ReadAsync(cancellationToken)) items.Add(ReadProblem(r));
        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            next = new LedgerCursor("r", items[^1].ReportedAt.ToUnixTimeMilliseconds(), "-", items[^1].Id).Encode();
        }
        return new Page<StoredProblem>(items, next);
    }

    /// <summary>One problem with its events in order, or null.</summary>
    public async Task<StoredProblem?> GetProblemAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        StoredProblem problem;
        await using (var command = Command(connection, null, $"SELECT {ProblemColumns} FROM problems WHERE id = $id;", ("$id", id)))
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await r.ReadAsync(cancellationToken)) return null;
            problem = ReadProblem(r);
        }
        var events = new List<StoredProblemEvent>();
        await using (var command = Command(connection, null,
            "SELECT n, action, from_state, to_state, by, at, detail FROM problem_events WHERE problem_id = $id ORDER BY n;", ("$id", id)))
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
            while (await r.ReadAsync(cancellationToken))
                events.Add(new StoredProblemEvent(r.GetInt32(0), r.GetString(1), Str(r, 2), r.GetString(3), r.GetString(4), Ms(r.GetInt64(5)), JsonOrNull(Str(r, 6))));
        return problem with { Events = events };
    }

    /// <summary>An attachment's state, or null when no chunk of it has arrived.</summary>
    public async Task<StoredAttachment?> GetAttachmentAsync(string sha256, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT sha256, content_type, size, terminal, gateway, received, complete_at, first_at, mismatches FROM attachments WHERE sha256 = $sha;", ("$sha", sha256));
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken)) return null;
        return new StoredAttachment(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetInt64(5), OptMs(r, 6), Ms(r.GetInt64(7)), r.GetInt32(8));
    }

    private static StoredProblem ReadProblem(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetDouble(7), r.GetDouble(8), Str(r, 9),
        (ProblemCategory)r.GetInt32(10), r.GetString(11), JsonSerializer.Deserialize<string[]>(r.GetString(12)) ?? [], Ms(r.GetInt64(13)), (ClockQuality)r.GetInt32(14),
        Ms(r.GetInt64(15)), r.GetString(16), Str(r, 17), Str(r, 18), OptMs(r, 19), JsonOrNull(Str(r, 20)), Ms(r.GetInt64(21)));

    private static JsonElement? JsonOrNull(string? json)
    {
        if (json is null) return null;
        try { using var doc = JsonDocument.Parse(json); return doc.RootElement.Clone(); }
        catch (JsonException) { return JsonSerializer.SerializeToElement(json); }
    }

    private static List<string> PatrolFilters(SqliteCommand command, PatrolLedgerQuery query, string timeColumn)
    {
        if (query.Limit is < 1 or > PatrolLedgerQuery.MaxLimit)
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, $"limit must be from 1 to {PatrolLedgerQuery.MaxLimit}");
        var where = new List<string>();
        if (query.Gateway is not null) { where.Add("gateway = $gateway"); Bind(command, ("$gateway", query.Gateway)); }
        if (query.Grid is not null) AddGridFilter(command, where, "grid", query.Grid);
        if (query.Member is not null) { where.Add("member = $member"); Bind(command, ("$member", query.Member)); }
        if (query.From is not null) { where.Add($"{timeColumn} >= $from"); Bind(command, ("$from", query.From.Value.ToUnixTimeMilliseconds())); }
        if (query.To is not null) { where.Add($"{timeColumn} < $to"); Bind(command, ("$to", query.To.Value.ToUnixTimeMilliseconds())); }
        return where;
    }

    private static string Where(List<string> where) => where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "";

    private static IReadOnlyList<TrackPoint> ReadTrack(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray()
            .Select(e => new TrackPoint(e.GetProperty("latitude").GetDouble(), e.GetProperty("longitude").GetDouble(), e.GetProperty("time").GetDateTimeOffset()))
            .ToList();
    }
}

/// <summary>The position after the last item of a page: kind letter, time (ms), a text key (gateway) and a number (seq or id).</summary>
public readonly record struct LedgerCursor(string Kind, long At, string Key, long Seq)
{
    public string Encode() => CursorText.Encode(string.Create(CultureInfo.InvariantCulture, $"{Kind}1|{At}|{Key}|{Seq}"));

    public static bool TryDecode(string? cursor, string kind, out LedgerCursor value)
    {
        value = default;
        if (!CursorText.TryDecode(cursor, 512, 4, out var parts) || parts[0] != kind + "1") return false;
        if (!long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var at)) return false;
        if (!long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)) return false;
        value = new LedgerCursor(kind, at, parts[2], seq);
        return true;
    }
}
