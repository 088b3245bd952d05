using System.Security.Claims;
using GridEdge.Server.Audit;
using GridEdge.Server.Compliance;
using GridEdge.Server.Grid;
using GridEdge.Server.Periods;
using GridEdge.Server.Users;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Scores;

/// <summary>The body of POST /api/scores/publish: the grid, the period label and optionally the sheet (the grid level's sheet without one).</summary>
public sealed record PublishInput(string? Grid, string? Period, string? Sheet);

/// <summary>The assessment scores over HTTP: a grid's scores and ranking for a period, the sheets, publishing (by county and city officials) and the published list.</summary>
public static class ScoreEndpoints
{
    public static IEndpointRouteBuilder MapScoreEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/scores", ScoresAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapGet("/api/scores/sheets", (ScoreBoard board) => Results.Ok(board.Sheets.All)).RequireAuthorization(Permissions.ReadLedgers);
        app.MapPost("/api/scores/publish", PublishAsync).RequireAuthorization(Permissions.PublishScores);
        app.MapGet("/api/scores/published", ListPublishedAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> ScoresAsync(HttpRequest request, ScoreBoard board, ComplianceLedger ledger, AccessFailures failures, PeriodCalendar periods,
        TimeProvider time, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "grid", "period", "sheet", "live") is { } unknown) return unknown;
        var grid = Single(q, "grid", out var error) ?? request.HttpContext.User.Grid();
        var period = Single(q, "period", out var e2);
        var sheet = Single(q, "sheet", out var e3);
        var live = Single(q, "live", out var e4);
        if ((error ?? e2 ?? e3 ?? e4) is { } bad) return bad;
        if (live is not (null or "true" or "false")) return Bad("live", live, "true (computed now, even when published) or false");
        var (scope, p, s, failure) = await ResolveAsync(request.HttpContext.User, board, ledger, failures, periods, time, grid, period, sheet, request.HttpContext, ct);
        if (failure is not null) return failure;
        if (live != "true" && await board.PublishedAsync(scope!, p!, s!, ct) is { } published) return Results.Ok(published);
        return Results.Ok(await board.ComputeAsync(scope!, p!, s!, ct));
    }

    private static async Task<IResult> PublishAsync(HttpRequest request, ScoreBoard board, ComplianceLedger ledger, AccessFailures failures, PeriodCalendar periods,
        IAuditLog audit, TimeProvider time, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        var (body, error) = await ReadBodyAsync<PublishInput>(request, ct);
        if (error is not null) return error;
        if (body!.Grid is null) return Bad("grid", null, ComplianceLedger.GridRule + " (required)");
        if (body.Period is null) return Bad("period", null, ReportPeriod.Rule + " (required)");
        var user = request.HttpContext.User;
        // Publishing freezes a grid's own scores: a grid wider than the caller's is refused as if it did not exist, never narrowed.
        if (GridLevels.IsValid(body.Grid) && !user.Covers(body.Grid))
        {
            failures.OutsideGrid(request.HttpContext);
            return NotFound("grid", body.Grid, "a grid in the registry");
        }
        var (scope, period, sheet, failure) = await ResolveAsync(user, board, ledger, failures, periods, time, body.Grid, body.Period, body.Sheet, request.HttpContext, ct);
        if (failure is not null) return failure;
        if (period!.To > time.GetUtcNow()) return Bad("period", body.Period, $"a period that has ended (this one ends {ReportPeriod.Format(period.To)})");
        var by = AuditActor.Of(user).Name;
        var (report, stored) = await board.PublishAsync(scope!, period, sheet!, by, (c, t, publication) =>
            audit.AppendAsync(c, t, AuditEntry.For(user, "scores.publish", "scores", $"{scope!.Code}/{period.Label}/{sheet!.Id}", scope.Code, null, publication), ct), ct);
        return stored ? Results.Ok(report)
            : Results.Conflict(new Api.ApiError($"the scores of {scope!.Code} for {period.Label} ({sheet!.Id}) were published by {report.Published!.By} at {ReportPeriod.Format(report.Published.At)}: a published score is frozen",
                "period", body.Period, "a period not yet published for this grid"));
    }

    private static async Task<IResult> ListPublishedAsync(HttpRequest request, ScoreBoard board, AccessFailures failures, CancellationToken ct)
    {
        if (Unknown(request.Query, "grid") is { } unknown) return unknown;
        var grid = Single(request.Query, "grid", out var error);
        if (error is not null) return error;
        if (grid is not null && !GridLevels.IsValid(grid)) return Bad("grid", grid, ComplianceLedger.GridRule);
        if (!request.HttpContext.User.TryNarrow(grid, out var effective))
        {
            failures.OutsideGrid(request.HttpContext);
            return Results.Ok(Array.Empty<PublishedScore>());
        }
        return Results.Ok(await board.ListPublishedAsync(effective, ct));
    }

    /// <summary>The scope (narrowed to the caller's grid), the period (the current quarter without one) and the sheet (the scope level's without one).</summary>
    internal static async Task<(GridScope? Scope, ReportPeriod? Period, ScoreSheet? Sheet, IResult? Error)> ResolveAsync(ClaimsPrincipal user, ScoreBoard board,
        ComplianceLedger ledger, AccessFailures failures, PeriodCalendar periods, TimeProvider time, string? grid, string? periodText, string? sheetId, HttpContext context,
        CancellationToken ct)
    {
        if (grid is null) return (null, null, null, Bad("grid", null, ComplianceLedger.GridRule + " (required)"));
        var code = grid;
        if (GridLevels.IsValid(code) && !user.TryNarrow(code, out code))
        {
            failures.OutsideGrid(context);
            return (null, null, null, NotFound("grid", grid, "a grid in the registry"));
        }
        var (scope, error) = await ledger.ResolveGridAsync(code, ct);
        if (error == ComplianceLedger.NoSuchGrid) return (null, null, null, NotFound("grid", grid, "a grid in the registry"));
        if (error is not null) return (null, null, null, Bad("grid", grid, error));
        var rules = periods.For(scope!.Code);
        ReportPeriod period;
        if (periodText is null) period = rules.Containing(PeriodKind.Quarter, time.GetUtcNow());
        else if (!rules.TryParse(periodText, out period)) return (null, null, null, Bad("period", periodText, ReportPeriod.Rule));
        var sheet = sheetId is null ? board.DefaultSheet(scope.Level) : board.Sheets.Get(sheetId);
        if (sheet is null)
            return (null, null, null, Bad("sheet", sheetId, "one of the score sheets " + string.Join(", ", board.Sheets.All.Select(s => s.Id))));
        return (scope, period, sheet, null);
    }
}
