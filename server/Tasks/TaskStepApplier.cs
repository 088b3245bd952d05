using System.Globalization;
using System.Text.Json.Nodes;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Audit;
using GridEdge.Server.Complaints;
using GridEdge.Server.Grid;
using GridEdge.Server.Problems;
using GridEdge.Server.Users;

namespace GridEdge.Server.Tasks;

/// <summary>
/// Applies the steps members took on their tasks, oldest first: arrival is recorded on the problem (the complaint's clock
/// reads it from the step), rectification and verification are the problem's transitions with the member as the actor,
/// each in one transaction with the step's outcome and the audit entry. A step the problem's state does not allow is
/// refused, and the refusal travels back to the task on the terminal. Exactly once on any number of nodes: the step's
/// outcome is written only where it is still undecided, or the transition rolls back.
/// </summary>
public sealed class TaskStepApplier(TaskStepLedger steps, IProblemLedger problems, ComplaintLedger complaints, IAuditLog audit, IGridRegistryStore registry,
    TimeProvider time, ILogger<TaskStepApplier> log)
{
    private const int Batch = 200;

    /// <summary>
    /// Decides every pending step; returns how many were decided. A step that fails for another reason than its own
    /// (the database away) stays pending for the next round, logged once, and never holds up the steps after it.
    /// </summary>
    public async Task<int> ApplyPendingAsync(CancellationToken cancellationToken = default)
    {
        var decided = 0;
        var after = 0L;
        IReadOnlyList<(string Gateway, string Township)>? served = null;
        while (true)
        {
            var pending = await steps.PendingAsync(Batch, after, cancellationToken);
            if (pending.Count > 0) served ??= await registry.GatewayTownshipsAsync(cancellationToken);
            foreach (var step in pending)
            {
                after = step.Id;
                try
                {
                    if (await ApplyAsync(step, served!, cancellationToken)) decided++;
                    _failing.TryRemove(step.Id, out _);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (_failing.TryAdd(step.Id, 0))
                        log.LogError(e, "Task step {RecordId} of terminal {Terminal} on {Task} could not be applied; retried every round", step.RecordId, step.Terminal, step.TaskId);
                }
            }
            if (pending.Count < Batch) return decided;
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, byte> _failing = new();

    private async Task<bool> ApplyAsync(StoredTaskStep step, IReadOnlyList<(string Gateway, string Township)> served, CancellationToken cancellationToken)
    {
        // A gateway carries steps of the members of the townships it serves only: another's is refused, whatever it says.
        var refusal = !served.Any(p => p.Gateway == step.Gateway && GridLevels.IsUnder(step.Grid, p.Township))
            ? $"gateway '{step.Gateway}' does not serve the township of grid {step.Grid}"
            : step.TaskKind switch
            {
                TaskKinds.Problem => await ApplyToProblemAsync(step, cancellationToken),
                TaskKinds.Complaint => await ApplyToComplaintAsync(step, cancellationToken),
                _ => $"'{step.TaskKind}' is not a kind of task",
            };
        if (refusal is null) return true;
        var refused = await steps.DecideAsync(step.Id, TaskStepOutcomes.Refused, refusal, time.GetUtcNow(), cancellationToken);
        if (refused)
            log.LogInformation("Task step {Step} of member {Member} on {Task} (terminal {Terminal}, record {RecordId}) refused: {Reason}",
                TaskStepLedger.StepName(step.Step), step.Member, step.TaskId, step.Terminal, step.RecordId, refusal);
        return refused;
    }

    /// <summary>Applies a step to its problem; the refusal's reason, or null when it was applied (or another node decided it).</summary>
    private async Task<string?> ApplyToProblemAsync(StoredTaskStep step, CancellationToken cancellationToken)
    {
        if (await problems.GetProblemAsync(step.TaskRef, cancellationToken) is not { } problem) return $"there is no problem {step.TaskRef}";
        if (!MayAct(step, problem.GridCode, problem.Assignee))
            return $"member '{step.Member}' of grid {step.Grid} is neither a member of the problem's grid {problem.GridCode} nor its assignee";
        var detail = Detail(step);
        var by = step.Member;
        Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, ProblemEvent, Task> record = async (connection, transaction, e) =>
        {
            // Decided here, in the transition's transaction: if another node decided the step first, the transition rolls back.
            if (!await TaskStepLedger.DecideAsync(connection, transaction, step.Id, TaskStepOutcomes.Applied, null, time.GetUtcNow(), cancellationToken))
                throw new StepAlreadyDecidedException();
            await audit.AppendAsync(connection, transaction, AuditEntry.For(Actor(step), "problem." + e.Action, "problem",
                step.TaskRef.ToString(CultureInfo.InvariantCulture), problem.GridCode, new { state = e.FromState }, new { state = e.ToState, detail = e.Detail }),
                cancellationToken);
        };
        TransitionOutcome outcome;
        try
        {
            outcome = step.Step switch
            {
                TaskStepKind.Arrive => await problems.NoteAsync(step.TaskRef, "arrive", by, detail, cancellationToken, record),
                TaskStepKind.Rectify => await problems.ApplyAsync(step.TaskRef, new ProblemTransition(ProblemAction.Rectify, by, Detail: detail), cancellationToken, record),
                TaskStepKind.Verify => await problems.ApplyAsync(step.TaskRef, new ProblemTransition(ProblemAction.Verify, by, Passed: true, Detail: detail),
                    cancellationToken, record),
                _ => throw new ArgumentOutOfRangeException(nameof(step)),
            };
        }
        catch (StepAlreadyDecidedException)
        {
            return null;
        }
        switch (outcome)
        {
            case TransitionOutcome.Done:
                log.LogInformation("Task step {Step} of member {Member} on {Task} applied", TaskStepLedger.StepName(step.Step), step.Member, step.TaskId);
                return null;
            case TransitionOutcome.Refused r:
                return r.Message;
            default:
                return $"there is no problem {step.TaskRef}";
        }
    }

    private async Task<string?> ApplyToComplaintAsync(StoredTaskStep step, CancellationToken cancellationToken)
    {
        if (await complaints.GetAsync(step.TaskRef, cancellationToken) is not { } complaint) return $"there is no complaint {step.TaskRef}";
        if (!MayAct(step, complaint.Grid, assignee: null))
            return $"member '{step.Member}' of grid {step.Grid} is not a member of the complaint's grid {complaint.Grid}";
        if (step.Step != TaskStepKind.Arrive)
            return $"a complaint takes only the arrival on site from a terminal; {TaskStepLedger.StepName(step.Step)} is recorded on a problem opened for it";
        // The response clock reads the arrival from the step itself (inside the grid's geofence); applying it records it in the audit log.
        await steps.DecideAsync(step.Id, TaskStepOutcomes.Applied, null, time.GetUtcNow(), cancellationToken);
        return null;
    }

    /// <summary>A member acts on a task of its own grid (or a grid above it, a complaint routed to the township), or on a problem assigned to it.</summary>
    private static bool MayAct(StoredTaskStep step, string taskGrid, string? assignee) =>
        step.Member == assignee || step.Grid == taskGrid || GridLevels.IsUnder(step.Grid, taskGrid);

    private static JsonObject Detail(StoredTaskStep step)
    {
        var detail = new JsonObject
        {
            ["via"] = "terminal",
            ["terminal"] = step.Terminal,
            ["recordId"] = step.RecordId,
            ["gateway"] = step.Gateway,
            ["latitude"] = step.Latitude,
            ["longitude"] = step.Longitude,
            ["accuracyMeters"] = step.AccuracyMeters,
            ["fixTime"] = step.FixTime.ToString("O", CultureInfo.InvariantCulture),
            ["geofence"] = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(step.Geofence.ToString()),
        };
        if (step.Note is not null) detail[step.Step == TaskStepKind.Rectify ? "result" : "comment"] = step.Note;
        if (step.Attachments.Count > 0) detail["attachments"] = new JsonArray([.. step.Attachments.Select(a => JsonValue.Create(a))]);
        return detail;
    }

    private static AuditActor Actor(StoredTaskStep step) => new(step.Member, Roles.VillageMember, $"terminal:{step.Terminal}@{step.Gateway}");

    private sealed class StepAlreadyDecidedException : Exception;
}
