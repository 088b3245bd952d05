namespace GridEdge.Server.Compliance;

/// <summary>The grids a report covers: a grid and every village grid (level 4) whose code starts with its prefix.</summary>
/// <param name="Prefix">Level 1: the first 4 digits, level 2: 6, level 3: 9, level 4: the whole 12-digit code.</param>
public sealed record GridScope(string Code, int Level, string Name, string Prefix)
{
    public static int PrefixLength(int level) => level switch { 1 => 4, 2 => 6, 3 => 9, _ => 12 };
}

/// <summary>
/// One village grid's figures for a report week; <see cref="FirePoints"/>: the straw-burning problems alerts opened in the
/// village during a straw-burning ban of its county in the week (002: 一把火考核); null (and absent from the JSON) when no ban
/// overlaps the week, so a report of any other week reads as it always did.
/// </summary>
public sealed record GridCompliance(
    string Grid,
    string Name,
    string? Township,
    int Members,
    int ActiveMembers,
    int CheckIns,
    int Patrols,
    bool PatrolMet,
    int KeyPoints,
    int KeyPointsCovered,
    int KeyPointsOnce,
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
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] int? FirePoints = null);

/// <summary>The sums over every village grid of a report.</summary>
public sealed record ComplianceTotals(
    int Grids,
    int GridsPatrolMet,
    int Members,
    int ActiveMembers,
    int CheckIns,
    int Patrols,
    int KeyPoints,
    int KeyPointsCovered,
    int KeyPointsOnce,
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
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] int? FirePoints = null)
{
    public static ComplianceTotals Of(IReadOnlyCollection<GridCompliance> rows) => new(
        rows.Count, rows.Count(r => r.PatrolMet), rows.Sum(r => r.Members), rows.Sum(r => r.ActiveMembers), rows.Sum(r => r.CheckIns),
        rows.Sum(r => r.Patrols), rows.Sum(r => r.KeyPoints), rows.Sum(r => r.KeyPointsCovered), rows.Sum(r => r.KeyPointsOnce),
        rows.Sum(r => r.ProvinceEnterprises), rows.Sum(r => r.ProvinceVisited), rows.Sum(r => r.CityCountyEnterprises),
        rows.Sum(r => r.CityCountyVisited), rows.Sum(r => r.OtherEnterprises), rows.Sum(r => r.OtherVisited),
        rows.Sum(r => r.ProblemsReported), rows.Sum(r => r.ProblemsOpen), rows.Sum(r => r.ProblemsOverdue), rows.Sum(r => r.ProblemsClosed),
        rows.Any(r => r.FirePoints is not null) ? rows.Sum(r => r.FirePoints ?? 0) : null);
}

/// <summary>The windows a report week's figures are counted over.</summary>
public sealed record ComplianceWindows(
    DateTimeOffset PeriodFrom,
    DateTimeOffset CutOff,
    DateTimeOffset KeyPointsFrom,
    DateTimeOffset ProvinceFrom,
    DateTimeOffset CityCountyFrom,
    DateTimeOffset OtherFrom);

/// <summary>A problem overdue at a report's cut-off: its deadline passed while it was not yet rectified.</summary>
public sealed record OverdueProblem(
    long Id,
    string Grid,
    int Category,
    string StateAtCutOff,
    DateTimeOffset ReportedAt,
    DateTimeOffset Deadline,
    string? Assignee,
    string? Department,
    double DaysOverdue);

/// <summary>The compliance figures of a grid scope for one report week: the body of GET /api/compliance.</summary>
public sealed record ComplianceReport(
    string Grid,
    int Level,
    string Name,
    string Week,
    ComplianceWindows Windows,
    ComplianceTotals Totals,
    IReadOnlyList<GridCompliance> Rows);
