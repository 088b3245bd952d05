using System.Data.Common;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Server.Grid;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Patrols;

/// <summary>The patrol ledger's tables (<see cref="PatrolSchema"/>) over the ledger database, the same SQL on SQLite and PostgreSQL.</summary>
public sealed class PatrolLedger(LedgerDatabase database) : IPatrolLedger
{
    private const string CheckInColumns =
        "gateway, seq, record_id, member, terminal, grid, latitude, longitude, accuracy_m, fix_time, note, geofence, ts, clock, received_at";

    /// <inheritdoc/>
    public async Task<bool> AddCheckInAsync(DbConnection connection, DbTransaction transaction, string gateway, long seq, CheckIn c, long receivedAt,
        CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, transaction, $"""
            INSERT INTO checkins ({CheckInColumns})
            VALUES (@gateway, @seq, @record, @member, @terminal, @grid, @lat, @lon, @acc, @fix, @note, @geofence, @ts, @clock, @received)
            ON CONFLICT DO NOTHING;
            """, cancellationToken, ("@gateway", gateway), ("@seq", seq), ("@record", c.RecordId), ("@member", c.MemberId), ("@terminal", c.TerminalId),
            ("@grid", c.GridCode), ("@lat", c.Latitude), ("@lon", c.Longitude), ("@acc", c.AccuracyMeters), ("@fix", c.FixTime.ToUnixTimeMilliseconds()),
            ("@note", c.Note), ("@geofence", (int)c.Geofence), ("@ts", c.Timestamp.ToUnixTimeMilliseconds()), ("@clock", (int)c.Clock), ("@received", receivedAt)) == 1;

    /// <inheritdoc/>
    public async Task<bool> AddPatrolAsync(DbConnection connection, DbTransaction transaction, string gateway, long seq, PatrolRecord p, long receivedAt,
        CancellationToken cancellationToken)
    {
        var added = await ExecuteAsync(connection, transaction, """
            INSERT INTO patrols (gateway, seq, record_id, member, terminal, grid, started_at, ended_at, track, findings, attachments, ts, clock, received_at)
            VALUES (@gateway, @seq, @record, @member, @terminal, @grid, @started, @ended, @track, @findings, @attachments, @ts, @clock, @received)
            ON CONFLICT DO NOTHING;
            """, cancellationToken, ("@gateway", gateway), ("@seq", seq), ("@record", p.RecordId), ("@member", p.MemberId), ("@terminal", p.TerminalId),
            ("@grid", p.GridCode), ("@started", p.StartedAt.ToUnixTimeMilliseconds()), ("@ended", p.EndedAt.ToUnixTimeMilliseconds()), ("@track", TrackJson(p.Track)),
            ("@findings", p.Findings), ("@attachments", JsonSerializer.Serialize(p.Attachments)), ("@ts", p.Timestamp.ToUnixTimeMilliseconds()),
            ("@clock", (int)p.Clock), ("@received", receivedAt));
        if (added == 0) return false;
        await using var place = Command(connection, transaction, """
            INSERT INTO patrol_places (gateway, seq, idx, grid, kind, place_id, name, at) VALUES (@gateway, @seq, @idx, @grid, @kind, @id, @name, @at)
            ON CONFLICT DO NOTHING;
            """);
        for (var j = 0; j < p.Places.Count; j++)
        {
            var visit = p.Places[j];
            Bind(place, ("@gateway", gateway), ("@seq", seq), ("@idx", j), ("@grid", p.GridCode), ("@kind", (int)visit.Kind), ("@id", visit.Id),
                ("@name", visit.Name), ("@at", visit.At.ToUnixTimeMilliseconds()));
            await place.ExecuteNonQueryAsync(cancellationToken);
        }
        return true;
    }

    /// <inheritdoc/>
    public async Task<Page<StoredCheckIn>> QueryCheckInsAsync(PatrolLedgerQuery query, CancellationToken cancellationToken = default)
    {
        var filter = Filters(query, "fix_time");
        if (query.Cursor is not null)
        {
            if (!LedgerCursor.TryDecode(query.Cursor, "c", out var c)) throw new ArgumentException($"cursor '{query.Cursor}' is not a cursor this ledger issued", nameof(query));
            filter.Add("(fix_time, gateway, seq) > (@cat, @ckey, @cseq)", ("@cat", c.At), ("@ckey", c.Key), ("@cseq", c.Seq));
        }
        var items = await database.ReadAsync(connection => ListAsync(connection, null,
            $"SELECT {CheckInColumns} FROM checkins {filter.Where} ORDER BY fix_time, gateway, seq LIMIT @limit;",
            r => new StoredCheckIn(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetDouble(6), r.GetDouble(7),
                r.GetDouble(8), Ms(r.GetInt64(9)), Str(r, 10), (GeofenceResult)r.GetInt32(11), Ms(r.GetInt64(12)), (ClockQuality)r.GetInt32(13), Ms(r.GetInt64(14))),
            cancellationToken, filter.Parameters(("@limit", query.Limit + 1))), cancellationToken);
        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            var last = items[^1];
            next = new LedgerCursor("c", last.FixTime.ToUnixTimeMilliseconds(), last.Gateway, last.Seq).Encode();
        }
        return new Page<StoredCheckIn>(items, next);
    }

    /// <inheritdoc/>
    public async Task<Page<StoredPatrol>> QueryPatrolsAsync(PatrolLedgerQuery query, CancellationToken cancellationToken = default)
    {
        var filter = Filters(query, "started_at");
        if (query.Cursor is not null)
        {
            if (!LedgerCursor.TryDecode(query.Cursor, "p", out var c)) throw new ArgumentException($"cursor '{query.Cursor}' is not a cursor this ledger issued", nameof(query));
            filter.Add("(started_at, gateway, seq) > (@cat, @ckey, @cseq)", ("@cat", c.At), ("@ckey", c.Key), ("@cseq", c.Seq));
        }
        return await database.ReadAsync(async connection =>
        {
            var items = await ListAsync(connection, null, $"""
                SELECT gateway, seq, record_id, member, terminal, grid, started_at, ended_at, track, findings, attachments, ts, clock, received_at
                FROM patrols {filter.Where} ORDER BY started_at, gateway, seq LIMIT @limit;
                """, r => new StoredPatrol(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), Ms(r.GetInt64(6)),
                    Ms(r.GetInt64(7)), ReadTrack(r.GetString(8)), [], r.GetString(9), JsonSerializer.Deserialize<string[]>(r.GetString(10)) ?? [], Ms(r.GetInt64(11)),
                    (ClockQuality)r.GetInt32(12), Ms(r.GetInt64(13))),
                cancellationToken, filter.Parameters(("@limit", query.Limit + 1)));
            string? next = null;
            if (items.Count > query.Limit)
            {
                items.RemoveAt(items.Count - 1);
                var last = items[^1];
                next = new LedgerCursor("p", last.StartedAt.ToUnixTimeMilliseconds(), last.Gateway, last.Seq).Encode();
            }
            for (var i = 0; i < items.Count; i++)
                items[i] = items[i] with
                {
                    Places = await ListAsync(connection, null, "SELECT kind, place_id, name, at FROM patrol_places WHERE gateway = @gateway AND seq = @seq ORDER BY idx;",
                        r => new StoredPlace((PlaceKind)r.GetInt32(0), Str(r, 1), r.GetString(2), Ms(r.GetInt64(3))), cancellationToken,
                        ("@gateway", items[i].Gateway), ("@seq", items[i].Seq)),
                };
            return new Page<StoredPatrol>(items, next);
        }, cancellationToken);
    }

    private static SqlFilter Filters(PatrolLedgerQuery query, string timeColumn)
    {
        if (query.Limit is < 1 or > PatrolLedgerQuery.MaxLimit)
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, $"limit must be from 1 to {PatrolLedgerQuery.MaxLimit}");
        var filter = new SqlFilter().AddIf(query.Gateway, "gateway = @gateway", "@gateway");
        if (query.Grid is not null) filter.Under("grid", query.Grid);
        return filter.AddIf(query.Member, "member = @member", "@member")
            .AddIf(query.From?.ToUnixTimeMilliseconds(), $"{timeColumn} >= @from", "@from")
            .AddIf(query.To?.ToUnixTimeMilliseconds(), $"{timeColumn} < @to", "@to");
    }

    private static string TrackJson(IReadOnlyList<TrackPoint> track)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var p in track)
            {
                writer.WriteStartObject();
                writer.WriteNumber("latitude", p.Latitude);
                writer.WriteNumber("longitude", p.Longitude);
                writer.WriteString("time", p.Time.ToUniversalTime());
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A stored track (a JSON array of {latitude, longitude, time}) read back.</summary>
    public static IReadOnlyList<TrackPoint> ReadTrack(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray()
            .Select(e => new TrackPoint(e.GetProperty("latitude").GetDouble(), e.GetProperty("longitude").GetDouble(), e.GetProperty("time").GetDateTimeOffset()))
            .ToList();
    }
}
