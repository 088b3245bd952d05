using System.Text.Json;

namespace GridEdge.Server.Grid;

/// <summary>Checks a village grid's boundary: a GeoJSON Polygon or MultiPolygon geometry with [longitude, latitude] positions in WGS-84.</summary>
public static class GeoJsonBoundary
{
    /// <summary>Most positions one boundary may hold (a detailed village outline has hundreds).</summary>
    public const int MaxPositions = 100_000;

    public const string Rule = "a GeoJSON Polygon or MultiPolygon object: {\"type\": \"Polygon\", \"coordinates\": [[[lon, lat], ...]]}, rings of at least 4 positions, first = last";

    /// <summary>The problems of <paramref name="boundary"/> (empty when valid), each naming the JSON path under <paramref name="field"/>.</summary>
    public static IReadOnlyList<string> Check(JsonElement boundary, string field)
    {
        var problems = new List<string>();
        if (boundary.ValueKind != JsonValueKind.Object) { problems.Add($"{field}: a {boundary.ValueKind.ToString().ToLowerInvariant()}, not {Rule}"); return problems; }
        if (!boundary.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{field}.type: missing; expected \"Polygon\" or \"MultiPolygon\"");
            return problems;
        }
        if (!boundary.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{field}.coordinates: missing or not an array");
            return problems;
        }
        var positions = 0;
        switch (type.GetString())
        {
            case "Polygon":
                CheckPolygon(coordinates, $"{field}.coordinates", problems, ref positions);
                break;
            case "MultiPolygon":
                if (coordinates.GetArrayLength() == 0) problems.Add($"{field}.coordinates: no polygons");
                var i = 0;
                foreach (var polygon in coordinates.EnumerateArray())
                {
                    if (problems.Count >= 10) break;
                    CheckPolygon(polygon, $"{field}.coordinates[{i++}]", problems, ref positions);
                }
                break;
            default:
                problems.Add($"{field}.type: '{type.GetString()}'; expected \"Polygon\" or \"MultiPolygon\"");
                break;
        }
        if (positions > MaxPositions) problems.Add($"{field}: {positions} positions, more than {MaxPositions}");
        return problems;
    }

    private static void CheckPolygon(JsonElement polygon, string at, List<string> problems, ref int positions)
    {
        if (polygon.ValueKind != JsonValueKind.Array || polygon.GetArrayLength() == 0) { problems.Add($"{at}: not an array of linear rings"); return; }
        var r = 0;
        foreach (var ring in polygon.EnumerateArray())
        {
            var ringAt = $"{at}[{r++}]";
            if (ring.ValueKind != JsonValueKind.Array) { problems.Add($"{ringAt}: not an array of positions"); continue; }
            var count = ring.GetArrayLength();
            if (count < 4) { problems.Add($"{ringAt}: {count} positions; a linear ring needs at least 4"); continue; }
            var p = 0;
            (double Lon, double Lat)? first = null, last = null;
            foreach (var position in ring.EnumerateArray())
            {
                positions++;
                var posAt = $"{ringAt}[{p++}]";
                if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() is < 2 or > 3
                    || position.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
                {
                    problems.Add($"{posAt}: not a position [longitude, latitude]");
                    return;
                }
                var lon = position[0].GetDouble();
                var lat = position[1].GetDouble();
                if (lon is < -180 or > 180) { problems.Add($"{posAt}: longitude {lon} is not -180 to 180"); return; }
                if (lat is < -90 or > 90) { problems.Add($"{posAt}: latitude {lat} is not -90 to 90"); return; }
                first ??= (lon, lat);
                last = (lon, lat);
            }
            if (first != last) problems.Add($"{ringAt}: not closed (the first and last positions differ)");
        }
    }
}
