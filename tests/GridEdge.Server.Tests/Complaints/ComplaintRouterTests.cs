using System.Globalization;
using System.Text.Json;
using GridEdge.Server.Complaints;

namespace GridEdge.Server.Tests.Complaints;

/// <summary>Routing a point to the village whose GeoJSON boundary contains it, through the cell index.</summary>
public sealed class ComplaintRouterTests
{
    // 甲村: a square 117.00–117.10 × 36.60–36.70 with a pond (hole) 117.04–117.06 × 36.64–36.66 that belongs to 丙村.
    private const string WithHole = """
        {"type": "Polygon", "coordinates": [
          [[117.00, 36.60], [117.10, 36.60], [117.10, 36.70], [117.00, 36.70], [117.00, 36.60]],
          [[117.04, 36.64], [117.06, 36.64], [117.06, 36.66], [117.04, 36.66], [117.04, 36.64]]]}
        """;

    private const string InTheHole = """
        {"type": "Polygon", "coordinates": [[[117.04, 36.64], [117.06, 36.64], [117.06, 36.66], [117.04, 36.66], [117.04, 36.64]]]}
        """;

    // 乙村: two parts either side of 甲村, and a triangle.
    private const string TwoParts = """
        {"type": "MultiPolygon", "coordinates": [
          [[[117.20, 36.60], [117.30, 36.60], [117.30, 36.70], [117.20, 36.70], [117.20, 36.60]]],
          [[[116.80, 36.60], [116.90, 36.60], [116.85, 36.70], [116.80, 36.60]]]]}
        """;

    private static VillageOutline Outline(string code, string geoJson)
    {
        using var document = JsonDocument.Parse(geoJson);
        return VillageOutline.Parse(code, document.RootElement) ?? throw new InvalidOperationException(code);
    }

    private static ComplaintRouter Router() =>
        new([Outline("370102001001", WithHole), Outline("370102001002", TwoParts), Outline("370102001003", InTheHole)]);

    [Fact]
    public void Point_in_a_polygon_outside_its_hole_routes_to_that_village_and_inside_the_hole_to_the_village_there()
    {
        var router = Router();
        Assert.Equal("370102001001", router.Route(36.62, 117.02));
        Assert.Equal("370102001001", router.Route(36.68, 117.09));
        Assert.Equal("370102001003", router.Route(36.65, 117.05));
    }

    [Fact]
    public void Each_part_of_a_multipolygon_routes_to_its_village()
    {
        var router = Router();
        Assert.Equal("370102001002", router.Route(36.65, 117.25));
        Assert.Equal("370102001002", router.Route(36.62, 116.85));
        // Inside the triangle's bounding box, outside the triangle.
        Assert.Null(router.Route(36.69, 116.81));
    }

    [Fact]
    public void Point_outside_every_village_routes_nowhere()
    {
        var router = Router();
        Assert.Null(router.Route(36.65, 117.15));   // between the parts
        Assert.Null(router.Route(37.50, 118.00));   // beyond every box
        Assert.Null(router.Route(30.00, 100.00));
        Assert.Null(ComplaintRouter.Empty.Route(36.65, 117.05));
    }

    [Fact]
    public void Index_answers_as_the_scan_over_every_outline_on_a_city_of_villages()
    {
        // 40 × 40 square villages with a hole each, and points all over and beyond them.
        var outlines = new List<VillageOutline>();
        for (var row = 0; row < 40; row++)
            for (var column = 0; column < 40; column++)
            {
                double lon = 116.0 + column * 0.01, lat = 36.0 + row * 0.01;
                outlines.Add(Outline($"3701{row:D2}{column:D2}0001", string.Create(CultureInfo.InvariantCulture, $$"""
                    {"type": "Polygon", "coordinates": [
                      [[{{lon}}, {{lat}}], [{{lon + 0.01}}, {{lat}}], [{{lon + 0.01}}, {{lat + 0.01}}], [{{lon}}, {{lat + 0.01}}], [{{lon}}, {{lat}}]],
                      [[{{lon + 0.004}}, {{lat + 0.004}}], [{{lon + 0.006}}, {{lat + 0.004}}], [{{lon + 0.006}}, {{lat + 0.006}}], [{{lon + 0.004}}, {{lat + 0.006}}], [{{lon + 0.004}}, {{lat + 0.004}}]]]}
                    """)));
            }
        var router = new ComplaintRouter(outlines);
        var random = new Random(7);
        var routed = 0;
        for (var i = 0; i < 5000; i++)
        {
            double lat = 35.95 + random.NextDouble() * 0.5, lon = 115.95 + random.NextDouble() * 0.5;
            var expected = router.RouteByScan(lat, lon);
            Assert.Equal(expected, router.Route(lat, lon));
            if (expected is not null) routed++;
        }
        Assert.InRange(routed, 2500, 4500);
    }
}
