using System.Text.Json;
using GridEdge.Protocol.Records;

namespace GridEdge.Server.Problems;

/// <summary>A transition of a problem (n = 0 is the report).</summary>
public sealed record StoredProblemEvent(int N, string Action, string? FromState, string ToState, string By, DateTimeOffset At, JsonElement? Detail);

/// <summary>
/// A stored problem with its lifecycle fields; <see cref="Events"/> only when read one at a time. <see cref="Source"/> is
/// <c>terminal</c> (a member reported it) or <c>alert</c> (a gateway's alert opened it: <see cref="Alert"/> holds the alert's
/// figures, member and terminal are ''); <see cref="Critical"/>: a straw-burning alert during a straw-burning ban.
/// </summary>
public sealed record StoredProblem(
    long Id, string Gateway, long Seq, string RecordId, string MemberId, string TerminalId, string GridCode, double Latitude, double Longitude,
    string? Address, ProblemCategory Category, string Description, IReadOnlyList<string> Attachments, DateTimeOffset ReportedAt,
    ClockQuality Clock, DateTimeOffset ReceivedAt, string State, string? Assignee, string? Department, DateTimeOffset? Deadline,
    JsonElement? Plan, DateTimeOffset UpdatedAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<StoredProblemEvent>? Events = null,
    string Source = "terminal", bool Critical = false,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] JsonElement? Alert = null)
{
    /// <summary>The state's Chinese name (已上报, 已交办 …).</summary>
    public string StateName => ProblemLabels.State(State);

    /// <summary>The category's Chinese name, as the seeds write it.</summary>
    public string CategoryName => ProblemLabels.Category(Category);

    /// <summary>The handling chain's fields: acceptance, report-back, the two closes, the major flag, the finish and how late.</summary>
    public ProblemHandling? Handling { get; init; }
}

/// <summary>
/// A problem's handling chain: the department's acceptance and report-back, the township's and the department's closes
/// (双销号), the major flag (重大问题), and when it was finished against which deadline and how many hours late.
/// </summary>
public sealed record ProblemHandling(DateTimeOffset? AcceptedAt, DateTimeOffset? ReportedBackAt, DateTimeOffset? TownshipClosedAt, DateTimeOffset? DepartmentClosedAt,
    DateTimeOffset? ClosedAt, bool Major, DateTimeOffset? MajorAt, string? MajorReason, DateTimeOffset? FinishedAt, DateTimeOffset? FinishDeadline, double? LateHours)
{
    /// <summary>The columns <see cref="Read"/> reads, in its order.</summary>
    public const string Columns = "accepted_at, reported_back_at, township_closed_at, department_closed_at, closed_at, major_at, major_reason, finished_at, finish_deadline, late_ms";

    public static ProblemHandling Read(System.Data.Common.DbDataReader r, int first)
    {
        DateTimeOffset? At(int i) => Storage.Sql.OptMs(r, first + i);
        var late = Storage.Sql.OptLong(r, first + 9);
        return new(At(0), At(1), At(2), At(3), At(4), !r.IsDBNull(first + 5), At(5), Storage.Sql.Str(r, first + 6), At(7), At(8),
            late is { } ms ? Math.Round(ms / 3_600_000.0, 2) : null);
    }
}

/// <summary>Filters of the problem listing.</summary>
/// <param name="Department">Only the problems transferred to this department (a department user's listing).</param>
/// <param name="Major">Only the problems flagged major (true) or not (false).</param>
public sealed record ProblemQuery(string? Grid = null, string? Member = null, string? State = null, ProblemCategory? Category = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, int Limit = 100, string? Cursor = null, string? Department = null, bool? Major = null);
