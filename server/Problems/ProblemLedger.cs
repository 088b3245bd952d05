using System.Text.Json.Nodes;
using GridEdge.Server.Ledgers;
using Microsoft.Data.Sqlite;

namespace GridEdge.Server.Problems;

/// <summary>One row of problem_events: a transition with who made it and when (server time).</summary>
public sealed record ProblemEvent(long ProblemId, int N, string Action, string? FromState, string ToState, string By, DateTimeOffset At, JsonNode? Detail);

/// <summary>A problem's lifecycle fields after a transition.</summary>
public sealed record ProblemLifecycleView(
    long Id,
    string Grid,
    string State,
    string? Assignee,
    string? Department,
    DateTimeOffset? Deadline,
    JsonNode? Plan,
    DateTimeOffset UpdatedAt,
    bool Overdue,
    ProblemEvent? Event);

/// <summary>The outcome of a transition: done, refused because of the state (409), or no such problem (404).</summary>
public abstract record TransitionOutcome
{
    public sealed record Done(ProblemLifecycleView Problem) : TransitionOutcome;
    public sealed record Refused(string State, string Message, IReadOnlyList<string> AllowedFrom) : TransitionOutcome;
    public sealed record NotFound : TransitionOutcome;
}

/// <summary>
/// The problem ledger's lifecycle over problems + problem_events, in the ledger's SQLite file. Each transition is one
/// transaction: a conditional UPDATE of the state (WHERE state = the state read), so of two concurrent transitions
/// only one wins even across processes, and its problem_events row.
/// </summary>
public sealed class ProblemLedger : IDisposable
{
    private readonly SqliteFile _file;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public ProblemLedger(string path, TimeProvider? time = null)
    {
        _file = new SqliteFile(path);
        Path = _file.Path;
        _time = time ?? TimeProvider.System;
    }

    public string Path { get; }

    /// <summary>Creates the grid tables if they are missing (the schema is idempotent).</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _file.CreateAsync(GridLedgerSchema.Sql, cancellationToken);
    }

    public async Task<TransitionOutcome> ApplyAsync(long id, ProblemTransition t, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            // BEGIN IMMEDIATE: the write lock is taken before the state is read, so no other writer slips in between.
            await using var transaction = connection.BeginTransaction(deferred: false);
            var row = await ReadLifecycleAsync(connection, transaction, id, cancellationToken);
            if (row is null) return new TransitionOutcome.NotFound();
            var state = row.Value.State;
            if (!ProblemLifecycle.Allows(t.Action, state))
                return new TransitionOutcome.Refused(state, ProblemLifecycle.Refusal(t.Action, id, state), ProblemLifecycle.From(t.Action));

            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            string action = t.Action.Name(), to;
            var set = "";
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            switch (t.Action)
            {
                case ProblemAction.Assign:
                    to = ProblemStates.Assigned;
                    set = ", assignee = $assignee, deadline = $deadline";
                    update.Parameters.AddWithValue("$assignee", t.Assignee);
                    update.Parameters.AddWithValue("$deadline", t.Deadline!.Value.ToUnixTimeMilliseconds());
                    break;
                case ProblemAction.Transfer:
                    to = ProblemStates.Transferred;
                    set = ", department = $department, deadline = $deadline";
                    update.Parameters.AddWithValue("$department", t.Department);
                    update.Parameters.AddWithValue("$deadline", t.Deadline!.Value.ToUnixTimeMilliseconds());
                    break;
                case ProblemAction.Plan:
                    to = ProblemStates.Planned;
                    set = ", plan = $plan, deadline = $deadline";
                    update.Parameters.AddWithValue("$plan", t.Detail!.ToJsonString());
                    update.Parameters.AddWithValue("$deadline", t.Deadline!.Value.ToUnixTimeMilliseconds());
                    break;
                case ProblemAction.Rectify:
                    to = ProblemStates.Rectified;
                    break;
                case ProblemAction.Verify when t.Passed == true:
                    to = ProblemStates.Verified;
                    break;
                case ProblemAction.Verify:
                    // A failed verification goes back to whoever has to rectify again.
                    action = "reject";
                    to = row.Value.HasPlan ? ProblemStates.Planned : await LastHandlingStateAsync(connection, transaction, id, cancellationToken);
                    break;
                case ProblemAction.Close:
                    to = ProblemStates.Closed;
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(t));
            }
            update.CommandText = $"UPDATE problems SET state = $to, updated_at = $now{set} WHERE id = $id AND state = $from;";
            update.Parameters.AddWithValue("$to", to);
            update.Parameters.AddWithValue("$now", now);
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$from", state);
            if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                // Not reachable inside one IMMEDIATE transaction; kept so a changed locking scheme cannot make two transitions win.
                var current = (await ReadLifecycleAsync(connection, transaction, id, cancellationToken))?.State ?? state;
                return new TransitionOutcome.Refused(current, ProblemLifecycle.Refusal(t.Action, id, current), ProblemLifecycle.From(t.Action));
            }

            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO problem_events (problem_id, n, action, from_state, to_state, by, at, detail)
                VALUES ($id, (SELECT coalesce(max(n), 0) + 1 FROM problem_events WHERE problem_id = $id), $action, $from, $to, $by, $at, $detail)
                RETURNING n;
                """;
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$action", action);
            insert.Parameters.AddWithValue("$from", state);
            insert.Parameters.AddWithValue("$to", to);
            insert.Parameters.AddWithValue("$by", t.By);
            insert.Parameters.AddWithValue("$at", now);
            insert.Parameters.AddWithValue("$detail", (t.Detail ?? new JsonObject()).ToJsonString());
            var n = Convert.ToInt32(await insert.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            await transaction.CommitAsync(cancellationToken);

            var view = await GetAsync(id, cancellationToken) ?? throw new InvalidOperationException($"problem {id} vanished after its transition");
            return new TransitionOutcome.Done(view with
            {
                Event = new ProblemEvent(id, n, action, state, to, t.By, DateTimeOffset.FromUnixTimeMilliseconds(now), t.Detail?.DeepClone()),
            });
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>A problem's lifecycle fields, or null when there is no such problem.</summary>
    public async Task<ProblemLifecycleView?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ViewColumns} FROM problems WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadView(reader) : null;
    }

    /// <summary>Every transition of a problem in order, or null when there is no such problem.</summary>
    public async Task<IReadOnlyList<ProblemEvent>?> GetEventsAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using (var exists = connection.CreateCommand())
        {
            exists.CommandText = "SELECT 1 FROM problems WHERE id = $id;";
            exists.Parameters.AddWithValue("$id", id);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null) return null;
        }
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT problem_id, n, action, from_state, to_state, by, at, detail FROM problem_events WHERE problem_id = $id ORDER BY n;";
        command.Parameters.AddWithValue("$id", id);
        var result = new List<ProblemEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result.Add(new ProblemEvent(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), reader.GetString(5), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                reader.IsDBNull(7) ? null : JsonNode.Parse(reader.GetString(7))));
        return result;
    }

    /// <summary>Problems whose deadline has passed at <paramref name="at"/> and that are not yet rectified, most overdue first.</summary>
    public async Task<IReadOnlyList<ProblemLifecycleView>> GetOverdueAsync(DateTimeOffset at, string? gridPrefix, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {ViewColumns} FROM problems
            WHERE state NOT IN {ProblemStates.NotOverdueSql} AND deadline IS NOT NULL AND deadline < $now
              AND ($prefix IS NULL OR (grid >= $prefix AND grid < $prefix || ':'))
            ORDER BY deadline, id LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$now", at.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$prefix", (object?)gridPrefix ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        var result = new List<ProblemLifecycleView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result.Add(ReadView(reader));
        return result;
    }

    private const string ViewColumns =
        $"id, grid, state, assignee, department, deadline, plan, updated_at, (deadline IS NOT NULL AND deadline < $now AND state NOT IN {ProblemStates.NotOverdueSql})";

    private static ProblemLifecycleView ReadView(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
        r.IsDBNull(6) ? null : JsonNode.Parse(r.GetString(6)),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)), r.GetInt64(8) != 0, null);

    private static async Task<(string State, bool HasPlan)?> ReadLifecycleAsync(SqliteConnection connection, SqliteTransaction transaction, long id, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT state, plan IS NOT NULL FROM problems WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetInt64(1) != 0) : null;
    }

    /// <summary>Where a rejected problem without a plan goes back to: its last assignment or transfer, else reported (fixed on the spot).</summary>
    private static async Task<string> LastHandlingStateAsync(SqliteConnection connection, SqliteTransaction transaction, long id, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT to_state FROM problem_events WHERE problem_id = $id AND action IN ('assign', 'transfer') ORDER BY n DESC LIMIT 1;
            """;
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteScalarAsync(ct) as string ?? ProblemStates.Reported;
    }

    // As the ledger does: a transition on record survives a power cut.
    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _file.OpenAsync(cancellationToken);

    public void Dispose()
    {
        _file.ClearPool();
        _writeLock.Dispose();
    }
}
