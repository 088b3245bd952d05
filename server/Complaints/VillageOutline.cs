using System.Text.Json;

namespace GridEdge.Server.Complaints;

/// <summary>A village grid's boundary read from its GeoJSON Polygon or MultiPolygon: polygons of rings (the first the outline, the rest holes) and their bounding box.</summary>
public sealed class VillageOutline
{
    // Each polygon is its rings; each ring is x (longitude) and y (latitude) interleaved.
    private readonly double[][][] _polygons;

    public string Code { get; }
    public double MinLon { get; }
    public double MinLat { get; }
    public double MaxLon { get; }
    public double MaxLat { get; }

    private VillageOutline(string code, double[][][] polygons)
    {
        Code = code;
        _polygons = polygons;
        (MinLon, MinLat, MaxLon, MaxLat) = (double.MaxValue, double.MaxValue, double.MinValue, double.MinValue);
        foreach (var polygon in polygons)
        {
            var outline = polygon[0];
            for (var i = 0; i < outline.Length; i += 2)
            {
                MinLon = Math.Min(MinLon, outline[i]);
                MaxLon = Math.Max(MaxLon, outline[i]);
                MinLat = Math.Min(MinLat, outline[i + 1]);
                MaxLat = Math.Max(MaxLat, outline[i + 1]);
            }
        }
    }

    /// <summary>The outline of <paramref name="boundary"/>, or null when it is no Polygon or MultiPolygon (the registry checked it on import).</summary>
    public static VillageOutline? Parse(string code, JsonElement boundary)
    {
        if (boundary.ValueKind != JsonValueKind.Object || !boundary.TryGetProperty("type", out var type) || !boundary.TryGetProperty("coordinates", out var coordinates)
            || coordinates.ValueKind != JsonValueKind.Array)
            return null;
        double[][][] polygons = type.GetString() switch
        {
            "Polygon" => [Polygon(coordinates)],
            "MultiPolygon" => [.. coordinates.EnumerateArray().Select(Polygon)],
            _ => [],
        };
        return polygons.Length == 0 || polygons.Any(p => p.Length == 0) ? null : new VillageOutline(code, polygons);
    }

    private static double[][] Polygon(JsonElement rings) =>
        [.. rings.EnumerateArray().Select(ring => ring.EnumerateArray().SelectMany(p => new[] { p[0].GetDouble(), p[1].GetDouble() }).ToArray())];

    /// <summary>Whether the point lies inside the outline and outside its holes (even-odd over the polygon's rings).</summary>
    public bool Contains(double latitude, double longitude)
    {
        if (longitude < MinLon || longitude > MaxLon || latitude < MinLat || latitude > MaxLat) return false;
        foreach (var polygon in _polygons)
        {
            var inside = false;
            foreach (var ring in polygon)
                if (Crosses(ring, longitude, latitude)) inside = !inside;
            if (inside) return true;
        }
        return false;
    }

    // Ray casting to the east: whether the ring is crossed an odd number of times.
    private static bool Crosses(double[] ring, double x, double y)
    {
        var odd = false;
        for (int i = 0, j = ring.Length - 2; i < ring.Length; j = i, i += 2)
        {
            double xi = ring[i], yi = ring[i + 1], xj = ring[j], yj = ring[j + 1];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) odd = !odd;
        }
        return odd;
    }
}
