using System.Data.Common;
using System.Text.Json.Nodes;
using GridEdge.Server.Grid;
using GridEdge.Server.Storage;

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
    ProblemEvent? Event)
{
    /// <summary>The handling chain's fields: acceptance, report-back, the two closes, the major flag, the finish and how late.</summary>
    public ProblemHandling? Handling { get; init; }
}

/// <summary>The outcome of a transition: done, refused because of the state (409), or no such problem (404).</summary>
public abstract record TransitionOutcome
{
    public sealed record Done(ProblemLifecycleView Problem) : TransitionOutcome;
    /// <param name="Missing">What the problem still needs when its state alone does not say (双销号's other part, the department's acceptance).</param>
    public sealed record Refused(string State, string Message, IReadOnlyList<string> AllowedFrom, string? Missing = null) : TransitionOutcome;
    public sealed record NotFound : TransitionOutcome;
}

/// <summary>
/// The problem ledger's tables (<see cref="ProblemSchema"/>) over the ledger database, the same SQL on SQLite and
/// PostgreSQL. Each transition is one transaction: a conditional UPDATE of the state (WHERE state = the state read), so of
/// two concurrent transitions exactly one wins, on one node or many (on PostgreSQL the loser's UPDATE waits for the
/// winner's row lock, then finds the state changed), and its problem_events row.
/// </summary>
public sealed partial class ProblemLedger(LedgerDatabase database, TimeProvider? time = null) : IProblemLedger
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc/>
    public async Task<TransitionOutcome> ApplyAsync(long id, ProblemTransition t, CancellationToken cancellationToken = default,
        Func<DbConnection, DbTransaction, ProblemEvent, Task>? alsoRecord = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        t = t with { Detail = t.Detail ?? new JsonObject() };
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var (refused, recorded) = await database.WriteAsync<(TransitionOutcome? Refused, ProblemEvent? Recorded)>(async (connection, transaction) =>
        {
            var row = await ReadLifecycleAsync(connection, transaction, id, cancellationToken);
            if (row is null) return (new TransitionOutcome.NotFound(), null);
            var state = row.State;
            if (!ProblemLifecycle.Allows(t.Action, state))
                return (new TransitionOutcome.Refused(state, ProblemLifecycle.Refusal(t.Action, id, state), ProblemLifecycle.From(t.Action)), null);
            TransitionOutcome Refuse(string missing) =>
                new TransitionOutcome.Refused(state, $"cannot {t.Action.Name()} problem {id} in state '{state}': {missing}", ProblemLifecycle.From(t.Action), missing);

            string action = t.Action.Name(), to;
            var set = "";
            // What the transition read besides the state, so that of two concurrent ones only the first applies.
            var guard = "";
            var parameters = new List<(string, object?)>();
            void Finish()
            {
                // How late, against the deadline in force now: kept as it is, whatever happens to the deadline later.
                set += ", finished_at = @now, finish_deadline = @due, late_ms = @late";
                parameters.AddRange([("@due", row.Deadline), ("@late", row.Deadline is { } due ? Math.Max(0, now - due) : null)]);
            }
            switch (t.Action)
            {
                case ProblemAction.Assign:
                    to = ProblemStates.Assigned;
                    set = ", assignee = @assignee, deadline = @deadline";
                    parameters.AddRange([("@assignee", t.Assignee), ("@deadline", t.Deadline!.Value.ToUnixTimeMilliseconds())]);
                    break;
                case ProblemAction.Transfer:
                    to = ProblemStates.Transferred;
                    set = ", department = @department, deadline = @deadline, accepted_at = NULL, reported_back_at = NULL";
                    parameters.AddRange([("@department", t.Department), ("@deadline", t.Deadline!.Value.ToUnixTimeMilliseconds())]);
                    break;
                case ProblemAction.Accept:
                    if (row.AcceptedAt is not null) return (Refuse($"department {row.Department} has already accepted it: report the result back, or return it"), null);
                    to = ProblemStates.Transferred;
                    set = ", accepted_at = @now";
                    guard = " AND accepted_at IS NULL";
                    break;
                case ProblemAction.Return:
                    // Back to the grid, to be assigned there: the department's deadline no longer holds.
                    to = ProblemStates.Reported;
                    set = ", department = NULL, deadline = NULL, accepted_at = NULL";
                    if (row.Department is not null) t.Detail!["department"] = row.Department;
                    break;
                case ProblemAction.Report:
                    if (row.AcceptedAt is null) return (Refuse($"department {row.Department} has not accepted it yet: accept it first"), null);
                    to = ProblemStates.Rectified;
                    set = ", reported_back_at = @now";
                    Finish();
                    break;
                case ProblemAction.Plan:
                    to = ProblemStates.Planned;
                    set = ", plan = @plan, deadline = @deadline";
                    parameters.AddRange([("@plan", t.Detail!.ToJsonString()), ("@deadline", t.Deadline!.Value.ToUnixTimeMilliseconds())]);
                    break;
                case ProblemAction.Rectify:
                    to = ProblemStates.Rectified;
                    Finish();
                    break;
                case ProblemAction.Verify when t.Passed == true:
                    to = ProblemStates.Verified;
                    break;
                case ProblemAction.Verify:
                    // A failed verification goes back to whoever has to rectify again.
                    action = "reject";
                    to = row.HasPlan ? ProblemStates.Planned : await LastHandlingStateAsync(connection, transaction, id, cancellationToken);
                    break;
                case ProblemAction.Close when row.DepartmentInvolved:
                {
                    // 双销号: the township and the department each close their part; the problem is closed when both have.
                    var mine = t.Part == ClosingParts.Department ? row.DepartmentClosedAt : row.TownshipClosedAt;
                    var theirs = t.Part == ClosingParts.Department ? row.TownshipClosedAt : row.DepartmentClosedAt;
                    var other = t.Part == ClosingParts.Department ? "the township" : "the department";
                    if (mine is not null) return (Refuse($"{(t.Part == ClosingParts.Department ? "the department" : "the township")} has already closed its part; {other} has not closed its part yet"), null);
                    to = theirs is null ? ProblemStates.Verified : ProblemStates.Closed;
                    set = (t.Part == ClosingParts.Department ? ", department_closed_at = @now" : ", township_closed_at = @now") + (theirs is null ? "" : ", closed_at = @now");
                    guard = " AND township_closed_at IS " + (row.TownshipClosedAt is null ? "NULL" : "NOT NULL") +
                        " AND department_closed_at IS " + (row.DepartmentClosedAt is null ? "NULL" : "NOT NULL");
                    t.Detail!["part"] = t.Part;
                    if (theirs is null) t.Detail["waitingFor"] = other;
                    break;
                }
                case ProblemAction.Close:
                    if (t.Part == ClosingParts.Department)
                        return (Refuse("no department reported back on it: the township closes it alone"), null);
                    to = ProblemStates.Closed;
                    set = ", township_closed_at = @now, closed_at = @now";
                    break;
                case ProblemAction.Major:
                    if (row.MajorAt is not null) return (Refuse("it is already flagged major"), null);
                    to = state;
                    set = ", major_at = @now, major_reason = @reason";
                    guard = " AND major_at IS NULL";
                    parameters.Add(("@reason", (string?)t.Detail!["reason"]));
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(t));
            }
            parameters.AddRange([("@to", to), ("@now", now), ("@id", id), ("@from", state)]);
            if (await Sql.ExecuteAsync(connection, transaction, $"UPDATE problems SET state = @to, updated_at = @now{set} WHERE id = @id AND state = @from{guard};",
                    cancellationToken, [.. parameters]) != 1)
            {
                // Another transition won since the state was read: this one is refused in the state that one left.
                var current = (await ReadLifecycleAsync(connection, transaction, id, cancellationToken))?.State ?? state;
                if (current == state && guard.Length > 0) return (Refuse("another change of it came first: read it again"), null);
                return (new TransitionOutcome.Refused(current, ProblemLifecycle.Refusal(t.Action, id, current), ProblemLifecycle.From(t.Action)), null);
            }
            var n = Convert.ToInt32(await Sql.ScalarAsync(connection, transaction, """
                INSERT INTO problem_events (problem_id, n, action, from_state, to_state, by, at, detail)
                VALUES (@id, (SELECT COALESCE(MAX(n), 0) + 1 FROM problem_events WHERE problem_id = @id), @action, @from, @to, @by, @at, @detail)
                RETURNING n;
                """, cancellationToken, ("@id", id), ("@action", action), ("@from", state), ("@to", to), ("@by", t.By), ("@at", now),
                ("@detail", (t.Detail ?? new JsonObject()).ToJsonString())), System.Globalization.CultureInfo.InvariantCulture);
            var recorded = new ProblemEvent(id, n, action, state, to, t.By, Sql.Ms(now), t.Detail?.DeepClone());
            if (alsoRecord is not null) await alsoRecord(connection, transaction, recorded);
            return (null, recorded);
        }, cancellationToken);
        if (refused is not null) return refused;
        var view = await GetAsync(id, cancellationToken) ?? throw new InvalidOperationException($"problem {id} vanished after its transition");
        return new TransitionOutcome.Done(view with { Event = recorded });
    }

    /// <inheritdoc/>
    public async Task<ProblemLifecycleView?> GetAsync(long id, CancellationToken cancellationToken = default) =>
        (await database.ReadAsync(c => Sql.ListAsync(c, null, $"SELECT {ViewColumns} FROM problems WHERE id = @id;", ReadView, cancellationToken,
            ("@id", id), ("@now", _time.GetUtcNow().ToUnixTimeMilliseconds())), cancellationToken)).FirstOrDefault();

    /// <inheritdoc/>
    public Task<IReadOnlyList<ProblemEvent>?> GetEventsAsync(long id, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<ProblemEvent>?>(async connection =>
        {
            if (await Sql.ScalarAsync(connection, null, "SELECT 1 FROM problems WHERE id = @id;", cancellationToken, ("@id", id)) is null) return null;
            return await Sql.ListAsync(connection, null,
                "SELECT problem_id, n, action, from_state, to_state, by, at, detail FROM problem_events WHERE problem_id = @id ORDER BY n;",
                r => new ProblemEvent(r.GetInt64(0), r.GetInt32(1), r.GetString(2), Sql.Str(r, 3), r.GetString(4), r.GetString(5), Sql.Ms(r.GetInt64(6)),
                    Sql.Str(r, 7) is { } detail ? JsonNode.Parse(detail) : null), cancellationToken, ("@id", id));
        }, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ProblemLifecycleView>> GetOverdueAsync(DateTimeOffset at, string? gridPrefix, int limit, CancellationToken cancellationToken = default,
        string? department = null)
    {
        var filter = new SqlFilter().Add($"state NOT IN {ProblemStates.NotOverdueSql} AND deadline IS NOT NULL AND deadline < @now")
            .AddIf(department, "department = @department", "@department");
        if (gridPrefix is not null) filter.Add("grid >= @lo AND grid < @hi", ("@lo", gridPrefix), ("@hi", gridPrefix + ":"));
        return await database.ReadAsync(c => Sql.ListAsync(c, null, $"SELECT {ViewColumns} FROM problems {filter.Where} ORDER BY deadline, id LIMIT @limit;",
            ReadView, cancellationToken, filter.Parameters(("@now", at.ToUnixTimeMilliseconds()), ("@limit", limit))), cancellationToken);
    }

    private const string ViewColumns =
        $"id, grid, state, assignee, department, deadline, plan, updated_at, CASE WHEN deadline IS NOT NULL AND deadline < @now AND state NOT IN {ProblemStates.NotOverdueSql} THEN 1 ELSE 0 END, " +
        ProblemHandling.Columns;

    private static ProblemLifecycleView ReadView(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), Sql.Str(r, 3), Sql.Str(r, 4), Sql.OptMs(r, 5), Sql.Str(r, 6) is { } plan ? JsonNode.Parse(plan) : null,
        Sql.Ms(r.GetInt64(7)), r.GetInt64(8) != 0, null) { Handling = ProblemHandling.Read(r, 9) };

    /// <summary>What a transition reads of a problem before it writes.</summary>
    private sealed record LifecycleRow(string State, bool HasPlan, string? Department, long? Deadline, long? AcceptedAt, long? ReportedBackAt, long? TownshipClosedAt,
        long? DepartmentClosedAt, long? MajorAt)
    {
        /// <summary>A department was involved (transferred and reported back): closing takes both parts.</summary>
        public bool DepartmentInvolved => Department is not null && ReportedBackAt is not null;
    }

    private static async Task<LifecycleRow?> ReadLifecycleAsync(DbConnection connection, DbTransaction transaction, long id, CancellationToken ct) =>
        (await Sql.ListAsync(connection, transaction, """
            SELECT state, CASE WHEN plan IS NOT NULL THEN 1 ELSE 0 END, department, deadline, accepted_at, reported_back_at, township_closed_at,
                department_closed_at, major_at
            FROM problems WHERE id = @id;
            """, r => new LifecycleRow(r.GetString(0), r.GetInt64(1) != 0, Sql.Str(r, 2), Sql.OptLong(r, 3), Sql.OptLong(r, 4), Sql.OptLong(r, 5), Sql.OptLong(r, 6),
                Sql.OptLong(r, 7), Sql.OptLong(r, 8)), ct, ("@id", id))).FirstOrDefault();

    /// <summary>Where a rejected problem without a plan goes back to: its last assignment or transfer, else reported (fixed on the spot).</summary>
    private static async Task<string> LastHandlingStateAsync(DbConnection connection, DbTransaction transaction, long id, CancellationToken ct) =>
        await Sql.ScalarAsync(connection, transaction, """
            SELECT to_state FROM problem_events WHERE problem_id = @id AND action IN ('assign', 'transfer', 'return') ORDER BY n DESC LIMIT 1;
            """, ct, ("@id", id)) as string ?? ProblemStates.Reported;
}
