namespace GridEdge.Server.Problems;

/// <summary>The states of a problem in the problem ledger (问题台账), as stored in problems.state.</summary>
public static class ProblemStates
{
    public const string Reported = "reported";
    public const string Assigned = "assigned";
    public const string Transferred = "transferred";
    public const string Planned = "planned";
    public const string Rectified = "rectified";
    public const string Verified = "verified";
    public const string Closed = "closed";

    /// <summary>Every state, in lifecycle order.</summary>
    public static readonly IReadOnlyList<string> All = [Reported, Assigned, Transferred, Planned, Rectified, Verified, Closed];

    /// <summary>The SQL list of states that stop a deadline from being overdue.</summary>
    public const string NotOverdueSql = "('rectified', 'verified', 'closed')";
}

/// <summary>A transition a person can make on a problem, as the POST route and the problem_events.action name it.</summary>
public enum ProblemAction
{
    Assign,
    Transfer,
    Plan,
    Rectify,
    Verify,
    Close,
    /// <summary>The department accepts the transfer (受理).</summary>
    Accept,
    /// <summary>The department sends the transfer back (退回): the problem is to be assigned in the grid again.</summary>
    Return,
    /// <summary>The department reports its result back (反馈办理结果, 001: 反馈移交移送单位).</summary>
    Report,
    /// <summary>Flags the problem major (重大问题): escalated to the county at once (001: 及时报县级网格长).</summary>
    Major,
}

/// <summary>The two parts of closing a problem a department handled (双销号): the township's and the department's.</summary>
public static class ClosingParts
{
    public const string Township = "township", Department = "department";
}

/// <summary>Which state each transition may start from and what the refusal says otherwise.</summary>
public static class ProblemLifecycle
{
    public static string Name(this ProblemAction action) => action.ToString().ToLowerInvariant();

    /// <summary>The states <paramref name="action"/> may start from.</summary>
    public static IReadOnlyList<string> From(ProblemAction action) => action switch
    {
        // A department that sends a transferred problem back leaves it to be assigned inside the grid.
        ProblemAction.Assign => [ProblemStates.Reported, ProblemStates.Assigned, ProblemStates.Transferred],
        ProblemAction.Transfer => [ProblemStates.Reported, ProblemStates.Assigned, ProblemStates.Transferred],
        // A plan can be revised while it is being carried out.
        ProblemAction.Plan => [ProblemStates.Assigned, ProblemStates.Transferred, ProblemStates.Planned],
        // Fixed on the spot (reported), by the assignee, reported back by the department, or by the plan.
        ProblemAction.Rectify => [ProblemStates.Reported, ProblemStates.Assigned, ProblemStates.Transferred, ProblemStates.Planned],
        ProblemAction.Verify => [ProblemStates.Rectified],
        ProblemAction.Close => [ProblemStates.Verified],
        ProblemAction.Accept or ProblemAction.Return or ProblemAction.Report => [ProblemStates.Transferred],
        ProblemAction.Major => [ProblemStates.Reported, ProblemStates.Assigned, ProblemStates.Transferred, ProblemStates.Planned, ProblemStates.Rectified,
            ProblemStates.Verified],
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    public static bool Allows(ProblemAction action, string state) => From(action).Contains(state, StringComparer.Ordinal);

    /// <summary>Why <paramref name="action"/> is refused in <paramref name="state"/>: what the problem needs first.</summary>
    public static string Requirement(ProblemAction action, string state) => (action, state) switch
    {
        (_, ProblemStates.Closed) => "it is closed (struck off) and can no longer change",
        (ProblemAction.Close, _) => "it must be verified first",
        (ProblemAction.Accept or ProblemAction.Return or ProblemAction.Report, _) => "it is not transferred to a department",
        (ProblemAction.Verify, ProblemStates.Verified) => "it has already been verified and can only be closed",
        (ProblemAction.Verify, _) => "it must be rectified first",
        (ProblemAction.Plan, ProblemStates.Reported) => "it must be assigned or transferred first",
        (_, ProblemStates.Verified) => "it has been verified and can only be closed",
        (_, ProblemStates.Rectified) => "it has been rectified and awaits verification",
        (_, ProblemStates.Planned) => "it already has a rectification plan: rectify it, or revise the plan",
        _ => "allowed only in state " + string.Join(", ", From(action).Select(s => $"'{s}'")),
    };

    /// <summary>The message of a refused transition, e.g. "cannot close problem 12 in state 'rectified': it must be verified first".</summary>
    public static string Refusal(ProblemAction action, long id, string state) =>
        $"cannot {action.Name()} problem {id} in state '{state}': {Requirement(action, state)}";
}
