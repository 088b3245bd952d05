using System.Text.Json;
using System.Text.Json.Serialization;

namespace GridEdge.Server.Reports;

/// <summary>
/// A submitted report (审定上报): the grid and period, who signed it and when, whether after the due time, and the report's JSON
/// frozen as it was then (<see cref="Snapshot"/>, only when read one at a time).
/// </summary>
public sealed record ReportSubmission(long Id, string Grid, string Kind, string Period, DateTimeOffset PeriodFrom, DateTimeOffset PeriodTo, DateTimeOffset DueAt,
    string SubmittedBy, string Role, DateTimeOffset SubmittedAt, bool Late,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Snapshot = null);

/// <summary>The body of POST /api/reports/submissions: the grid (default: the caller's own) and the period label (default: the week being reported).</summary>
public sealed record SubmissionRequest(string? Grid, string? Period);

/// <summary>One township or county on the submission board: its submission of the period, or none and whether it is past due.</summary>
/// <param name="State">submitted, missing (not yet due) or overdue (missing after the due time).</param>
public sealed record BoardRow(string Grid, string Name, int Level, string State, long? Submission, string? SubmittedBy, DateTimeOffset? SubmittedAt, bool? Late);

/// <summary>Who has submitted a period's report under a grid: GET /api/reports/board.</summary>
public sealed record SubmissionBoard(string Grid, string Name, string Kind, string Period, DateTimeOffset PeriodFrom, DateTimeOffset PeriodTo, DateTimeOffset DueAt,
    DateTimeOffset At, bool PastDue, int Submitted, int Missing, IReadOnlyList<BoardRow> Rows);

/// <summary>
/// A figure of a submitted report that differs now (records arrived after it was submitted): reported in the next period's report,
/// never changed in the submitted one.
/// </summary>
public sealed record Amendment(string Period, string Grid, long Submission, string Figure, JsonElement Submitted, JsonElement Now);
