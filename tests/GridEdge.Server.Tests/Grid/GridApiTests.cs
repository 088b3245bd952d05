using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Grid;
using GridEdge.Server.Terminals;
using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static GridEdge.Server.Tests.Grid.GridSamples;
using static GridEdge.Server.Tests.Grid.TerminalSamples;
using Record = GridEdge.Protocol.Records.Record;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Server.Tests.Grid;

/// <summary>The grid and ledger endpoints of the real host: HTTP on loopback, the embedded broker, a SQLite file.</summary>
public sealed class GridApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static async Task<RunningServer> StartWithGridAsync()
    {
        var server = await RunningServer.StartAsync();
        using var http = server.Http();
        using var response = await http.PutAsJsonAsync("/api/grids", Document(), Web, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return server;
    }

    private static async Task AssertBadAsync(HttpClient http, string url, string field, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        using var response = await http.GetAsync(url, Ct);
        Assert.True(status == response.StatusCode, $"{url}: {response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        Assert.Equal(field, (await JsonAsync(response)).GetProperty("field").GetString());
    }

    private static GridStore Ingest(RunningServer server) => server.App.Services.GetRequiredService<GridStore>();

    [Fact(Timeout = 60_000)]
    public async Task Grids_are_imported_listed_and_read_back()
    {
        await using var server = await StartWithGridAsync();
        using var http = server.Http();

        var villages = await http.GetFromJsonAsync<JsonElement>($"/api/grids?parent={TownA}", Ct);
        Assert.Equal([VillageA1, VillageA2], villages.GetProperty("items").EnumerateArray().Select(g => g.GetProperty("code").GetString()));
        Assert.True(villages.GetProperty("items")[0].GetProperty("hasBoundary").GetBoolean());
        var townships = await http.GetFromJsonAsync<JsonElement>("/api/grids?level=township", Ct);
        Assert.Equal(3, townships.GetProperty("items").GetArrayLength());
        var page = await http.GetFromJsonAsync<JsonElement>("/api/grids?limit=4", Ct);
        var next = await http.GetFromJsonAsync<JsonElement>($"/api/grids?limit=100&cursor={page.GetProperty("nextCursor").GetString()}", Ct);
        Assert.Equal(10, page.GetProperty("items").GetArrayLength() + next.GetProperty("items").GetArrayLength());

        var village = await http.GetFromJsonAsync<JsonElement>($"/api/grids/{VillageA1}", Ct);
        Assert.Equal((4, "village", TownA, "gw-alpha", "Polygon"), (village.GetProperty("level").GetInt32(), village.GetProperty("levelName").GetString(),
            village.GetProperty("parent").GetString(), village.GetProperty("servedBy").GetString(), village.GetProperty("boundary").GetProperty("type").GetString()));
        Assert.Equal((1, 1, 1), (village.GetProperty("members").GetInt32(), village.GetProperty("keyPoints").GetInt32(), village.GetProperty("enterprises").GetInt32()));

        await AssertBadAsync(http, "/api/grids?level=5", "level");
        await AssertBadAsync(http, "/api/grids?parent=3701", "parent");
        await AssertBadAsync(http, "/api/grids?colour=red", "colour");
        await AssertBadAsync(http, "/api/grids/37010200100x", "code");
        await AssertBadAsync(http, "/api/grids/370102001099", "code", HttpStatusCode.NotFound);
    }

    [Fact(Timeout = 60_000)]
    public async Task Bad_registry_requests_name_every_field_and_conflicts_are_409()
    {
        await using var server = await StartWithGridAsync();
        using var http = server.Http();

        using (var response = await http.PostAsync("/api/grids",
            new StringContent("""{"code": "370102001009", "name": "", "level": 3, "gateway": "gw-alpha", "boundary": {"type": "Polygon", "coordinates": [[[117, 36], [118, 36]]]}}""",
                Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var fields = (await JsonAsync(response)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
            Assert.Equal(["level", "gateway", "name", "boundary.coordinates[0]"], fields);
        }
        using (var response = await http.PostAsync("/api/grids", new StringContent("""{"code": "370102001009", "name": "x", "colour": "red"}""", Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("colour", (await JsonAsync(response)).GetProperty("field").GetString());
        }
        using (var response = await http.PostAsJsonAsync("/api/grids", new { code = TownA, name = "Town A" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("code", (await JsonAsync(response)).GetProperty("field").GetString());
        }
        using (var response = await http.PostAsJsonAsync("/api/grids", new { code = "370102001009", name = "Village A9" }, Ct))
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using (var response = await http.PostAsJsonAsync("/api/grids", new { code = "370102008001", name = "orphan" }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var body = await JsonAsync(response);
            Assert.Equal(("parent", "370102008000"), (body.GetProperty("field").GetString(), body.GetProperty("errors")[0].GetProperty("value").GetString()));
        }

        using (var response = await http.PostAsJsonAsync("/api/members", new { id = "wu.fang", name = "Wu Fang", grid = VillageA2 }, Ct))
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using (var response = await http.PostAsJsonAsync("/api/members", new { id = "wu.fang", name = "Wu Fang", grid = VillageA2 }, Ct))
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        using (var response = await http.PostAsJsonAsync("/api/members", new { id = "he.min", name = "He Min", grid = "370102001077" }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("grid", (await JsonAsync(response)).GetProperty("field").GetString());
        }
        var members = await http.GetFromJsonAsync<JsonElement>($"/api/members?grid={TownA}", Ct);
        Assert.Equal(["li.na", "wu.fang", "zhao.lei"], members.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Fact(Timeout = 60_000)]
    public async Task Key_points_and_the_enterprise_inventory_with_its_files()
    {
        await using var server = await StartWithGridAsync();
        using var http = server.Http();

        using (var response = await http.PostAsJsonAsync($"/api/grids/{VillageA2}/key-points", new { id = "kp-2", name = "Quarry road", latitude = 36.61, longitude = 117.03 }, Ct))
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using (var response = await http.PostAsJsonAsync($"/api/grids/{VillageA2}/key-points", new { id = "kp-2", name = "Quarry road" }, Ct))
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        using (var response = await http.PostAsJsonAsync($"/api/grids/{VillageA2}/key-points", new { id = "kp-3", name = "x", latitude = 36.61 }, Ct))
            Assert.Equal("longitude", (await JsonAsync(response)).GetProperty("field").GetString());
        var points = await http.GetFromJsonAsync<JsonElement>($"/api/grids/{VillageA2}/key-points", Ct);
        Assert.Equal("kp-2", points.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, points.GetProperty("nextCursor").ValueKind);

        using (var response = await http.PostAsJsonAsync($"/api/grids/{VillageA2}/enterprises",
            new { id = "ent-2", name = "Brick works", @class = "city_county", file = new { license = "X-7", inspections = new[] { "2026-03" } } }, Ct))
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using (var response = await http.PostAsJsonAsync($"/api/grids/{VillageA2}/enterprises", new { id = "ent-3", name = "Farm", @class = "county", file = "a file" }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(["class", "file"], (await JsonAsync(response)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        }
        var list = await http.GetFromJsonAsync<JsonElement>($"/api/grids/{VillageA2}/enterprises", Ct);
        var first = list.GetProperty("items")[0];
        Assert.Equal(("ent-2", "city_county"), (first.GetProperty("id").GetString(), first.GetProperty("class").GetString()));
        var one = await http.GetFromJsonAsync<JsonElement>($"/api/grids/{VillageA2}/enterprises/ent-2", Ct);
        Assert.Equal("2026-03", one.GetProperty("file").GetProperty("inspections")[0].GetString());
        await AssertBadAsync(http, $"/api/grids/{VillageA2}/enterprises/ent-1", "id", HttpStatusCode.NotFound);
        await AssertBadAsync(http, "/api/grids/370102001077/key-points", "code", HttpStatusCode.NotFound);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_token_is_shown_once_and_the_directory_reaches_the_gateway_retained()
    {
        await using var server = await StartWithGridAsync();
        using var http = server.Http();

        using var issuedResponse = await http.PostAsJsonAsync("/api/terminals", new { id = "t-1", member = "li.na" }, Ct);
        Assert.Equal(HttpStatusCode.Created, issuedResponse.StatusCode);
        var issued = await JsonAsync(issuedResponse);
        var token = issued.GetProperty("token").GetString()!;
        Assert.Equal(43, token.Length);
        Assert.Equal(VillageA1, issued.GetProperty("grid").GetString());

        var listed = await http.GetStringAsync("/api/terminals", Ct);
        Assert.DoesNotContain(token, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(TerminalTokens.Hash(token), listed, StringComparison.Ordinal);
        Assert.DoesNotContain("token", listed, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("active", JsonDocument.Parse(listed).RootElement.GetProperty("items")[0].GetProperty("state").GetString());

        // The gateway connecting afterwards finds its directory retained.
        using var gateway = await server.ConnectGatewayAsync("gw-alpha", Ct);
        await gateway.SubscribeAsync(Topics.Config("gw-alpha"), Ct);
        var config = Decode<GatewayConfig>(gateway.Receive(TimeSpan.FromSeconds(5)));
        var entry = Assert.Single(GridRig.Directory(config).Terminals);
        Assert.Equal(("t-1", "li.na", TerminalTokens.Hash(token)), (entry.TerminalId, entry.MemberId, entry.TokenSha256));

        using (var revoked = await http.PostAsync("/api/terminals/t-1/revoke", null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            Assert.Equal("revoked", (await JsonAsync(revoked)).GetProperty("state").GetString());
        }
        var after = Decode<GatewayConfig>(gateway.Receive(TimeSpan.FromSeconds(5)));
        Assert.Empty(GridRig.Directory(after).Terminals);
        Assert.NotEqual(config.Version, after.Version);

        // New rules carry the directory too.
        using (var rules = await http.PutAsync("/api/gateways/gw-alpha/config/alert-rules", new StringContent("{}", Encoding.UTF8, "application/json"), Ct))
            Assert.Equal(HttpStatusCode.Accepted, rules.StatusCode);
        var withRules = Decode<GatewayConfig>(gateway.Receive(TimeSpan.FromSeconds(5)));
        Assert.Equal("{}", withRules.AlertRules);
        Assert.Equal([VillageA1, VillageA2], GridRig.Directory(withRules).Grids.Select(g => g.GridCode));

        using (var unknown = await http.PostAsJsonAsync("/api/terminals", new { id = "t-9", member = "nobody" }, Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("member", (await JsonAsync(unknown)).GetProperty("field").GetString());
        }
        using (var bad = await http.PostAsJsonAsync("/api/terminals", new { id = "t 9" }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal(["id", "member"], (await JsonAsync(bad)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        }
        using (var missing = await http.PostAsync("/api/terminals/t-404/revoke", null, Ct))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        // Published, but up to date only once the gateway answers that it applied the version.
        var directory = await http.GetFromJsonAsync<JsonElement>("/api/gateways/gw-alpha/terminal-directory", Ct);
        Assert.Equal((true, false, false, withRules.Version), (directory.GetProperty("published").GetBoolean(), directory.GetProperty("applied").GetBoolean(),
            directory.GetProperty("upToDate").GetBoolean(), directory.GetProperty("version").GetString()));
        var applied = new CommandResult(withRules.Version, CommandNames.Config, CommandOutcome.Ok, "terminal directory in force", T0, ClockQuality.NetworkSynced);
        await gateway.PublishAsync(Topics.Up("gw-alpha", Streams.CommandResults),
            WireCodec.Encode(new Batch("gw-alpha", Streams.CommandResults, 1, [applied]), WireFormat.Binary), Ct);
        directory = await http.GetFromJsonAsync<JsonElement>("/api/gateways/gw-alpha/terminal-directory?full=true", Ct);
        Assert.True(directory.GetProperty("upToDate").GetBoolean());
        Assert.Equal(2, directory.GetProperty("directory").GetProperty("grids").GetArrayLength());
    }

    [Fact(Timeout = 60_000)]
    public async Task Check_ins_through_the_broker_are_acked_and_listed_by_grid_member_time_and_page()
    {
        await using var server = await StartWithGridAsync();
        using var http = server.Http();
        using var gateway = await server.ConnectGatewayAsync("gw-alpha", Ct);
        await gateway.SubscribeAsync(Topics.Ack("gw-alpha"), Ct);

        Record[] alpha =
        [
            CheckIn("ci-1", "li.na", VillageA1, T0),
            CheckIn("ci-2", "li.na", VillageA1, T0.AddHours(1)),
            CheckIn("ci-3", "li.na", VillageA1, T0.AddHours(2), geofence: GeofenceResult.NoBoundary),
            CheckIn("ci-4", "zhao.lei", VillageA2, T0.AddHours(3), terminal: "t-2"),
        ];
        await gateway.PublishAsync(Topics.Up("gw-alpha", Streams.CheckIns), WireCodec.Encode(new Batch("gw-alpha", Streams.CheckIns, 1, alpha), WireFormat.Binary), Ct);
        var ack = Decode<Ack>(gateway.Receive(TimeSpan.FromSeconds(5)));
        Assert.Equal(new SeqRange(1, 4), ack.Ranges.Single());
        await Ingest(server).CommitAsync(new Batch("gw-beta", Streams.CheckIns, 1,
            [CheckIn("ci-5", "sun.li", VillageB1, T0.AddHours(4), terminal: "t-3"), CheckIn("ci-6", "chen.jie", VillageC1, T0.AddHours(5), terminal: "t-4")]), Ct);

        async Task<List<string>> IdsAsync(string query) =>
            (await http.GetFromJsonAsync<JsonElement>("/api/checkins?" + query, Ct)).GetProperty("items").EnumerateArray().Select(c => c.GetProperty("recordId").GetString()!).ToList();

        Assert.Equal(6, (await IdsAsync($"grid={City}")).Count);
        Assert.Equal(["ci-1", "ci-2", "ci-3", "ci-4", "ci-5"], await IdsAsync($"grid={Lixia}"));
        Assert.Equal(["ci-6"], await IdsAsync($"grid={Shizhong}"));
        Assert.Equal(["ci-1", "ci-2", "ci-3", "ci-4"], await IdsAsync($"grid={TownA}"));
        Assert.Equal(["ci-4"], await IdsAsync($"grid={VillageA2}"));
        Assert.Equal(["ci-1", "ci-2", "ci-3"], await IdsAsync("member=li.na"));
        Assert.Equal(["ci-5", "ci-6"], await IdsAsync("gateway=gw-beta"));
        Assert.Equal(["ci-2", "ci-3"], await IdsAsync($"from={T0.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}&to={T0.AddHours(3):yyyy-MM-ddTHH:mm:ssZ}"));

        var first = await http.GetFromJsonAsync<JsonElement>("/api/checkins?limit=4", Ct);
        var rest = await http.GetFromJsonAsync<JsonElement>($"/api/checkins?limit=4&cursor={first.GetProperty("nextCursor").GetString()}", Ct);
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextCursor").ValueKind);
        Assert.Equal(["ci-5", "ci-6"], rest.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("recordId").GetString()));

        var third = first.GetProperty("items")[2];
        Assert.Equal(("no_boundary", "gw-alpha", 3, "t-1", "north gate", 8.5), (third.GetProperty("geofence").GetString(), third.GetProperty("gateway").GetString(),
            third.GetProperty("seq").GetInt32(), third.GetProperty("terminalId").GetString(), third.GetProperty("note").GetString(), third.GetProperty("accuracyMeters").GetDouble()));
        Assert.Equal("network_synced", third.GetProperty("clock").GetString());

        await AssertBadAsync(http, "/api/checkins?grid=3701", "grid");
        await AssertBadAsync(http, "/api/checkins?member=a b", "member");
        await AssertBadAsync(http, "/api/checkins?limit=0", "limit");
        await AssertBadAsync(http, "/api/checkins?cursor=nonsense", "cursor");
        await AssertBadAsync(http, "/api/checkins?from=yesterday", "from");
        await AssertBadAsync(http, "/api/checkins?from=2026-11-02&to=2026-11-01", "to");
        await AssertBadAsync(http, "/api/checkins?gateway=GW", "gateway");
        await AssertBadAsync(http, "/api/checkins?state=open", "state");
        await AssertBadAsync(http, $"/api/patrols?cursor={first.GetProperty("nextCursor").GetString()}", "cursor");
    }

    [Fact(Timeout = 60_000)]
    public async Task Patrols_and_problems_are_listed_with_their_places_and_events()
    {
        await using var server = await StartWithGridAsync();
        using var http = server.Http();
        var sha = new string('b', 64);
        await Ingest(server).CommitAsync(new Batch("gw-alpha", Streams.Uploads, 1,
        [
            Patrol("pa-1", "li.na", VillageA1, T0, sha),
            Problem("pr-1", "li.na", VillageA1, T0.AddMinutes(30), ProblemCategory.Dust, sha),
            Problem("pr-2", "zhao.lei", VillageA2, T0.AddMinutes(50), ProblemCategory.StrawBurning),
            Patrol("pa-2", "sun.li", VillageB1, T0.AddHours(2)),
        ]), Ct);

        var patrols = await http.GetFromJsonAsync<JsonElement>($"/api/patrols?grid={TownA}", Ct);
        var patrol = patrols.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("pa-1", patrol.GetProperty("recordId").GetString());
        Assert.Equal(["key_point", "enterprise", "other"], patrol.GetProperty("places").EnumerateArray().Select(p => p.GetProperty("kind").GetString()));
        Assert.Equal(2, patrol.GetProperty("track").GetArrayLength());
        Assert.Equal(sha, patrol.GetProperty("attachments")[0].GetString());
        Assert.Equal(2, (await http.GetFromJsonAsync<JsonElement>($"/api/patrols?grid={Lixia}", Ct)).GetProperty("items").GetArrayLength());

        var problems = await http.GetFromJsonAsync<JsonElement>($"/api/problems?grid={TownA}&category=straw_burning", Ct);
        var problem = problems.GetProperty("items").EnumerateArray().Single();
        Assert.Equal(("pr-2", "reported", "straw_burning"), (problem.GetProperty("recordId").GetString(), problem.GetProperty("state").GetString(), problem.GetProperty("category").GetString()));
        Assert.Equal(2, (await http.GetFromJsonAsync<JsonElement>("/api/problems?state=reported", Ct)).GetProperty("items").GetArrayLength());
        Assert.Empty((await http.GetFromJsonAsync<JsonElement>("/api/problems?state=closed", Ct)).GetProperty("items").EnumerateArray());
        Assert.Equal("pr-1", (await http.GetFromJsonAsync<JsonElement>("/api/problems?member=li.na", Ct)).GetProperty("items")[0].GetProperty("recordId").GetString());
        var paged = await http.GetFromJsonAsync<JsonElement>("/api/problems?limit=1", Ct);
        var second = await http.GetFromJsonAsync<JsonElement>($"/api/problems?limit=1&cursor={paged.GetProperty("nextCursor").GetString()}", Ct);
        Assert.Equal("pr-2", second.GetProperty("items")[0].GetProperty("recordId").GetString());

        var id = problem.GetProperty("id").GetInt64();
        var one = await http.GetFromJsonAsync<JsonElement>($"/api/problems/{id}", Ct);
        var reported = one.GetProperty("events").EnumerateArray().Single();
        Assert.Equal((0, "reported", "reported", "zhao.lei"), (reported.GetProperty("n").GetInt32(), reported.GetProperty("action").GetString(),
            reported.GetProperty("toState").GetString(), reported.GetProperty("by").GetString()));

        await AssertBadAsync(http, "/api/problems/999", "id", HttpStatusCode.NotFound);
        await AssertBadAsync(http, "/api/problems/abc", "id");
        await AssertBadAsync(http, "/api/problems?state=open", "state");
        await AssertBadAsync(http, "/api/problems?category=smoke", "category");
        await AssertBadAsync(http, "/api/problems?gateway=gw-alpha", "gateway");
    }

    [Fact(Timeout = 60_000)]
    public async Task Only_a_complete_verified_attachment_is_served()
    {
        await using var server = await StartWithGridAsync();
        using var http = server.Http();
        var photo = new byte[70_000];
        new Random(11).NextBytes(photo);
        var chunks = Chunks(photo, 32_000);
        var broken = (byte[])photo.Clone();
        broken[5] ^= 1;
        var brokenSha = Sha(photo.Reverse().ToArray());

        await Ingest(server).CommitAsync(new Batch("gw-alpha", Streams.Attachments, 1, [chunks[2], chunks[0]]), Ct);
        await AssertBadAsync(http, $"/api/attachments/{chunks[0].Sha256}", "sha256", HttpStatusCode.NotFound);
        using (var partial = await http.GetAsync($"/api/attachments/{chunks[0].Sha256}", Ct))
            Assert.Contains("38000 of 70000 bytes", (await JsonAsync(partial)).GetProperty("expected").GetString());

        await Ingest(server).CommitAsync(new Batch("gw-alpha", Streams.Attachments, 3, [chunks[1]]), Ct);
        using (var served = await http.GetAsync($"/api/attachments/{chunks[0].Sha256}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("image/jpeg", served.Content.Headers.ContentType!.MediaType);
            Assert.Equal(photo, await served.Content.ReadAsByteArrayAsync(Ct));
        }
        // A stored photo damaged on disk afterwards is no longer served (a clear 404, not a 5xx), and counted.
        var stored = Path.Combine(Path.GetDirectoryName(server.LedgerPath)!, "attachments", chunks[0].Sha256);
        var damaged = await File.ReadAllBytesAsync(stored, Ct);
        damaged[100] ^= 1;
        await File.WriteAllBytesAsync(stored, damaged, Ct);
        using (var rotten = await http.GetAsync($"/api/attachments/{chunks[0].Sha256}", Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, rotten.StatusCode);
            Assert.Contains("still hash to its SHA-256", (await JsonAsync(rotten)).GetProperty("expected").GetString());
        }
        Assert.Equal(1L, Ingest(server).Attachments.CorruptOnRead);

        await Ingest(server).CommitAsync(new Batch("gw-alpha", Streams.Attachments, 4, Chunks(broken, 32_000, brokenSha).ToArray<Record>()), Ct);
        using (var corrupt = await http.GetAsync($"/api/attachments/{brokenSha}", Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, corrupt.StatusCode);
            Assert.Contains("failed SHA-256 verification", (await JsonAsync(corrupt)).GetProperty("expected").GetString());
        }
        await AssertBadAsync(http, $"/api/attachments/{new string('c', 64)}", "sha256", HttpStatusCode.NotFound);
        await AssertBadAsync(http, "/api/attachments/ABC", "sha256");
    }

    private static T Decode<T>(MQTTnet.MqttApplicationMessage message) where T : IWireMessage
    {
        var decoded = WireCodec.Decode(System.Buffers.BuffersExtensions.ToArray(message.Payload));
        Assert.True(decoded.Ok, decoded.Error?.ToString());
        return Assert.IsType<T>(decoded.Value);
    }
}
