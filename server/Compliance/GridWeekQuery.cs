using GridEdge.Server.Grid;
using GridEdge.Server.Periods;
using GridEdge.Server.Users;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Compliance;

/// <summary>
/// The grid and period a per-period figure is asked for (?grid=&amp;week= or ?grid=&amp;period=): the grid defaults to the caller's
/// own, one outside it answers 404 as if it did not exist (and is counted); the period follows the grid's county's rules
/// (<see cref="PeriodQuery"/>) and defaults to the week being reported now.
/// </summary>
public static class GridWeekQuery
{
    public static async Task<(GridRecord? Grid, ReportPeriod? Period, IResult? Error)> ParseAsync(HttpRequest request, IGridRegistryStore registry, AccessFailures failures,
        PeriodCalendar periods, TimeProvider time, string[] known, CancellationToken cancellationToken)
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

        var (period, periodError) = PeriodQuery.Parse(q, periods.For(code), time.GetUtcNow());
        return periodError is not null ? (null, null, periodError) : (grid, period, null);
    }
}
