using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Grid;
using GridEdge.Server.Map;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Problems;
using GridEdge.Server.Tests.Support;
using GridEdge.Server.Tests.Users;
using GridEdge.Server.Users;
using GridEdge.Testing;

namespace GridEdge.Server.Tests.Map;

/// <summary>The grid map's data (GET /api/map): villages with rounded boundaries and their figures, the townships' gateways, scoped to the caller's grid.</summary>
public sealed class MapTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string City = "370100000000", County = "370102000000", TownA = "370102001000", A1 = "370102001001", A2 = "370102001002";
    private const string TownB = "370102002000", B1 = "370102002001";

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Figures_count_this_weeks_patrols_this_months_key_point_visits_and_open_and_overdue_problems_per_village(LedgerEngine engine)
    {
        using var folder = new TempFolder();
        // Thursday 2026-11-26 10:00 China time: the ISO week began Monday 11-23 00:00, the month 11-01 00:00.
        var now = GridRows.Cn(2026, 11, 26, 10);
        var time = new ManualTimeProvider(now);
        await using var ledger = await TestLedger.CreateAsync(engine, postgres, folder, time);
        using (var rows = new GridRows(ledger.Database)) Seed(rows, now);
        await ledger.Gateways.TouchGatewayAsync("gw-alpha", now.AddMinutes(-1), Ct);
        await ledger.Readings.CommitBatchAsync(Samples.Readings("gw-alpha", 1, 3), Ct);
        var map = new MapLedger(ledger.Database, new GridRegistryStore(ledger.Database), ledger.Gateways, ledger.Readings, time);

        var city = await map.BuildAsync(City, Ct);
        Assert.Equal("2026-W48", city.Week);
        Assert.Equal(GridRows.Cn(2026, 11, 23, 0), city.WeekFrom);
        Assert.Equal(GridRows.Cn(2026, 11, 1, 0), city.MonthFrom);
        Assert.Equal([A1, A2, B1], city.Villages.Select(v => v.Code));
        // A1: 2 active members; patrols on 11-24 and 11-25 (not 11-22 nor 10-31); key points kp1 twice, kp2 and kp3 once this month;
        // problems: reported, overdue, rectified past its deadline (open, not overdue), closed (neither).
        Assert.Equal(new VillageFigures(2, 2, 3, 1, 3, 3, 1), city.Villages[0].Figures);
        Assert.Equal(new VillageFigures(1, 0, 0, 0, 0, 0, 0), city.Villages[1].Figures);
        Assert.Equal(new VillageFigures(0, 0, 0, 0, 0, 1, 0), city.Villages[2].Figures);
        Assert.Equal(("王", TownA), (city.Villages[0].Chief, city.Villages[0].Parent));
        Assert.Equal("[[[117.12346,36.6],[117.14,36.6],[117.14,36.62],[117.12346,36.6]]]",
            System.Text.Json.Nodes.JsonNode.Parse(city.Villages[0].Boundary!.Json)!["coordinates"]!.ToJsonString());
        Assert.Null(city.Villages[1].Boundary);

        Assert.Equal(["gw-alpha", "gw-beta"], city.Gateways.Select(g => g.Id));
        var alpha = city.Gateways[0];
        Assert.Equal((TownA, "甲镇", true, 0L), (alpha.Township, alpha.TownshipName, alpha.Online, alpha.Missing));
        Assert.Equal(ClockQuality.NetworkSynced, alpha.Clock); // of seq 3, the newest reading
        var beta = city.Gateways[1];
        Assert.Equal((false, null, null), (beta.Online, beta.LastSeen, beta.Clock)); // in the registry, never connected

        var township = await map.BuildAsync(TownA, Ct);
        Assert.Equal([A1, A2], township.Villages.Select(v => v.Code));
        Assert.Equal(["gw-alpha"], township.Gateways.Select(g => g.Id));
        var village = await map.BuildAsync(A2, Ct);
        Assert.Equal([A2], village.Villages.Select(v => v.Code));
        Assert.Equal(["gw-alpha"], village.Gateways.Select(g => g.Id)); // a village's map shows its township's gateway
    }

    [Fact(Timeout = 120_000)]
    public async Task A_township_user_gets_only_its_villages_and_gateway_and_another_township_answers_404()
    {
        await using var server = await RunningServer.StartAsync();
        using var admin = server.Http();
        await AccessMatrixTests.SeedAsync(server, admin);
        var township = await server.UserAsync("u-township", Roles.Township, AccessMatrixTests.TownA);
        var city = await server.UserAsync("u-city", Roles.City, AccessMatrixTests.City);
        using var http = server.Http(township.ApiKey);

        var own = await http.GetFromJsonAsync<JsonElement>("/api/map", Ct);
        Assert.Equal(AccessMatrixTests.TownA, own.GetProperty("grid").GetString());
        Assert.Equal([AccessMatrixTests.VillageA], Codes(own, "villages", "code"));
        Assert.Equal(["gw-alpha"], Codes(own, "gateways", "id"));
        // A wider grid narrows to the caller's own; another township does not exist for it.
        var wider = await http.GetFromJsonAsync<JsonElement>($"/api/map?grid={AccessMatrixTests.City}", Ct);
        Assert.Equal([AccessMatrixTests.VillageA], Codes(wider, "villages", "code"));
        using (var outside = await http.GetAsync("/api/map?grid=370202001000", Ct)) Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
        using (var bad = await http.GetAsync("/api/map?grid=3701", Ct))
            Assert.Contains("\"field\":\"grid\"", await bad.Content.ReadAsStringAsync(Ct));
        using (var unknown = await http.GetAsync("/api/map?week=2026-W48", Ct)) Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        using var cityHttp = server.Http(city.ApiKey);
        Assert.Equal([AccessMatrixTests.VillageA], Codes(await cityHttp.GetFromJsonAsync<JsonElement>("/api/map", Ct), "villages", "code"));
        // Without a grid of its own the caller sees the whole registry: both cities.
        var all = await admin.GetFromJsonAsync<JsonElement>("/api/map", Ct);
        Assert.Equal([AccessMatrixTests.VillageA, "370202001001"], Codes(all, "villages", "code"));
        Assert.Equal(["gw-alpha", "gw-beta"], Codes(all, "gateways", "id"));
    }

    private static string[] Codes(JsonElement map, string list, string property) =>
        [.. map.GetProperty(list).EnumerateArray().Select(v => v.GetProperty(property).GetString()!)];

    private static void Seed(GridRows rows, DateTimeOffset now)
    {
        rows.Grid(City, 1, "济南市", null);
        rows.Grid(County, 2, "历下区", City);
        rows.Grid(TownA, 3, "甲镇", County);
        rows.Grid(TownB, 3, "乙镇", County);
        rows.Grid(A1, 4, "甲一村", TownA);
        rows.Grid(A2, 4, "甲二村", TownA);
        rows.Grid(B1, 4, "乙一村", TownB);
        rows.Execute("UPDATE grids SET gateway = $1 WHERE code = $2;", "gw-alpha", TownA);
        rows.Execute("UPDATE grids SET gateway = $1 WHERE code = $2;", "gw-beta", TownB);
        rows.Execute("UPDATE grids SET chief = $1, boundary = $2 WHERE code = $3;", "王",
            """{"type":"Polygon","coordinates":[[[117.123456789,36.6],[117.14,36.6],[117.14,36.62],[117.123456789,36.6]]]}""", A1);
        rows.Member("m1", A1);
        rows.Member("m2", A1);
        rows.Member("m3", A1, active: false);
        rows.Member("m4", A2);
        rows.KeyPoint("kp1", A1);
        rows.KeyPoint("kp2", A1);
        rows.KeyPoint("kp3", A1);
        rows.Patrol(A1, "m1", GridRows.Cn(2026, 11, 24, 9), (0, "kp1"));
        rows.Patrol(A1, "m2", GridRows.Cn(2026, 11, 25, 9), (0, "kp1"), (0, "kp2"));
        rows.Patrol(A1, "m1", GridRows.Cn(2026, 11, 22, 23, 59), (0, "kp3")); // Sunday: last week, this month
        rows.Patrol(A1, "m1", GridRows.Cn(2026, 10, 31, 23), (0, "kp2")); // last month
        rows.Patrol(B1, "m9", GridRows.Cn(2026, 10, 20, 9));
        rows.Problem(A1, now.AddDays(-1));
        rows.Problem(A1, now.AddDays(-5), "assigned", deadline: now.AddDays(-1), assignee: "li");
        rows.Problem(A1, now.AddDays(-5), "rectified", deadline: now.AddDays(-2));
        rows.Problem(A1, now.AddDays(-9), "closed", deadline: now.AddDays(-8));
        rows.Problem(B1, now.AddDays(-2), "assigned", deadline: now.AddDays(2));
    }

    [Fact]
    public void A_short_outline_is_written_as_stored_a_long_one_rounded_and_a_damaged_one_left_out()
    {
        const string Short = """{"type":"Polygon","coordinates":[[[117.1,36.6],[117.14,36.6],[117.14,36.62],[117.1,36.6]]]}""";
        Assert.Same(Short, MapLedger.Rounded(Short)!.Json);
        Assert.Equal("""{"type":"Polygon","coordinates":[[[117.12346,36.6],[117.14,36.6],[117.14,36.62],[117.12346,36.6]]]}""",
            MapLedger.Rounded("""{"type":"Polygon","coordinates":[[[117.123456789,36.6],[117.14,36.6],[117.14,36.62],[117.123456789,36.6]]]}""")!.Json);
        Assert.Null(MapLedger.Rounded("""{"type":"Polygon","coordinates":[[[117.1,36.6],"""));
        Assert.Null(MapLedger.Rounded(null));
    }
}
