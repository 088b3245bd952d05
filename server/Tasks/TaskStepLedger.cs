using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Tasks;

/// <summary>A stored task step the server has not decided yet (or, read back, has).</summary>
public sealed record StoredTaskStep(long Id, string Gateway, string RecordId, string Terminal, string Member, string Grid, string TaskKind, long TaskRef,
    TaskStepKind Step, double Latitude, double Longitude, double AccuracyMeters, DateTimeOffset FixTime, GeofenceResult Geofence, string? Note,
    IReadOnlyList<string> Attachments, DateTimeOffset At, string? Outcome, string? Reason, DateTimeOffset? DecidedAt)
{
    public string TaskId => TaskKinds.Id(TaskKind, TaskRef);
}

/// <summary>The outcomes of a task step.</summary>
public static class TaskStepOutcomes
{
    public const string Applied = "applied";
    public const string Refused = "refused";
}

/// <summary>The task ledger's table (<see cref="TaskSchema"/>) over the ledger database, the same SQL on SQLite and PostgreSQL.</summary>
public sealed class TaskStepLedger(LedgerDatabase database)
{
    private const string Columns = """
        id, gateway, record_id, terminal, member, grid, task_kind, task_ref, step, latitude, longitude, accuracy, fix_time, geofence, note, attachments, at,
        outcome, reason, decided_at
        """;

    /// <summary>Stores a step in the ingest's transaction (undecided); false when the terminal's record is already there.</summary>
    public async Task<bool> AddAsync(DbConnection connection, DbTransaction transaction, string gateway, long seq, TaskStep s, long receivedAt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!TaskKinds.TryParse(s.TaskId, out var kind, out var reference))
            throw new NotSupportedException($"taskId: '{s.TaskId}' is not {TaskIds.Rule}");
        var id = await ScalarAsync(connection, transaction, """
            INSERT INTO task_steps (gateway, seq, record_id, terminal, member, grid, task_kind, task_ref, step, latitude, longitude, accuracy, fix_time,
                geofence, note, attachments, at, clock, received_at)
            VALUES (@gateway, @seq, @record, @terminal, @member, @grid, @kind, @ref, @step, @lat, @lon, @accuracy, @fix, @geofence, @note, @attachments,
                @at, @clock, @received)
            ON CONFLICT DO NOTHING
            RETURNING id;
            """, cancellationToken, ("@gateway", gateway), ("@seq", seq), ("@record", s.RecordId), ("@terminal", s.TerminalId), ("@member", s.MemberId),
            ("@grid", s.GridCode), ("@kind", kind), ("@ref", reference), ("@step", StepName(s.Step)), ("@lat", s.Latitude), ("@lon", s.Longitude),
            ("@accuracy", s.AccuracyMeters), ("@fix", s.FixTime.ToUnixTimeMilliseconds()), ("@geofence", (int)s.Geofence), ("@note", s.Note),
            ("@attachments", JsonSerializer.Serialize(s.Attachments)), ("@at", s.Timestamp.ToUnixTimeMilliseconds()), ("@clock", (int)s.Clock),
            ("@received", receivedAt));
        return id is not null;
    }

    /// <summary>Steps not yet applied or refused after <paramref name="afterId"/>, oldest first.</summary>
    public Task<List<StoredTaskStep>> PendingAsync(int limit, long afterId = 0, CancellationToken cancellationToken = default) =>
        database.ReadAsync(c => ListAsync(c, null, $"SELECT {Columns} FROM task_steps WHERE outcome IS NULL AND id > @after ORDER BY id LIMIT @limit;", Read,
            cancellationToken, ("@limit", limit), ("@after", afterId)), cancellationToken);

    /// <summary>Every step taken on one task, in order.</summary>
    public Task<List<StoredTaskStep>> ForTaskAsync(string kind, long reference, CancellationToken cancellationToken = default) =>
        database.ReadAsync(c => ListAsync(c, null, $"SELECT {Columns} FROM task_steps WHERE task_kind = @kind AND task_ref = @ref ORDER BY id;", Read,
            cancellationToken, ("@kind", kind), ("@ref", reference)), cancellationToken);

    /// <summary>Records what became of a step, in the caller's transaction; false when it was already decided (by another node).</summary>
    public static async Task<bool> DecideAsync(DbConnection connection, DbTransaction? transaction, long id, string outcome, string? reason, DateTimeOffset at,
        CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, transaction, """
            UPDATE task_steps SET outcome = @outcome, reason = @reason, decided_at = @at WHERE id = @id AND outcome IS NULL;
            """, cancellationToken, ("@outcome", outcome), ("@reason", reason), ("@at", at.ToUnixTimeMilliseconds()), ("@id", id)) == 1;

    /// <summary>Records what became of a step in its own transaction.</summary>
    public Task<bool> DecideAsync(long id, string outcome, string? reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        database.WriteAsync((c, t) => DecideAsync(c, t, id, outcome, reason, at, cancellationToken), cancellationToken);

    /// <summary>The newest step's id (0 when none): a cheap sign that task lists may have changed.</summary>
    public async Task<long> LastIdAsync(CancellationToken cancellationToken = default) =>
        Convert.ToInt64(await database.ReadAsync(c => ScalarAsync(c, null, "SELECT COALESCE(MAX(id), 0) FROM task_steps;", cancellationToken), cancellationToken)
            ?? 0L, CultureInfo.InvariantCulture);

    /// <summary>The wire name of a step (arrive, rectify, verify).</summary>
    public static string StepName(TaskStepKind step) => JsonNamingPolicy.SnakeCaseLower.ConvertName(step.ToString());

    private static TaskStepKind ParseStep(string name) => Enum.Parse<TaskStepKind>(name, ignoreCase: true);

    private static StoredTaskStep Read(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetInt64(7), ParseStep(r.GetString(8)),
        r.GetDouble(9), r.GetDouble(10), r.GetDouble(11), Ms(r.GetInt64(12)), (GeofenceResult)r.GetInt32(13), Str(r, 14),
        JsonSerializer.Deserialize<string[]>(r.GetString(15)) ?? [], Ms(r.GetInt64(16)), Str(r, 17), Str(r, 18), OptMs(r, 19));
}
