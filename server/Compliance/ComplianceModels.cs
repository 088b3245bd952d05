using System.Text.Json.Serialization;
using GridEdge.Protocol.Records;
using GridEdge.Server.Problems;

namespace GridEdge.Server.Compliance;

/// <summary>The grids a report covers: a grid and every grid beneath it, whose codes start with its prefix.</summary>
/// <param name="Prefix">Level 1: the first 4 digits, level 2: 6, level 3: 9, level 4: the whole 12-digit code.</param>
public sealed record GridScope(string Code, int Level, string Name, string Prefix)
{
    public static int PrefixLength(int level) => level switch { 1 => 4, 2 => 6, 3 => 9, _ => 12 };
}

/// <summary>
/// One grid's own figures for a period (its own members, inventory and records, not those of the grids beneath it; see
/// <see cref="ComplianceRollup"/> for those). <see cref="Patrols"/> counts the patrols that count; <see cref="PatrolsRecorded"/> all
/// patrol records. <see cref="LateRecords"/>: patrols and check-ins of the period received after its due time. <see cref="FirePoints"/>:
/// the straw-burning problems alerts opened in the grid during a straw-burning ban of its county in the period (002: 一把火考核);
/// null (and absent from the JSON) when no ban overlaps the period.
/// </summary>
public sealed record GridCompliance(
    string Grid,
    string Name,
    int Level,
    string? Township,
    int Members,
    int ActiveMembers,
    int CheckIns,
    int PatrolsRecorded,
    int Patrols,
    bool PatrolMet,
    int KeyPoints,
    int KeyPointsCovered,
    int KeyPointsOnce,
    int NationalEnterprises,
    int NationalVisited,
    int ProvinceEnterprises,
    int ProvinceVisited,
    int CityCountyEnterprises,
    int CityCountyVisited,
    int OtherEnterprises,
    int OtherVisited,
    int ProblemsReported,
    int ProblemsOpen,
    int ProblemsOverdue,
    int ProblemsClosed,
    int LateRecords,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? FirePoints = null);

/// <summary>The sums over grids: a report's totals, or a township's or county's roll-up of itself and every grid beneath it.</summary>
public sealed record ComplianceTotals(
    int Grids,
    int GridsPatrolMet,
    int Members,
    int ActiveMembers,
    int CheckIns,
    int PatrolsRecorded,
    int Patrols,
    int KeyPoints,
    int KeyPointsCovered,
    int KeyPointsOnce,
    int NationalEnterprises,
    int NationalVisited,
    int ProvinceEnterprises,
    int ProvinceVisited,
    int CityCountyEnterprises,
    int CityCountyVisited,
    int OtherEnterprises,
    int OtherVisited,
    int ProblemsReported,
    int ProblemsOpen,
    int ProblemsOverdue,
    int ProblemsClosed,
    int LateRecords,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? FirePoints = null)
{
    public static ComplianceTotals Of(IReadOnlyCollection<GridCompliance> rows) => new(
        rows.Count, rows.Count(r => r.PatrolMet), rows.Sum(r => r.Members), rows.Sum(r => r.ActiveMembers), rows.Sum(r => r.CheckIns),
        rows.Sum(r => r.PatrolsRecorded), rows.Sum(r => r.Patrols), rows.Sum(r => r.KeyPoints), rows.Sum(r => r.KeyPointsCovered), rows.Sum(r => r.KeyPointsOnce),
        rows.Sum(r => r.NationalEnterprises), rows.Sum(r => r.NationalVisited),
        rows.Sum(r => r.ProvinceEnterprises), rows.Sum(r => r.ProvinceVisited), rows.Sum(r => r.CityCountyEnterprises),
        rows.Sum(r => r.CityCountyVisited), rows.Sum(r => r.OtherEnterprises), rows.Sum(r => r.OtherVisited),
        rows.Sum(r => r.ProblemsReported), rows.Sum(r => r.ProblemsOpen), rows.Sum(r => r.ProblemsOverdue), rows.Sum(r => r.ProblemsClosed),
        rows.Sum(r => r.LateRecords), rows.Any(r => r.FirePoints is not null) ? rows.Sum(r => r.FirePoints ?? 0) : null);
}

/// <summary>A city's, county's or township's figures rolled up: its own and those of every grid beneath it.</summary>
public sealed record ComplianceRollup(string Grid, string Name, int Level, ComplianceTotals Totals);

/// <summary>A patrol that does not count, and why (<see cref="PatrolJudge"/>'s reasons).</summary>
public sealed record NotCounted(string PatrolId, DateTimeOffset StartedAt, IReadOnlyList<string> Reasons);

/// <summary>A key point or enterprise visit of a counted patrol that does not count: no position of the patrol near the place.</summary>
public sealed record VisitNotCounted(string PatrolId, string PlaceId, string Reason);

/// <summary>One member's figures for the period, with the patrols and visits that do not count.</summary>
public sealed record MemberCompliance(string Member, string? Name, string Grid, bool Registered, int CheckIns, int PatrolsRecorded, int Patrols, bool PatrolMet,
    int LateRecords, IReadOnlyList<NotCounted> NotCounted, IReadOnlyList<VisitNotCounted> VisitsNotCounted);

/// <summary>An enterprise due or overdue for a visit at the period's end (004's windows by class, shortened for a firm with a problem or complaint near it).</summary>
/// <param name="State">"overdue": no counted visit in its window; "due": visited, but its window runs out before the next period ends.</param>
public sealed record EnterpriseDue(string Id, string Name, string Grid, string Class, bool Shortened, DateTimeOffset WindowFrom, DateTimeOffset? LastVisit,
    DateTimeOffset? DueBy, string State);

/// <summary>The windows a period's figures are counted over (all China time).</summary>
public sealed record ComplianceWindows(
    DateTimeOffset PeriodFrom,
    DateTimeOffset PeriodTo,
    DateTimeOffset DueAt,
    DateTimeOffset KeyPointsFrom,
    DateTimeOffset NationalFrom,
    DateTimeOffset ProvinceFrom,
    DateTimeOffset CityCountyFrom,
    DateTimeOffset OtherFrom);

/// <summary>A problem overdue at the period's end: its deadline passed while it was not yet rectified.</summary>
public sealed record OverdueProblem(
    long Id,
    string Grid,
    int Category,
    string StateAtCutOff,
    DateTimeOffset ReportedAt,
    DateTimeOffset Deadline,
    string? Assignee,
    string? Department,
    double DaysOverdue)
{
    public string CategoryName => ProblemLabels.Category((ProblemCategory)Category);
    public string StateName => ProblemLabels.State(StateAtCutOff);
}

/// <summary>The compliance figures of a grid scope for one period: the body of GET /api/compliance.</summary>
public sealed record ComplianceReport(
    string Grid,
    int Level,
    string Name,
    string Period,
    string Label,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Week,
    DateTimeOffset PeriodFrom,
    DateTimeOffset PeriodTo,
    DateTimeOffset DueAt,
    CountingRules Rules,
    ComplianceWindows Windows,
    ComplianceTotals Totals,
    IReadOnlyList<GridCompliance> Rows,
    IReadOnlyList<ComplianceRollup> Rollups,
    IReadOnlyList<MemberCompliance> Members,
    IReadOnlyList<EnterpriseDue> EnterprisesDue);
