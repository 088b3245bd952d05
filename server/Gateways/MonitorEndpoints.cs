using GridEdge.Server.Users;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Api;

namespace GridEdge.Server.Gateways;

/// <summary>An HJ 212 monitor as /api/gateways/{id}/monitors lists it; <c>ConformanceWarnings</c> counts its frames read despite breaking the standard, since the gateway started.</summary>
public sealed record MonitorView(string Mn, string? Station, DateTimeOffset? LastContact, DateTimeOffset ReportedAt, long ConformanceWarnings);

/// <summary>The body of /api/gateways/{id}/monitors.</summary>
public sealed record MonitorsView(string Gateway, IReadOnlyList<MonitorView> Monitors);

/// <summary>
/// The HJ 212 monitors registered on each gateway and their last contact, as the gateway reports them in its retained status
/// (at most once a minute while they change).
/// </summary>
public static class MonitorEndpoints
{
    public static IEndpointRouteBuilder MapMonitorApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/gateways/{id}/monitors", MonitorsAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> MonitorsAsync(string id, HttpContext context, IGatewayStore ledger, GatewayScope scope, CancellationToken ct)
    {
        if (!GatewayIds.IsValid(id))
            return Results.BadRequest(new ApiError($"id '{id}' is not valid: expected {GatewayIds.Rule}", "id", id, GatewayIds.Rule));
        if (!(await ledger.GetGatewayStatesAsync(ct)).Any(g => g.Id == id) || !await scope.SeesAsync(context, id, ct))
            return Results.Json(new ApiError($"gateway '{id}' is not in the ledger", "id", id, "the id of a gateway that has connected or sent data"), statusCode: StatusCodes.Status404NotFound);
        var monitors = await ledger.GetMonitorsAsync(id, ct);
        return Results.Ok(new MonitorsView(id, monitors.Select(m => new MonitorView(m.Mn, m.Station, m.LastContact, m.ReportedAt, m.ConformanceWarnings)).ToList()));
    }
}
