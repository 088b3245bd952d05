using GridEdge.Server.Complaints;
using GridEdge.Server.Compliance;

namespace GridEdge.Server.Reports;

/// <summary>
/// A grid's report of one period (weekly, monthly, quarterly, half-year, yearly) from the ledgers: the patrol summary (the
/// compliance figures), the problem ledger by state and category, the major problems, the problems overdue at the period's end,
/// the complaints and their response times, the enterprises due or overdue for a visit, the fire points of campaigns overlapping
/// the period, and the amendments to the previous period's submitted reports. The body of GET /api/reports/{kind} and what a
/// submission freezes.
/// </summary>
public sealed record PeriodReport(
    string Kind,
    string Period,
    string Grid,
    string Name,
    int Level,
    DateTimeOffset PeriodFrom,
    DateTimeOffset PeriodTo,
    DateTimeOffset DueAt,
    DateTimeOffset GeneratedAt,
    ComplianceReport Compliance,
    ProblemFigures Problems,
    IReadOnlyList<MajorProblem> MajorProblems,
    IReadOnlyList<OverdueProblem> Overdue,
    ComplaintFiguresReport Complaints,
    EnterpriseVisitFigures EnterpriseVisits,
    IReadOnlyList<CampaignFires> Campaigns,
    IReadOnlyList<Amendment> Amendments);

/// <summary>The problems reported in the period, counted by their state now and by category, with the seeds' Chinese names.</summary>
public sealed record ProblemFigures(int Reported, IReadOnlyList<ProblemCount> ByState, IReadOnlyList<ProblemCount> ByCategory);

/// <summary>How many problems have one state or category: its key (as the API writes it), Chinese name and count.</summary>
public sealed record ProblemCount(string Key, string Name, int Count);

/// <summary>A problem flagged major (重大问题) before the period's end and not closed before its start.</summary>
public sealed record MajorProblem(long Id, string Grid, string Category, string CategoryName, string State, string StateName, DateTimeOffset ReportedAt,
    DateTimeOffset MajorAt, string? Reason);

/// <summary>The enterprises due or overdue for a visit at the period's end (004's windows), counted and listed.</summary>
public sealed record EnterpriseVisitFigures(int Due, int Overdue, IReadOnlyList<EnterpriseDue> Items);

/// <summary>A campaign (秸秆禁烧期, 重污染天气应急) overlapping the period and the fire points in the report's grid during the overlap.</summary>
public sealed record CampaignFires(string Id, string Kind, string? Name, string County, DateOnly From, DateOnly To, int FirePoints);
