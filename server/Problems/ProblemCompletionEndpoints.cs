using GridEdge.Server.Compliance;
using GridEdge.Server.Grid;
using GridEdge.Server.Periods;
using GridEdge.Server.Users;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Problems;

/// <summary>On-time completion per grid and week: GET /api/problems/completion, as JSON or CSV.</summary>
public static class ProblemCompletionEndpoints
{
    public static IEndpointRouteBuilder MapProblemCompletionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/problems/completion", CompletionAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> CompletionAsync(HttpRequest request, IProblemLedger ledger, IGridRegistryStore registry, AccessFailures failures, PeriodCalendar periods,
        TimeProvider time, CancellationToken ct)
    {
        var (grid, week, error) = await GridWeekQuery.ParseAsync(request, registry, failures, periods, time, ["grid", "week", "period", "format"], ct);
        if (error is not null) return error;
        var format = Single(request.Query, "format", out error) ?? "json";
        if (error is not null) return error;
        if (format is not ("json" or "csv")) return Bad("format", format, "json or csv");

        var at = time.GetUtcNow();
        var problems = await ledger.GetDeadlinesInAsync(grid!.Code, week!.From, week.To, at, ProblemAccess.DepartmentOf(request.HttpContext.User), ct);
        var grids = await registry.ListGridsAsync(null, null, null, -1, ct, under: grid.Code);
        var report = CompletionReport.Build(grid, week, at, grids, problems);
        return format == "csv"
            ? Results.Stream(stream => CompletionCsv.WriteAsync(stream, report, ct), "text/csv; charset=utf-8", CompletionCsv.FileName(report))
            : Results.Ok(report);
    }
}
