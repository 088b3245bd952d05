using System.Data.Common;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Calendar;
using GridEdge.Server.Complaints;
using GridEdge.Server.Grid;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;
using Microsoft.Extensions.Options;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Tasks;

/// <summary>
/// Builds a gateway's task list: for every township the gateway serves, the problems not yet closed and the recent
/// complaints of its grids, each handed to members: a problem to its assignee (a member's id or name), else (opened by
/// an alarm or a complaint, no reporter) to every member of its grid, else to the member who reported it; a complaint to
/// every member of the grid it was routed to. Each task carries the steps expected next and the last refused step.
/// </summary>
public sealed class TaskListBuilder(LedgerDatabase database, IWorkCalendar calendar, IOptions<TaskOptions> options, TimeProvider time)
{
    private sealed record Member(string Id, string Name, string Grid);

    /// <summary>The task list for <paramref name="gatewayId"/> (empty when it serves no township), without its version.</summary>
    public Task<IReadOnlyList<TerminalTask>> BuildAsync(string gatewayId, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<TerminalTask>>(async connection =>
        {
            var now = time.GetUtcNow();
            var townships = await ListAsync(connection, null, "SELECT code FROM grids WHERE level = 3 AND gateway = @gateway ORDER BY code;",
                r => r.GetString(0), cancellationToken, ("@gateway", gatewayId));
            var tasks = new List<TerminalTask>();
            foreach (var township in townships)
            {
                var (lo, hi) = (GridLevels.Prefix(township), GridLevels.Prefix(township) + ":");
                var members = await ListAsync(connection, null, "SELECT id, name, grid FROM members WHERE active = 1 AND grid >= @lo AND grid < @hi ORDER BY id;",
                    r => new Member(r.GetString(0), r.GetString(1), r.GetString(2)), cancellationToken, ("@lo", lo), ("@hi", hi));
                var refusals = await RefusalsAsync(connection, lo, hi, now, cancellationToken);
                tasks.AddRange(await ProblemTasksAsync(connection, lo, hi, members, refusals, cancellationToken));
                tasks.AddRange(await ComplaintTasksAsync(connection, lo, hi, members, refusals, now, cancellationToken));
            }
            return [.. tasks.OrderBy(t => t.Deadline ?? DateTimeOffset.MaxValue).ThenBy(t => t.TaskId, StringComparer.Ordinal).Take(options.Value.MaxTasks)];
        }, cancellationToken);

    private static async Task<List<TerminalTask>> ProblemTasksAsync(DbConnection connection, string lo, string hi, List<Member> members,
        Dictionary<string, TaskRefusal> refusals, CancellationToken cancellationToken)
    {
        var rows = await ListAsync(connection, null, """
            SELECT id, grid, member, assignee, state, category, description, latitude, longitude, address, deadline, attachments, updated_at
            FROM problems WHERE state <> 'closed' AND grid >= @lo AND grid < @hi ORDER BY id;
            """, r => (Id: r.GetInt64(0), Grid: r.GetString(1), Reporter: r.GetString(2), Assignee: Str(r, 3), State: r.GetString(4),
                Category: (ProblemCategory)r.GetInt32(5), Description: r.GetString(6), Latitude: r.GetDouble(7), Longitude: r.GetDouble(8), Address: Str(r, 9),
                Deadline: OptMs(r, 10), Attachments: r.GetString(11), UpdatedAt: Ms(r.GetInt64(12))), cancellationToken, ("@lo", lo), ("@hi", hi));
        var tasks = new List<TerminalTask>(rows.Count);
        foreach (var p in rows)
        {
            var handedTo = p.Assignee is { } assignee && members.FirstOrDefault(m => m.Id == assignee || m.Name == assignee) is { } named ? [named.Id]
                : p.Reporter.Length == 0 || p.Assignee is not null ? members.Where(m => m.Grid == p.Grid || GridLevels.IsUnder(m.Grid, p.Grid)).Select(m => m.Id).ToList()
                : members.Any(m => m.Id == p.Reporter) ? [p.Reporter] : [];
            if (handedTo.Count == 0) continue;
            var id = TaskKinds.Id(TaskKinds.Problem, p.Id);
            tasks.Add(new TerminalTask(id, TaskKinds.Problem, p.Id, p.Grid, handedTo, p.Category, p.Description, p.Latitude, p.Longitude, p.Address,
                p.Deadline, p.State, JsonSerializer.Deserialize<string[]>(p.Attachments) ?? [], ExpectedSteps(p.State), refusals.GetValueOrDefault(id), p.UpdatedAt));
        }
        return tasks;
    }

    private async Task<List<TerminalTask>> ComplaintTasksAsync(DbConnection connection, string lo, string hi, List<Member> members,
        Dictionary<string, TaskRefusal> refusals, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now.AddDays(-options.Value.ComplaintDays).ToUnixTimeMilliseconds();
        var rows = await ListAsync(connection, null, $"""
            SELECT c.id, c.grid, c.category, c.description, c.latitude, c.longitude, c.address, c.received_at,
                (SELECT MIN(s.fix_time) FROM task_steps s WHERE s.task_kind = 'complaint' AND s.task_ref = c.id AND s.step = 'arrive'
                    AND s.outcome = 'applied' AND s.geofence = 0),
                (SELECT MAX(s.decided_at) FROM task_steps s WHERE s.task_kind = 'complaint' AND s.task_ref = c.id)
            FROM complaints c WHERE c.grid >= @lo AND c.grid < @hi AND c.received_at >= @since ORDER BY c.id;
            """, r => (Id: r.GetInt64(0), Grid: r.GetString(1), Category: (ProblemCategory)r.GetInt32(2), Description: r.GetString(3), Latitude: OptDouble(r, 4),
                Longitude: OptDouble(r, 5), Address: Str(r, 6), ReceivedAt: Ms(r.GetInt64(7)), ArrivedAt: OptMs(r, 8), StepAt: OptMs(r, 9)),
            cancellationToken, ("@lo", lo), ("@hi", hi), ("@since", since));
        var tasks = new List<TerminalTask>(rows.Count);
        foreach (var c in rows)
        {
            // Routed to the village: its members; routed to the township (outside every village): every member of the township.
            var handedTo = members.Where(m => m.Grid == c.Grid || GridLevels.IsUnder(m.Grid, c.Grid)).Select(m => m.Id).ToList();
            if (handedTo.Count == 0) continue;
            var id = TaskKinds.Id(TaskKinds.Complaint, c.Id);
            var arrived = c.ArrivedAt is not null;
            var updated = c.StepAt is { } s && s > c.ReceivedAt ? s : c.ReceivedAt;
            tasks.Add(new TerminalTask(id, TaskKinds.Complaint, c.Id, c.Grid, handedTo, c.Category, c.Description, c.Latitude, c.Longitude, c.Address,
                c.ReceivedAt + calendar.ResponseLimit(c.ReceivedAt), arrived ? "arrived" : ResponseClock.Pending, [],
                arrived ? [] : [TaskStepKind.Arrive], refusals.GetValueOrDefault(id), updated));
        }
        return tasks;
    }

    /// <summary>The last decided step of each task of the township, where it was refused (a later applied step clears it).</summary>
    private async Task<Dictionary<string, TaskRefusal>> RefusalsAsync(DbConnection connection, string lo, string hi, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now.AddDays(-options.Value.ComplaintDays).ToUnixTimeMilliseconds();
        var rows = await ListAsync(connection, null, """
            SELECT task_kind, task_ref, step, record_id, outcome, reason, decided_at FROM task_steps
            WHERE grid >= @lo AND grid < @hi AND outcome IS NOT NULL AND decided_at >= @since ORDER BY id;
            """, r => (Task: TaskKinds.Id(r.GetString(0), r.GetInt64(1)), Step: Enum.Parse<TaskStepKind>(r.GetString(2), ignoreCase: true),
                RecordId: r.GetString(3), Outcome: r.GetString(4), Reason: Str(r, 5), At: Ms(r.GetInt64(6))), cancellationToken,
            ("@lo", lo), ("@hi", hi), ("@since", since));
        var last = new Dictionary<string, TaskRefusal>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.Outcome == TaskStepOutcomes.Refused) last[row.Task] = new TaskRefusal(row.Step, row.RecordId, row.Reason ?? "", row.At);
            else last.Remove(row.Task);
        }
        return last;
    }

    /// <summary>What a member is expected to do next on a problem in <paramref name="state"/>.</summary>
    public static IReadOnlyList<TaskStepKind> ExpectedSteps(string state) => state switch
    {
        ProblemStates.Rectified => [TaskStepKind.Verify],
        ProblemStates.Verified or ProblemStates.Closed => [],
        _ => [TaskStepKind.Arrive, TaskStepKind.Rectify],
    };
}
