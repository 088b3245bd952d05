using System.Globalization;
using GridEdge.Server.Api;
using GridEdge.Server.Audit;
using GridEdge.Server.Compliance;
using GridEdge.Server.Grid;
using GridEdge.Server.Periods;
using GridEdge.Server.Users;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Reports;

/// <summary>
/// Submitted reports (审定上报): a township, county or city submits its report of a period, frozen as a snapshot signed by the
/// submitting user; the submissions listed and read back as frozen; the board of who has submitted a period under a grid.
/// </summary>
public static class SubmissionEndpoints
{
    public const string SubmitAction = "report.submit";

    public static IEndpointRouteBuilder MapSubmissionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/reports/submissions", SubmitAsync).RequireAuthorization(Permissions.SubmitReports);
        app.MapGet("/api/reports/submissions", ListAsync).RequireAuthorization(Permissions.ReadLedgers);
        // The snapshot holds the whole grid's figures: for the officials who submit and oversee reports, not a village's members.
        app.MapGet("/api/reports/submissions/{id}", GetAsync).RequireAuthorization(Permissions.SubmitReports);
        app.MapGet("/api/reports/board", BoardAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    /// <summary>The answer to a second submission of the same grid and period: 409 with the submission that stands.</summary>
    public sealed record SubmissionRefused(string Error, string Field, string? Value, string Expected, ReportSubmission Existing);

    private static async Task<IResult> SubmitAsync(HttpRequest request, PeriodReports reports, SubmissionLedger submissions, IGridRegistryStore registry,
        ComplianceLedger ledger, AccessFailures failures, PeriodCalendar periods, TimeProvider time, ILogger<SubmissionLedger> log, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        var (body, bodyError) = await ReadBodyAsync<SubmissionRequest>(request, ct);
        if (bodyError is not null) return bodyError;
        var (grid, scope, error) = await ReportQuery.GridAsync(request.HttpContext, body!.Grid, registry, ledger, failures, ct, narrow: false);
        if (error is not null) return error;
        if (grid!.Level is not (GridLevels.City or GridLevels.County or GridLevels.Township))
            return Bad("grid", grid.Code, "the code of a township, county or city grid (a village's figures are in its township's report)");
        var now = time.GetUtcNow();
        var (period, periodError) = ReportQuery.Period(body.Period, grid.Code, null, periods, now);
        if (periodError is not null) return periodError;
        if (period!.From > now)
            return Bad("period", period.Label, $"a period that has begun (it begins {ReportPeriod.Format(period.From)})");

        var user = request.HttpContext.User;
        var report = await reports.BuildAsync(scope!, grid, period, now, ct);
        var (submission, created) = await submissions.SubmitAsync(grid.Code, period, user.Name(), user.Role(), now, reports.Serialize(report),
            s => AuditEntry.For(user, SubmitAction, "report_submission", s.Id.ToString(CultureInfo.InvariantCulture), s.Grid, null, s), ct);
        if (!created)
            return Results.Json(new SubmissionRefused(
                $"period '{period.Label}' of grid {grid.Code} was already submitted (submission {submission.Id} by {submission.SubmittedBy} at {ReportPeriod.Format(submission.SubmittedAt)})",
                "period", period.Label, "a period this grid has not submitted yet: a submitted report is never replaced; later records appear as amendments in the next period's report",
                submission), statusCode: StatusCodes.Status409Conflict);
        log.LogInformation("Report {Period} of grid {Grid} submitted by {User} as submission {Submission} (late: {Late})", submission.Period, submission.Grid,
            submission.SubmittedBy, submission.Id, submission.Late);
        return Results.Created($"/api/reports/submissions/{submission.Id}", submission);
    }

    private static async Task<IResult> ListAsync(HttpRequest request, SubmissionLedger submissions, IGridRegistryStore registry, ComplianceLedger ledger,
        AccessFailures failures, PeriodCalendar periods, CancellationToken ct)
    {
        var (_, scope, label, error) = await GridAndPeriodAsync(request, registry, ledger, failures, ct);
        if (error is not null) return error;
        if (label is not null && !periods.For(scope!.Code).TryParse(label, out _)) return Bad("period", label, ReportPeriod.Rule);
        return Results.Ok(new { items = await submissions.ListAsync(scope!.Prefix, label, ct) });
    }

    // The query of the list and the board: ?grid= (the caller's own by default, see ReportQuery) and ?period= as given.
    private static async Task<(GridRecord? Grid, GridScope? Scope, string? Label, IResult? Error)> GridAndPeriodAsync(HttpRequest request,
        IGridRegistryStore registry, ComplianceLedger ledger, AccessFailures failures, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "grid", "period") is { } unknown) return (null, null, null, unknown);
        var code = Single(q, "grid", out var error);
        if (error is not null) return (null, null, null, error);
        var label = Single(q, "period", out error);
        if (error is not null) return (null, null, null, error);
        var (grid, scope, gridError) = await ReportQuery.GridAsync(request.HttpContext, code, registry, ledger, failures, ct);
        return (grid, scope, label, gridError);
    }

    private static async Task<IResult> GetAsync(string id, HttpRequest request, SubmissionLedger submissions, AccessFailures failures, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1) return Bad("id", id, "a submission id (a positive integer)");
        var submission = await submissions.GetAsync(number, ct);
        if (submission is null || !failures.Covers(request.HttpContext, submission.Grid)) return NotFound("id", id, "the id of a submitted report");
        return Results.Ok(submission);
    }

    private static async Task<IResult> BoardAsync(HttpRequest request, SubmissionLedger submissions, IGridRegistryStore registry, ComplianceLedger ledger,
        AccessFailures failures, PeriodCalendar periods, TimeProvider time, CancellationToken ct)
    {
        var (grid, scope, label, error) = await GridAndPeriodAsync(request, registry, ledger, failures, ct);
        if (error is not null) return error;
        var now = time.GetUtcNow();
        var (period, periodError) = ReportQuery.Period(label, grid!.Code, null, periods, now);
        if (periodError is not null) return periodError;

        var submitted = (await submissions.ListAsync(scope!.Prefix, period!.Label, ct)).ToDictionary(s => s.Grid, StringComparer.Ordinal);
        var grids = (await registry.ListGridsAsync(null, GridLevels.County, null, -1, ct, under: grid.Code))
            .Concat(await registry.ListGridsAsync(null, GridLevels.Township, null, -1, ct, under: grid.Code)).OrderBy(g => g.Code, StringComparer.Ordinal);
        var pastDue = now > period.DueAt;
        var rows = grids.Select(g => submitted.TryGetValue(g.Code, out var s)
            ? new BoardRow(g.Code, g.Name, g.Level, "submitted", s.Id, s.SubmittedBy, s.SubmittedAt, s.Late)
            : new BoardRow(g.Code, g.Name, g.Level, pastDue ? "overdue" : "missing", null, null, null, null)).ToList();
        return Results.Ok(new SubmissionBoard(grid.Code, grid.Name, SubmissionLedger.Kind(period.Kind), period.Label, period.From, period.To, period.DueAt,
            now.ToOffset(ReportPeriod.ChinaStandardTime), pastDue, rows.Count(r => r.State == "submitted"), rows.Count(r => r.State != "submitted"), rows));
    }
}
