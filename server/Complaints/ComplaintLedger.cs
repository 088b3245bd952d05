using System.Data.Common;
using System.Globalization;
using GridEdge.Protocol.Records;
using GridEdge.Server.Grid;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Complaints;

/// <summary>
/// The complaint register's table (<see cref="ComplaintSchema"/>) over the ledger database, the same SQL on SQLite and
/// PostgreSQL. A complaint is read back with its arrival: the first check-in inside the routed grid's geofence
/// (patrols ledger, geofence 0), or the first arrival step inside it on the complaint's task (tasks ledger), at or after its receipt.
/// </summary>
public sealed class ComplaintLedger(LedgerDatabase database, TimeProvider time)
{
    // Arrival: the first position inside the grid's geofence at or after receipt, from a check-in of the grid's members or
    // an arrival step a member took on the complaint's task (tasks ledger).
    private const string CheckInArrival =
        "(SELECT MIN(k.fix_time) FROM checkins k WHERE k.grid = c.grid AND k.geofence = 0 AND k.fix_time >= c.received_at)";
    private const string TaskArrival = """
        (SELECT MIN(s.fix_time) FROM task_steps s WHERE s.task_kind = 'complaint' AND s.task_ref = c.id AND s.step = 'arrive' AND s.geofence = 0
            AND s.outcome = 'applied' AND s.fix_time >= c.received_at)
        """;

    private string Columns => $"""
        c.id, c.received_at, c.channel, c.latitude, c.longitude, c.address, c.category, c.description, c.contact_name, c.contact_phone, c.grid,
        c.received_by, c.repeat_of,
        {database.Least($"COALESCE({CheckInArrival}, {TaskArrival})", $"COALESCE({TaskArrival}, {CheckInArrival})")},
        (SELECT COUNT(*) FROM complaints r WHERE r.repeat_of = c.id)
        """;

    private const string StepColumns = "id, step, at, method, text, satisfaction, by, recorded_at";

    /// <summary>
    /// Stores a complaint, linked to the latest earlier one about the same grid and category received within
    /// <paramref name="repeatWithin"/> before it; <paramref name="alsoRecord"/> (the audit entry) is written in the same transaction.
    /// </summary>
    public Task<ComplaintReceived> AddAsync(NewComplaint complaint, TimeSpan repeatWithin, Func<DbConnection, DbTransaction, ComplaintReceived, Task> alsoRecord,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(complaint);
        var receivedAt = complaint.ReceivedAt.ToUnixTimeMilliseconds();
        return database.WriteAsync(async (connection, transaction) =>
        {
            var earlier = await ScalarAsync(connection, transaction, """
                SELECT id FROM complaints WHERE grid = @grid AND category = @category AND received_at >= @since AND received_at <= @at
                ORDER BY received_at DESC, id DESC LIMIT 1;
                """, cancellationToken, ("@grid", complaint.Grid), ("@category", (int)complaint.Category),
                ("@since", receivedAt - (long)repeatWithin.TotalMilliseconds), ("@at", receivedAt));
            long? repeatOf = earlier is null ? null : Convert.ToInt64(earlier, CultureInfo.InvariantCulture);
            var id = Convert.ToInt64(await ScalarAsync(connection, transaction, """
                INSERT INTO complaints (received_at, channel, latitude, longitude, address, category, description, contact_name, contact_phone, grid,
                    received_by, repeat_of, created_at)
                VALUES (@at, @channel, @lat, @lon, @address, @category, @description, @contactName, @contactPhone, @grid, @by, @repeatOf, @now)
                RETURNING id;
                """, cancellationToken, ("@at", receivedAt), ("@channel", complaint.Channel), ("@lat", complaint.Latitude), ("@lon", complaint.Longitude),
                ("@address", complaint.Address), ("@category", (int)complaint.Category), ("@description", complaint.Description),
                ("@contactName", complaint.Contact?.Name), ("@contactPhone", complaint.Contact?.Phone), ("@grid", complaint.Grid),
                ("@by", complaint.ReceivedBy), ("@repeatOf", repeatOf), ("@now", time.GetUtcNow().ToUnixTimeMilliseconds())), CultureInfo.InvariantCulture);
            var received = new ComplaintReceived(id, complaint.Grid, repeatOf);
            await alsoRecord(connection, transaction, received);
            return received;
        }, cancellationToken);
    }

    /// <summary>One complaint with its arrival, its repeats and its steps in the order recorded, or null.</summary>
    public Task<StoredComplaint?> GetAsync(long id, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async c =>
        {
            var complaint = (await ListAsync(c, null, $"SELECT {Columns} FROM complaints c WHERE c.id = @id;", Read, cancellationToken, ("@id", id))).FirstOrDefault();
            if (complaint is null) return null;
            var steps = await ListAsync(c, null, $"SELECT {StepColumns} FROM complaint_steps WHERE complaint_id = @id ORDER BY id;", ReadStep, cancellationToken,
                ("@id", id));
            return complaint with { Steps = steps };
        }, cancellationToken);

    /// <summary>
    /// Records a reply (答复) or a follow-up visit (回访) on a complaint; a visit is refused until a reply at or before it is
    /// recorded. <paramref name="alsoRecord"/> (the audit entry) is written in the same transaction.
    /// </summary>
    public Task<StepOutcome> AddStepAsync(long id, NewComplaintStep step, Func<DbConnection, DbTransaction, ComplaintStep, Task> alsoRecord,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(alsoRecord);
        var at = step.At.ToUnixTimeMilliseconds();
        return database.WriteAsync<StepOutcome>(async (connection, transaction) =>
        {
            if (await ScalarAsync(connection, transaction, "SELECT 1 FROM complaints WHERE id = @id;", cancellationToken, ("@id", id)) is null)
                return new StepOutcome.NotFound();
            if (step.Step == ComplaintSteps.Visit)
            {
                var firstReply = await ScalarAsync(connection, transaction, "SELECT MIN(at) FROM complaint_steps WHERE complaint_id = @id AND step = 'reply';",
                    cancellationToken, ("@id", id));
                const string Expected = "a reply (答复) to the complainant recorded first: POST /api/complaints/{id}/reply";
                if (firstReply is null)
                    return new StepOutcome.Refused($"cannot record a follow-up visit (回访) on complaint {id}: the complainant has not been replied to (答复) yet", Expected);
                var replied = Ms(Convert.ToInt64(firstReply, CultureInfo.InvariantCulture));
                if (replied > step.At)
                    return new StepOutcome.Refused(
                        $"cannot record a follow-up visit (回访) on complaint {id} at {step.At:O}: it was first replied to (答复) at {replied:O}, after the visit", Expected);
            }
            var recordedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
            var stepId = Convert.ToInt64(await ScalarAsync(connection, transaction, """
                INSERT INTO complaint_steps (complaint_id, step, at, method, text, satisfaction, by, recorded_at)
                VALUES (@id, @step, @at, @method, @text, @satisfaction, @by, @recorded)
                RETURNING id;
                """, cancellationToken, ("@id", id), ("@step", step.Step), ("@at", at), ("@method", step.Method), ("@text", step.Text),
                ("@satisfaction", step.Satisfaction), ("@by", step.By), ("@recorded", recordedAt)), CultureInfo.InvariantCulture);
            var recorded = Step(stepId, step.Step, at, step.Method, step.Text, step.Satisfaction, step.By, recordedAt);
            await alsoRecord(connection, transaction, recorded);
            return new StepOutcome.Done(recorded);
        }, cancellationToken);
    }

    /// <summary>
    /// The complaints at or beneath <paramref name="grid"/> received in [<paramref name="from"/>, <paramref name="to"/>), in order of
    /// receipt, each with whether it was replied to and visited, and the satisfaction of its latest visit.
    /// </summary>
    public Task<List<ComplaintHandling>> ListReceivedAsync(string grid, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var filter = new SqlFilter().Under("c.grid", grid).Add("c.received_at >= @from AND c.received_at < @to",
            ("@from", from.ToUnixTimeMilliseconds()), ("@to", to.ToUnixTimeMilliseconds()));
        return database.ReadAsync(c => ListAsync(c, null, $"""
            SELECT {Columns},
                (SELECT COUNT(*) FROM complaint_steps s WHERE s.complaint_id = c.id AND s.step = 'reply'),
                (SELECT COUNT(*) FROM complaint_steps s WHERE s.complaint_id = c.id AND s.step = 'visit'),
                (SELECT s.satisfaction FROM complaint_steps s WHERE s.complaint_id = c.id AND s.step = 'visit' ORDER BY s.at DESC, s.id DESC LIMIT 1)
            FROM complaints c {filter.Where} ORDER BY c.received_at, c.id;
            """, r => new ComplaintHandling(Read(r), r.GetInt64(15) > 0, r.GetInt64(16) > 0, Str(r, 17)), cancellationToken, filter.Parameters()), cancellationToken);
    }

    /// <summary>Complaints in order of receipt (then id), <see cref="ComplaintQuery.Grid"/> matching the grid and every grid beneath it.</summary>
    public async Task<Page<StoredComplaint>> QueryAsync(ComplaintQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new SqlFilter();
        if (query.Grid is not null) filter.Under("c.grid", query.Grid);
        filter.AddIf(query.From?.ToUnixTimeMilliseconds(), "c.received_at >= @from", "@from").AddIf(query.To?.ToUnixTimeMilliseconds(), "c.received_at < @to", "@to");
        if (query.Cursor is not null)
        {
            if (!LedgerCursor.TryDecode(query.Cursor, ComplaintQuery.CursorKind, out var cursor))
                throw new ArgumentException($"cursor '{query.Cursor}' is not a cursor this ledger issued", nameof(query));
            filter.Add("(c.received_at, c.id) > (@cat, @cid)", ("@cat", cursor.At), ("@cid", cursor.Seq));
        }
        var items = await database.ReadAsync(c => ListAsync(c, null, $"SELECT {Columns} FROM complaints c {filter.Where} ORDER BY c.received_at, c.id LIMIT @limit;",
            Read, cancellationToken, filter.Parameters(("@limit", query.Limit + 1))), cancellationToken);
        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            var last = items[^1];
            next = new LedgerCursor(ComplaintQuery.CursorKind, last.ReceivedAt.ToUnixTimeMilliseconds(), "", last.Id).Encode();
        }
        return new Page<StoredComplaint>(items, next);
    }

    private static StoredComplaint Read(DbDataReader r) => new(
        r.GetInt64(0), Ms(r.GetInt64(1)), r.GetString(2), OptDouble(r, 3), OptDouble(r, 4), Str(r, 5), (ProblemCategory)r.GetInt32(6), r.GetString(7),
        Str(r, 8) is null && Str(r, 9) is null ? null : new ComplaintContact(Str(r, 8), Str(r, 9)), r.GetString(10), r.GetString(11), OptLong(r, 12),
        OptMs(r, 13)) { Repeats = (int)r.GetInt64(14) };

    private static ComplaintStep ReadStep(DbDataReader r) =>
        Step(r.GetInt64(0), r.GetString(1), r.GetInt64(2), Str(r, 3), Str(r, 4), Str(r, 5), r.GetString(6), r.GetInt64(7));

    // One column holds the reply's text and the visit's note.
    private static ComplaintStep Step(long id, string step, long at, string? method, string? text, string? satisfaction, string by, long recordedAt) =>
        new(id, step, Ms(at), method, step == ComplaintSteps.Reply ? text : null, satisfaction, step == ComplaintSteps.Visit ? text : null, by, Ms(recordedAt));
}
