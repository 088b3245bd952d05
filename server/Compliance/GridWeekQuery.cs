using GridEdge.Server.Grid;
using GridEdge.Server.Users;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Compliance;

/// <summary>
/// The grid and report week a per-week figure is asked for (?grid=&amp;week=): the grid defaults to the caller's own, one outside
/// it answers 404 as if it did not exist (and is counted); the week defaults to the one being reported now.
/// </summary>
public static class GridWeekQuery
{
    public static async Task<(GridRecord? Grid, ReportWeek? Week, IResult? Error)> ParseAsync(HttpRequest request, IGridRegistryStore registry, AccessFailures failures,
        TimeProvider time, string[] known, CancellationToken cancellationToken)
    {
        var q = request.Query;
        if (Unknown(q, known) is { } unknown) return (null, null, unknown);
        var code = Single(q, "grid", out var error);
        if (error is not null) return (null, null, error);
        code ??= request.HttpContext.User.Grid();
        if (code is null) return (null, null, Bad("grid", null, ComplianceLedger.GridRule + " (required of a caller without a grid of its own)"));
        if (!GridLevels.IsValid(code)) return (null, null, Bad("grid", code, ComplianceLedger.GridRule));
        if (!failures.Covers(request.HttpContext, code)) return (null, null, NotFound("grid", code, "a grid in the registry"));
        if (await registry.GetGridAsync(code, cancellationToken) is not { } grid) return (null, null, NotFound("grid", code, "a grid in the registry"));

        var weekText = Single(q, "week", out error);
        if (error is not null) return (null, null, error);
        ReportWeek? week;
        if (weekText is null) week = ReportWeek.Containing(time.GetUtcNow());
        else if (!ReportWeek.TryParse(weekText, out week)) return (null, null, Bad("week", weekText, ReportWeek.Rule));
        return (grid, week, null);
    }
}
