using GridEdge.Protocol.Wire;
using GridEdge.Server.Audit;
using GridEdge.Server.Grid;
using GridEdge.Server.Users;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Alarms;

/// <summary>The body of PUT /api/gateways/{id}/place and /api/gateways/{id}/monitors/{mn}/place.</summary>
public sealed record AlarmPlaceInput(double? Latitude, double? Longitude, string? Village, string? Name);

/// <summary>
/// Registering where a gateway or one of its HJ 212 monitors stands (township officials and up, for the gateways of their
/// grid), so that its alerts open their problems in the right village.
/// </summary>
public static class AlarmPlaceEndpoints
{
    public static IEndpointRouteBuilder MapAlarmPlaceApi(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/gateways/{id}/place", (string id, HttpRequest request, AlarmPlaces places, IGridRegistryStore registry, GatewayScope scope, IAuditLog audit,
            AccessFailures failures, TimeProvider time, CancellationToken ct) => SaveAsync(id, "", request, places, registry, scope, audit, failures, time, ct))
            .RequireAuthorization(Permissions.EditRegistry);
        app.MapPut("/api/gateways/{id}/monitors/{mn}/place", (string id, string mn, HttpRequest request, AlarmPlaces places, IGridRegistryStore registry,
            GatewayScope scope, IAuditLog audit, AccessFailures failures, TimeProvider time, CancellationToken ct) =>
            SaveAsync(id, mn, request, places, registry, scope, audit, failures, time, ct))
            .RequireAuthorization(Permissions.EditRegistry);
        return app;
    }

    private static async Task<IResult> SaveAsync(string id, string mn, HttpRequest request, AlarmPlaces places, IGridRegistryStore registry, GatewayScope scope,
        IAuditLog audit, AccessFailures failures, TimeProvider time, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!GatewayIds.IsValid(id)) return Bad("id", id, GatewayIds.Rule);
        if (mn.Length > 0 && !TerminalIds.IsValid(mn)) return Bad("mn", mn, "the monitor's MN (its readings' sensor id): " + TerminalIds.Rule);
        var (body, error) = await ReadBodyAsync<AlarmPlaceInput>(request, ct);
        if (error is not null) return error;
        if (body!.Latitude is not (>= -90 and <= 90)) return Bad("latitude", body.Latitude?.ToString(System.Globalization.CultureInfo.InvariantCulture), "degrees from -90 to 90 (WGS-84)");
        if (body.Longitude is not (>= -180 and <= 180)) return Bad("longitude", body.Longitude?.ToString(System.Globalization.CultureInfo.InvariantCulture), "degrees from -180 to 180 (WGS-84)");
        if (body.Village is not null && (!GridLevels.IsValid(body.Village) || GridLevels.Of(body.Village) != GridLevels.Village))
            return Bad("village", body.Village, "the 12-digit code of a village grid, or none to take the village whose boundary holds the point");
        if (body.Name is { Length: > 128 }) return Bad("name", body.Name, "at most 128 characters");
        if (!await scope.ActsOnAsync(request.HttpContext, id, ct)) return NotFound("id", id, "a gateway of a township in your grid");
        if (body.Village is not null && (!failures.Covers(request.HttpContext, body.Village) || await registry.GetGridAsync(body.Village, ct) is null))
            return NotFound("village", body.Village, "a village grid in the registry, in your grid");

        var before = (await places.OfGatewayAsync(id, ct)).FirstOrDefault(p => p.Mn == mn);
        var place = new AlarmPlace(id, mn, body.Latitude.Value, body.Longitude.Value, body.Village, string.IsNullOrWhiteSpace(body.Name) ? null : body.Name.Trim(),
            time.GetUtcNow());
        await places.SaveAsync(place, ct);
        await audit.AppendAsync(AuditEntry.For(request.HttpContext.User, mn.Length == 0 ? "gateway.place" : "gateway.monitor.place", "gateway",
            mn.Length == 0 ? id : $"{id}/{mn}", body.Village ?? await scope.TownshipOfAsync(id, ct), before, place), ct);
        return Results.Ok(place);
    }
}
