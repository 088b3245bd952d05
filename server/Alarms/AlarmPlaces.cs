using System.Data.Common;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Alarms;

/// <summary>
/// Where a gateway (<see cref="Mn"/> '') or one of its HJ 212 monitors (<see cref="Mn"/> its MN, the sensor id of its readings
/// and alerts) stands, and the village it is in when the point alone would not say (a site on a village's edge).
/// </summary>
public sealed record AlarmPlace(string Gateway, string Mn, double Latitude, double Longitude, string? Village, string? Name, DateTimeOffset UpdatedAt);

/// <summary>The registered places of gateways and monitors (<c>alarm_places</c>).</summary>
public sealed class AlarmPlaces(LedgerDatabase database)
{
    private const string Columns = "gateway, mn, latitude, longitude, village, name, updated_at";

    /// <summary>Adds or replaces a place.</summary>
    public Task SaveAsync(AlarmPlace p, CancellationToken cancellationToken = default) =>
        database.WriteAsync((c, t) => ExecuteAsync(c, t, """
            INSERT INTO alarm_places (gateway, mn, latitude, longitude, village, name, updated_at) VALUES (@gateway, @mn, @lat, @lon, @village, @name, @at)
            ON CONFLICT (gateway, mn) DO UPDATE SET latitude = excluded.latitude, longitude = excluded.longitude, village = excluded.village,
                name = excluded.name, updated_at = excluded.updated_at;
            """, cancellationToken, ("@gateway", p.Gateway), ("@mn", p.Mn), ("@lat", p.Latitude), ("@lon", p.Longitude), ("@village", p.Village),
            ("@name", p.Name), ("@at", p.UpdatedAt.ToUnixTimeMilliseconds())), cancellationToken);

    /// <summary>The places of a gateway and its monitors, the gateway's own ('') first.</summary>
    public Task<List<AlarmPlace>> OfGatewayAsync(string gateway, CancellationToken cancellationToken = default) =>
        database.ReadAsync(c => OfGatewayAsync(c, null, gateway, cancellationToken), cancellationToken);

    /// <summary>The places of a gateway and its monitors, read in <paramref name="transaction"/> (the alert ingest's).</summary>
    public static Task<List<AlarmPlace>> OfGatewayAsync(DbConnection connection, DbTransaction? transaction, string gateway, CancellationToken cancellationToken) =>
        ListAsync(connection, transaction, $"SELECT {Columns} FROM alarm_places WHERE gateway = @gateway ORDER BY mn;", Read, cancellationToken, ("@gateway", gateway));

    private static AlarmPlace Read(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetDouble(2), r.GetDouble(3), Str(r, 4), Str(r, 5), Ms(r.GetInt64(6)));
}
