using GridEdge.Server.Grid;
using GridEdge.Server.Users;
using static GridEdge.Server.Api.QueryParameters;
using static GridEdge.Server.Grid.GridQueryParameters;

namespace GridEdge.Server.Map;

/// <summary>GET /api/map: everything the console's grid map (网格作战图) draws, for the caller's grid, in one request.</summary>
public static class MapEndpoints
{
    public static IEndpointRouteBuilder MapGridMapApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/map", MapAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> MapAsync(HttpRequest request, MapLedger ledger, IGridRegistryStore registry, AccessFailures failures, CancellationToken ct)
    {
        if (Unknown(request.Query, "grid") is { } unknown) return unknown;
        var requested = GridCode(request.Query, "grid", out var error);
        if (error is not null) return error;
        // Without a grid: the caller's own (or the whole registry for a caller without one); a wider one narrows to its own.
        if (!request.HttpContext.User.TryNarrow(requested, out var grid))
        {
            failures.OutsideGrid(request.HttpContext);
            return NotFound("grid", requested, RegistryScope.Outside);
        }
        if (grid is not null && await registry.GetGridAsync(grid, ct) is null) return NotFound("grid", grid, RegistryScope.Outside);
        return Results.Ok(await ledger.BuildAsync(grid, ct));
    }
}
