using System.Data.Common;
using GridEdge.Protocol.Records;
using GridEdge.Server.Grid;

namespace GridEdge.Server.Problems;

/// <summary>The problem ledger (问题台账): problems as reported from the uploads stream and their lifecycle.</summary>
public interface IProblemLedger
{
    /// <summary>Stores a reported problem (state reported, event 0) in the ingest's transaction; false when it is already there.</summary>
    Task<bool> AddReportAsync(DbConnection connection, DbTransaction transaction, string gateway, long seq, ProblemReport report, long receivedAt, CancellationToken cancellationToken);

    /// <summary>Problems in report-time order (then id).</summary>
    Task<Page<StoredProblem>> QueryAsync(ProblemQuery query, CancellationToken cancellationToken = default);

    /// <summary>One problem with its events in order, or null.</summary>
    Task<StoredProblem?> GetProblemAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a transition: of two concurrent transitions from the same state exactly one wins, on one node or many; the
    /// other is refused with the state it found.
    /// </summary>
    /// <param name="alsoRecord">Written in the transition's own transaction once its event is in (the audit entry): both commit or neither.</param>
    Task<TransitionOutcome> ApplyAsync(long id, ProblemTransition transition, CancellationToken cancellationToken = default,
        Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, ProblemEvent, Task>? alsoRecord = null);

    /// <summary>
    /// Records an event that does not change the state (a member's arrival on site), unless the problem is closed; the
    /// event's from and to state are the state it found.
    /// </summary>
    Task<TransitionOutcome> NoteAsync(long id, string action, string by, System.Text.Json.Nodes.JsonObject detail, CancellationToken cancellationToken = default,
        Func<DbConnection, DbTransaction, ProblemEvent, Task>? alsoRecord = null);

    /// <summary>A problem's lifecycle fields, or null when there is no such problem.</summary>
    Task<ProblemLifecycleView?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Every transition of a problem in order, or null when there is no such problem.</summary>
    Task<IReadOnlyList<ProblemEvent>?> GetEventsAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Problems whose deadline has passed at <paramref name="at"/> and that are not yet rectified, most overdue first.</summary>
    /// <param name="department">Only the problems transferred to this department (a department user's list).</param>
    Task<IReadOnlyList<ProblemLifecycleView>> GetOverdueAsync(DateTimeOffset at, string? gridPrefix, int limit, CancellationToken cancellationToken = default,
        string? department = null);

    /// <summary>
    /// The problems at or beneath <paramref name="grid"/> whose deadline falls in [<paramref name="from"/>, <paramref name="to"/>): those
    /// finished, by the deadline in force when they were finished (finish_deadline), and those still open, by their deadline, once it has
    /// passed at <paramref name="at"/>; in id order.
    /// </summary>
    /// <param name="department">Only the problems transferred to this department (a department user's figures).</param>
    Task<IReadOnlyList<DeadlineInPeriod>> GetDeadlinesInAsync(string grid, DateTimeOffset from, DateTimeOffset to, DateTimeOffset at, string? department = null,
        CancellationToken cancellationToken = default);
}
