using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Compliance;
using GridEdge.Server.Ingest;
using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GridEdge.Server.Tests.Alarms;

/// <summary>
/// Alarms into the handling chain, through the server's real ingest (the pipeline the broker feeds) on its SQLite ledger: a
/// straw-burning alert opens a problem in the village of the gateway's place, a second joins it, a redelivery opens nothing
/// twice, clearing is recorded and the problem stays open; a monitor's dust alert goes to the monitor's village; the
/// campaign's fire points and the weekly report count them; the chart is SVG and scoped like its problem.
/// </summary>
public sealed class AlarmChainTests
{
    private const string City = "370100000000", County = "370102000000", Town = "370102001000", VillageA = "370102001001", VillageB = "370102001002";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // The alerts happen 30 minutes ago, the readings around them every 5 minutes from 2 h before.
    private static readonly DateTimeOffset T = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeSeconds());

    [Fact(Timeout = 90_000)]
    public async Task Alerts_open_join_and_clear_problems_in_their_villages_and_the_campaign_counts_the_fire_points()
    {
        await using var server = await RunningServer.StartAsync();
        using var admin = server.Http();
        await SeedAsync(admin);
        var pipeline = server.App.Services.GetRequiredService<IngestPipeline>();
        var day = T.ToOffset(GridEdge.Server.Periods.ReportPeriod.ChinaStandardTime);
        await PutOkAsync(admin, "/api/campaigns/ban-2026", new
        {
            kind = "straw_burning_ban", county = County, name = "秸秆禁烧期",
            from = day.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        });
        // The gateway stands in village A; its HJ 212 monitor MN001 in village B.
        await PutOkAsync(admin, "/api/gateways/gw-alpha/place", new { latitude = 36.605, longitude = 117.005, name = "甲镇站" });
        await PutOkAsync(admin, "/api/gateways/gw-alpha/monitors/MN001/place", new { latitude = 36.605, longitude = 117.025, name = "乙村工地" });
        var readings = Enumerable.Range(0, 30).Select(i => (GridEdge.Protocol.Records.Record)Reading.Instant("pms-1", Quantities.Pm2_5, 40 + i * 3, T.AddMinutes(-120 + 5 * i), ClockQuality.NetworkSynced)).ToList();
        await server.Ledger.Readings.CommitBatchAsync(new Batch("gw-alpha", Streams.Readings, 1, readings), Ct);

        var fire1 = Straw("fire-1", AlertState.Raised, T);
        var fire2 = Straw("fire-2", AlertState.Raised, T.AddMinutes(5));
        var first = Payload(1, fire1);
        var second = Payload(2, fire2);
        await CommitAsync(pipeline, first);
        await CommitAsync(pipeline, second);
        // Redelivered (no ack reached the gateway): nothing opens or joins twice.
        await CommitAsync(pipeline, first);
        await CommitAsync(pipeline, second);
        await CommitAsync(pipeline, Payload(3, fire1 with { State = AlertState.Cleared, Timestamp = T.AddMinutes(20) }));
        await CommitAsync(pipeline, Payload(4, new Alert("dust-1", "dust-pm10", AlertKind.Dust, AlertState.Raised, AlertSeverity.Warning, "MN001", Quantities.Pm10,
            [new AlertValue("mean", 182.4), new AlertValue("threshold", 150), new AlertValue("window_seconds", 300)], T.AddMinutes(10), ClockQuality.NetworkSynced)));

        var problems = (await admin.GetFromJsonAsync<JsonElement>("/api/problems", Ct)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, problems.Count);
        var straw = problems.Single(p => p.GetProperty("category").GetString() == "straw_burning");
        var dust = problems.Single(p => p.GetProperty("category").GetString() == "dust");
        Assert.Equal((VillageA, "alert", true, "", ""), (straw.GetProperty("gridCode").GetString(), straw.GetProperty("source").GetString(),
            straw.GetProperty("critical").GetBoolean(), straw.GetProperty("memberId").GetString(), straw.GetProperty("terminalId").GetString()));
        Assert.Equal((VillageB, false), (dust.GetProperty("gridCode").GetString(), dust.GetProperty("critical").GetBoolean()));
        Assert.Equal("乙村工地", dust.GetProperty("address").GetString());

        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/problems/{straw.GetProperty("id").GetInt64()}", Ct);
        Assert.Equal("reported", detail.GetProperty("state").GetString());
        Assert.Equal(["reported", "alert_joined", "alert_cleared"], detail.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("fire-2", detail.GetProperty("events")[1].GetProperty("detail").GetProperty("alertId").GetString());
        var alert = detail.GetProperty("alert");
        Assert.Equal(("smoke+pm2_5", "pm2_5", Quantities.MicrogramsPerCubicMetre, "fire-1"), (alert.GetProperty("quantity").GetString(), alert.GetProperty("chartQuantity").GetString(),
            alert.GetProperty("unit").GetString(), alert.GetProperty("alertId").GetString()));
        Assert.Equal(4.2, alert.GetProperty("value").GetDouble());
        var dustAlert = (await admin.GetFromJsonAsync<JsonElement>($"/api/problems/{dust.GetProperty("id").GetInt64()}", Ct)).GetProperty("alert");
        Assert.Equal((182.4, 150.0), (dustAlert.GetProperty("value").GetDouble(), dustAlert.GetProperty("threshold").GetDouble()));
        // Problems alerts opened are no part of the gateway's uploads stream: no gap appears in it.
        Assert.Empty(await server.Ledger.Gateways.GetGapsAsync("gw-alpha", Streams.Uploads, Ct));

        var fires = await admin.GetFromJsonAsync<JsonElement>("/api/campaigns/ban-2026/fire-points", Ct);
        Assert.Equal(1, fires.GetProperty("firePoints").GetInt32());
        var town = Assert.Single(fires.GetProperty("townships").EnumerateArray());
        Assert.Equal([(VillageA, 1), (VillageB, 0)], town.GetProperty("villages").EnumerateArray().Select(v => (v.GetProperty("village").GetString(), v.GetProperty("firePoints").GetInt32())));

        var week = GridEdge.Server.Periods.PeriodRules.Default.Containing(GridEdge.Server.Periods.PeriodKind.Week, T).Name;
        var compliance = await admin.GetFromJsonAsync<JsonElement>($"/api/compliance?grid={Town}&week={week}", Ct);
        // The township's own row has no fire points (they are counted in villages); its villages have.
        Assert.Equal([1, 0], compliance.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("level").GetInt32() == 4).Select(r => r.GetProperty("firePoints").GetInt32()));
        var csv = (await admin.GetStringAsync($"/api/reports/weekly?grid={Town}&week={week}&format=csv&lang=en", Ct)).TrimStart('\uFEFF').Split("\r\n");
        var column = Array.IndexOf(csv[0].Split(','), "fire_points");
        Assert.True(column >= 0, csv[0]);
        // The township's line, its two villages', and the total line.
        Assert.Equal(["", "1", "0", "1"], csv.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')[column]));
        // A week no ban overlaps has no fire points at all: the report reads as it did before campaigns.
        var before = await admin.GetFromJsonAsync<JsonElement>($"/api/compliance?grid={Town}&week={GridEdge.Server.Periods.PeriodRules.Default.Containing(GridEdge.Server.Periods.PeriodKind.Week, T.AddDays(-30)).Name}", Ct);
        Assert.All(before.GetProperty("rows").EnumerateArray(), r => Assert.False(r.TryGetProperty("firePoints", out _)));
        Assert.False(before.GetProperty("totals").TryGetProperty("firePoints", out _));
    }

    [Fact(Timeout = 90_000)]
    public async Task The_chart_is_well_formed_svg_of_the_readings_with_the_threshold_and_readable_only_where_the_problem_is()
    {
        await using var server = await RunningServer.StartAsync();
        using var admin = server.Http();
        await SeedAsync(admin);
        var pipeline = server.App.Services.GetRequiredService<IngestPipeline>();
        await PutOkAsync(admin, "/api/gateways/gw-alpha/place", new { latitude = 36.605, longitude = 117.005 });
        var readings = Enumerable.Range(0, 25).Select(i => (GridEdge.Protocol.Records.Record)Reading.Instant("pms-1", Quantities.Pm10, 100 + i * 5, T.AddMinutes(-120 + 6 * i), ClockQuality.NetworkSynced)).ToList();
        await server.Ledger.Readings.CommitBatchAsync(new Batch("gw-alpha", Streams.Readings, 1, readings), Ct);
        await CommitAsync(pipeline, Payload(1, new Alert("dust-1", "dust-pm10", AlertKind.Dust, AlertState.Raised, AlertSeverity.Warning, "pms-1", Quantities.Pm10,
            [new AlertValue("mean", 182.4), new AlertValue("threshold", 150)], T, ClockQuality.NetworkSynced)));
        var id = (await admin.GetFromJsonAsync<JsonElement>("/api/problems", Ct)).GetProperty("items")[0].GetProperty("id").GetInt64();

        using var inside = server.Http((await server.UserAsync("chief-a", "village_chief", VillageA)).ApiKey);
        using var outside = server.Http((await server.UserAsync("chief-b", "village_chief", VillageB)).ApiKey);
        using var response = await inside.GetAsync($"/api/problems/{id}/chart.svg", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        var svg = XDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.Equal(25, svg.Descendants(ns + "polyline").Single().Attribute("points")!.Value.Split(' ').Length);
        Assert.Single(svg.Descendants(ns + "line"), l => (string?)l.Attribute("class") == "threshold");
        Assert.DoesNotContain(svg.Descendants(), e => e.Name.LocalName == "script" || e.Attributes().Any(a => a.Name.LocalName == "href"));

        using (var refused = await outside.GetAsync($"/api/problems/{id}/chart.svg", Ct)) Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        using (var missing = await admin.GetAsync("/api/problems/999/chart.svg", Ct)) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static Alert Straw(string id, AlertState state, DateTimeOffset at) =>
        new(id, "straw-smoke", AlertKind.StrawBurning, state, AlertSeverity.Critical, "smoke-1+pms-1", "smoke+pm2_5",
            [new AlertValue("smoke_mean", 310), new AlertValue("pm2_5_rise_per_minute", 4.2)], at, ClockQuality.NetworkSynced);

    private static byte[] Payload(long seq, Alert alert) => WireCodec.Encode(new Batch("gw-alpha", Streams.Alerts, seq, [alert]), WireFormat.Json);

    private static async Task CommitAsync(IngestPipeline pipeline, byte[] payload)
    {
        var outcome = await pipeline.HandleAsync(Topics.Up("gw-alpha", Streams.Alerts), payload, Ct);
        Assert.True(outcome.Status == IngestStatus.Committed, outcome.Problem);
    }

    private static async Task PutOkAsync(HttpClient http, string url, object body)
    {
        using var put = await http.PutAsJsonAsync(url, body, Ct);
        Assert.True(put.StatusCode == HttpStatusCode.OK, $"{url}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync(Ct)}");
    }

    // A county with one township (gateway gw-alpha at its center) and two villages side by side with their boundaries.
    private static Task SeedAsync(HttpClient admin)
    {
        static object Square(double lon, double lat) => new
        {
            type = "Polygon",
            coordinates = new[] { new[] { new[] { lon, lat }, new[] { lon + 0.01, lat }, new[] { lon + 0.01, lat + 0.01 }, new[] { lon, lat + 0.01 }, new[] { lon, lat } } },
        };
        return PutOkAsync(admin, "/api/grids", new
        {
            grids = new object[]
            {
                new { code = City, name = "济南市" }, new { code = County, name = "历下区" }, new { code = Town, name = "甲镇", gateway = "gw-alpha" },
                new { code = VillageA, name = "甲村", boundary = Square(117.00, 36.60) }, new { code = VillageB, name = "乙村", boundary = Square(117.02, 36.60) },
            },
            members = new[] { new { id = "m-a", name = "甲", grid = VillageA }, new { id = "m-b", name = "乙", grid = VillageB } },
        });
    }
}
