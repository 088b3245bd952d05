using System.Data.Common;
using GridEdge.Server.Complaints;
using GridEdge.Server.Grid;

namespace GridEdge.Server.Alarms;

/// <summary>
/// Where an alert's problem belongs: its <see cref="Grid"/> (a village, or the gateway's township when no village is known),
/// the point (0, 0 when nothing of the gateway is registered but its township), what the place is called, and what decided it:
/// <c>monitor</c> (the HJ 212 monitor's registered place), <c>gateway</c> (the gateway's) or <c>township</c>.
/// </summary>
public sealed record AlertPlace(string Grid, double Latitude, double Longitude, string? Address, string From);

/// <summary>
/// Finds the village of an alert: the registered place of the monitor that raised it (its sensor id is the MN), else of the
/// gateway; the place's village when registered, else the village whose boundary holds the point (the complaints' router);
/// else the township the registry gives the gateway.
/// </summary>
public sealed class AlertPlacement(IGridRegistryStore registry, VillageBoundaries boundaries)
{
    /// <summary>The place of an alert of <paramref name="gateway"/> raised on <paramref name="sensor"/> ("a+b" for a group), or null when the grid knows nothing of the gateway.</summary>
    public async Task<AlertPlace?> PlaceAsync(DbConnection connection, DbTransaction transaction, string gateway, string sensor, CancellationToken cancellationToken)
    {
        var places = await AlarmPlaces.OfGatewayAsync(connection, transaction, gateway, cancellationToken);
        var sensors = sensor.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var place = places.FirstOrDefault(p => p.Mn.Length > 0 && sensors.Contains(p.Mn, StringComparer.Ordinal)) ?? places.FirstOrDefault(p => p.Mn.Length == 0);
        var township = (await registry.GatewayTownshipsAsync(cancellationToken)).Where(p => p.Gateway == gateway).Select(p => p.Township)
            .Order(StringComparer.Ordinal).FirstOrDefault();
        if (place is not null)
        {
            var village = place.Village ?? (await boundaries.RouterAsync(cancellationToken)).Route(place.Latitude, place.Longitude);
            // A point outside every village goes to the township, as a complaint there does.
            if ((village ?? township) is { } grid)
                return new AlertPlace(grid, place.Latitude, place.Longitude, place.Name, place.Mn.Length > 0 ? "monitor" : "gateway");
        }
        return township is null ? null : new AlertPlace(township, 0, 0, null, "township");
    }
}
