using System.Text.Json;
using GridEdge.Protocol.Records;

namespace GridEdge.Edge.Terminals;

/// <summary>
/// A grid's boundary prepared for check-in decisions: the rings of a GeoJSON Polygon or MultiPolygon ([longitude,
/// latitude], WGS-84), holes included.
/// </summary>
/// <remarks>
/// Distances use a local equirectangular projection around the check-in point: at village-grid scale (a few km) its
/// error is far below a GNSS fix's, and it needs no projection library on the gateway.
/// </remarks>
public sealed class GridArea
{
    private const double EarthRadiusMeters = 6_371_008.8;
    private const double DegreesToRadians = Math.PI / 180;

    // Each polygon: its outer ring first, then its holes; each ring a closed list of (lon, lat).
    private readonly IReadOnlyList<IReadOnlyList<(double Lon, double Lat)[]>> _polygons;

    private GridArea(IReadOnlyList<IReadOnlyList<(double Lon, double Lat)[]>> polygons) => _polygons = polygons;

    /// <summary>Reads a GeoJSON Polygon or MultiPolygon; null with the problem (by JSON path below <paramref name="at"/>) when it is not one.</summary>
    public static GridArea? Parse(JsonElement geometry, string at, out string? problem)
    {
        problem = null;
        if (geometry.ValueKind != JsonValueKind.Object || !geometry.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            problem = $"{at}.type: missing; expected \"Polygon\" or \"MultiPolygon\"";
            return null;
        }
        if (!geometry.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array)
        {
            problem = $"{at}.coordinates: missing or not an array";
            return null;
        }
        var polygons = new List<IReadOnlyList<(double, double)[]>>();
        switch (type.GetString())
        {
            case "Polygon":
                var single = ParsePolygon(coordinates, $"{at}.coordinates", out problem);
                if (single is null) return null;
                polygons.Add(single);
                break;
            case "MultiPolygon":
                var i = 0;
                foreach (var polygon in coordinates.EnumerateArray())
                {
                    var parsed = ParsePolygon(polygon, $"{at}.coordinates[{i}]", out problem);
                    if (parsed is null) return null;
                    polygons.Add(parsed);
                    i++;
                }
                if (polygons.Count == 0) { problem = $"{at}.coordinates: no polygons"; return null; }
                break;
            default:
                problem = $"{at}.type: '{type.GetString()}'; expected \"Polygon\" or \"MultiPolygon\"";
                return null;
        }
        return new GridArea(polygons);
    }

    private static List<(double, double)[]>? ParsePolygon(JsonElement polygon, string at, out string? problem)
    {
        problem = null;
        if (polygon.ValueKind != JsonValueKind.Array || polygon.GetArrayLength() == 0) { problem = $"{at}: not an array of rings"; return null; }
        var rings = new List<(double, double)[]>();
        var r = 0;
        foreach (var ring in polygon.EnumerateArray())
        {
            var ringAt = $"{at}[{r++}]";
            if (ring.ValueKind != JsonValueKind.Array || ring.GetArrayLength() < 4) { problem = $"{ringAt}: a ring needs at least 4 positions"; return null; }
            var points = new (double, double)[ring.GetArrayLength()];
            var p = 0;
            foreach (var position in ring.EnumerateArray())
            {
                if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() < 2 ||
                    position[0].ValueKind != JsonValueKind.Number || position[1].ValueKind != JsonValueKind.Number ||
                    position[0].GetDouble() is < -180 or > 180 || position[1].GetDouble() is < -90 or > 90)
                {
                    problem = $"{ringAt}[{p}]: not a [longitude, latitude] position";
                    return null;
                }
                points[p++] = (position[0].GetDouble(), position[1].GetDouble());
            }
            if (points[0] != points[^1]) { problem = $"{ringAt}: the ring is not closed (first and last positions differ)"; return null; }
            rings.Add(points);
        }
        return rings;
    }

    /// <summary>
    /// Where a fix lies: inside or outside when the whole accuracy circle is on one side of the boundary, inaccurate
    /// when it crosses the boundary or the fix is coarser than <paramref name="maxAccuracyMeters"/>.
    /// </summary>
    public GeofenceResult Judge(double latitude, double longitude, double accuracyMeters, double maxAccuracyMeters)
    {
        if (accuracyMeters > maxAccuracyMeters) return GeofenceResult.Inaccurate;
        var inside = Contains(latitude, longitude);
        return DistanceToBoundaryMeters(latitude, longitude) <= accuracyMeters ? GeofenceResult.Inaccurate
            : inside ? GeofenceResult.Inside : GeofenceResult.Outside;
    }

    /// <summary>Whether the point is inside the area: inside an outer ring and in none of its holes (even-odd rule).</summary>
    public bool Contains(double latitude, double longitude)
    {
        foreach (var polygon in _polygons)
        {
            var inside = false;
            foreach (var ring in polygon)
            {
                for (int i = 0, j = ring.Length - 1; i < ring.Length; j = i++)
                {
                    var (xi, yi) = ring[i];
                    var (xj, yj) = ring[j];
                    if ((yi > latitude) != (yj > latitude) && longitude < (xj - xi) * (latitude - yi) / (yj - yi) + xi) inside = !inside;
                }
            }
            if (inside) return true;
        }
        return false;
    }

    /// <summary>The distance in metres from the point to the nearest edge of any ring (outer or hole).</summary>
    public double DistanceToBoundaryMeters(double latitude, double longitude)
    {
        var metersPerDegreeLat = EarthRadiusMeters * DegreesToRadians;
        var metersPerDegreeLon = metersPerDegreeLat * Math.Cos(latitude * DegreesToRadians);
        var best = double.PositiveInfinity;
        foreach (var polygon in _polygons)
        {
            foreach (var ring in polygon)
            {
                for (var i = 1; i < ring.Length; i++)
                {
                    var ax = (ring[i - 1].Lon - longitude) * metersPerDegreeLon;
                    var ay = (ring[i - 1].Lat - latitude) * metersPerDegreeLat;
                    var bx = (ring[i].Lon - longitude) * metersPerDegreeLon;
                    var by = (ring[i].Lat - latitude) * metersPerDegreeLat;
                    best = Math.Min(best, DistanceToSegment(ax, ay, bx, by));
                }
            }
        }
        return best;
    }

    // Distance from the origin (the check-in point) to the segment a-b in the plane.
    private static double DistanceToSegment(double ax, double ay, double bx, double by)
    {
        var dx = bx - ax;
        var dy = by - ay;
        var lengthSquared = dx * dx + dy * dy;
        var t = lengthSquared == 0 ? 0 : Math.Clamp(-(ax * dx + ay * dy) / lengthSquared, 0, 1);
        var px = ax + t * dx;
        var py = ay + t * dy;
        return Math.Sqrt(px * px + py * py);
    }
}
