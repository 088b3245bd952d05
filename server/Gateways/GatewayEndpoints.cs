using GridEdge.Server.Users;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Api;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Gateways;

/// <summary>The gateways as the ledger knows them: GET /api/gateways and /api/gateways/{id}/gaps.</summary>
public static class GatewayEndpoints
{
    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/gateways", GatewaysAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapGet("/api/gateways/{id}/gaps", GapsAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapMonitorApi();
        app.MapGatewayCredentialApi();
        return app;
    }

    private static async Task<IResult> GatewaysAsync(HttpContext context, IGatewayStore ledger, GatewayScope scope, CancellationToken ct)
    {
        var gateways = await ledger.GetGatewaysAsync(ct);
        var visible = await scope.VisibleAsync(context.User, ct);
        return Results.Ok(gateways.Where(g => visible is null || visible.Contains(g.Id, StringComparer.Ordinal)).Select(GatewayView.From).ToList());
    }

    private static async Task<IResult> GapsAsync(string id, HttpRequest request, IGatewayStore ledger, GatewayScope scope, CancellationToken ct)
    {
        if (!GatewayIds.IsValid(id)) return Bad("id", id, GatewayIds.Rule);
        var stream = Single(request.Query, "stream", out var streamError) ?? Streams.Readings;
        if (streamError is not null) return streamError;
        if (!Streams.IsKnown(stream)) return Bad("stream", stream, "one of " + string.Join(", ", Streams.All));
        var known = (await ledger.GetGatewayStatesAsync(ct)).Any(g => g.Id == id) && await scope.SeesAsync(request.HttpContext, id, ct);
        if (!known) return Results.Json(new ApiError($"gateway '{id}' is not in the ledger", "id", id, "the id of a gateway that has connected or sent data"), statusCode: StatusCodes.Status404NotFound);
        var gaps = await ledger.GetGapsAsync(id, stream, ct);
        return Results.Ok(new GapsView(id, stream, gaps.Select(g => new GapView(g.From, g.To, g.Count, g.Reason)).ToList(), gaps.Sum(g => g.Count)));
    }
}
