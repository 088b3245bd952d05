using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Server.Tests.Problems;
using GridEdge.Server.Tests.Support;

namespace GridEdge.Server.Tests.Complaints;

/// <summary>The complaint register over HTTP on the real host: routing, the township fallback, scope, the contact, repeats and the response clock.</summary>
public sealed class ComplaintApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string TownA = "370102001000", VillageA1 = "370102001001", VillageA2 = "370102001002", TownB = "370102002000", VillageB1 = "370102002001";

    private static object Square(double lon, double lat) => new
    {
        type = "Polygon",
        coordinates = new[] { new[] { new[] { lon, lat }, new[] { lon + 0.01, lat }, new[] { lon + 0.01, lat + 0.01 }, new[] { lon, lat + 0.01 }, new[] { lon, lat } } },
    };

    private static async Task<RunningServer> StartAsync()
    {
        var server = await RunningServer.StartAsync(extension: new FixedResponseLimit());
        using var admin = server.Http();
        var document = new
        {
            grids = new object[]
            {
                new { code = "370100000000", name = "济南市" }, new { code = "370102000000", name = "历下区" },
                new { code = TownA, name = "甲镇" }, new { code = TownB, name = "乙镇" },
                new { code = VillageA1, name = "甲一村", boundary = Square(117.00, 36.60) },
                new { code = VillageA2, name = "甲二村", boundary = Square(117.01, 36.60) },
                new { code = VillageB1, name = "乙一村", boundary = Square(117.05, 36.60) },
            },
        };
        using var put = await admin.PutAsJsonAsync("/api/grids", document, Ct);
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync(Ct));
        return server;
    }

    private static object Complaint(double? lat, double? lon, string? address = null, string category = "dust", DateTimeOffset? receivedAt = null) => new
    {
        receivedAt = receivedAt?.ToString("O"),
        channel = "hotline",
        latitude = lat,
        longitude = lon,
        address,
        category,
        description = "工地夜间扬尘",
        contact = new { name = "王先生", phone = "13800000000" },
    };

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient http, object body)
    {
        using var response = await http.PostAsJsonAsync("/api/complaints", body, Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Complaint_routes_to_the_village_containing_it_else_to_the_callers_township_and_not_into_another_township()
    {
        await using var server = await StartAsync();
        using var township = server.Http((await server.UserAsync("town-a", "township", TownA)).ApiKey);

        var (status, body) = await PostAsync(township, Complaint(36.605, 117.015));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(VillageA2, body.GetProperty("grid").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("repeatOf").ValueKind);

        (status, body) = await PostAsync(township, Complaint(36.70, 117.30));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(TownA, body.GetProperty("grid").GetString());

        (status, body) = await PostAsync(township, Complaint(null, null, address: "甲镇集市东口", category: "garbage"));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(TownA, body.GetProperty("grid").GetString());

        // A point in another township's village is not the caller's to take.
        (status, body) = await PostAsync(township, Complaint(36.605, 117.055));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("latitude", body.GetProperty("field").GetString());

        // A caller without a township cannot take a complaint outside every village.
        (status, body) = await PostAsync(server.Http(), Complaint(36.70, 117.30));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("latitude", body.GetProperty("field").GetString());
        // An administrator routes a point inside any village.
        (status, body) = await PostAsync(server.Http(), Complaint(36.605, 117.055));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(VillageB1, body.GetProperty("grid").GetString());

        (status, body) = await PostAsync(township, new { channel = "fax", category = "dust", description = "x", address = "某地" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("channel", body.GetProperty("field").GetString());

        var audit = await server.Http().GetFromJsonAsync<JsonElement>("/api/audit?action=complaint.receive", Ct);
        Assert.Equal(4, audit.GetProperty("items").GetArrayLength());
    }

    [Fact(Timeout = 60_000)]
    public async Task Contact_is_shown_to_the_township_and_hidden_from_a_village_member_and_a_repeat_is_linked_to_the_earlier_complaint()
    {
        await using var server = await StartAsync();
        using var township = server.Http((await server.UserAsync("town-a", "township", TownA)).ApiKey);
        using var member = server.Http((await server.UserAsync("member-a1", "village_member", VillageA1)).ApiKey);

        var (_, first) = await PostAsync(township, Complaint(36.605, 117.005));
        var (_, repeat) = await PostAsync(township, Complaint(36.606, 117.006));
        var (_, otherCategory) = await PostAsync(township, Complaint(36.606, 117.006, category: "garbage"));
        var id = first.GetProperty("id").GetInt64();
        Assert.Equal(id, repeat.GetProperty("repeatOf").GetInt64());
        Assert.Equal(JsonValueKind.Null, otherCategory.GetProperty("repeatOf").ValueKind);

        var seen = await township.GetFromJsonAsync<JsonElement>($"/api/complaints/{id}", Ct);
        Assert.Equal("13800000000", seen.GetProperty("contact").GetProperty("phone").GetString());
        var hidden = await member.GetFromJsonAsync<JsonElement>($"/api/complaints/{id}", Ct);
        Assert.Equal(VillageA1, hidden.GetProperty("grid").GetString());
        Assert.False(hidden.TryGetProperty("contact", out _));
        var listed = await member.GetFromJsonAsync<JsonElement>("/api/complaints", Ct);
        Assert.Equal(3, listed.GetProperty("items").GetArrayLength());
        Assert.All(listed.GetProperty("items").EnumerateArray(), c => Assert.False(c.TryGetProperty("contact", out _)));

        // A village member of another village sees neither the complaint nor it in the listing.
        using var other = server.Http((await server.UserAsync("member-a2", "village_member", VillageA2)).ApiKey);
        using var response = await other.GetAsync($"/api/complaints/{id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>($"/api/complaints?grid={VillageA1}", Ct)).GetProperty("items").GetArrayLength());
    }

    [Fact(Timeout = 60_000)]
    public async Task Response_clock_is_met_by_a_check_in_before_the_limit_missed_after_it_or_without_one_and_pending_until_then()
    {
        await using var server = await StartAsync();
        using var township = server.Http((await server.UserAsync("town-a", "township", TownA)).ApiKey);
        using var rows = new GridRows(server.LedgerPath);
        var earlier = DateTimeOffset.UtcNow.AddHours(-3);

        var met = (await PostAsync(township, Complaint(36.605, 117.005, receivedAt: earlier))).Body.GetProperty("id").GetInt64();
        var late = (await PostAsync(township, Complaint(36.605, 117.015, receivedAt: earlier))).Body.GetProperty("id").GetInt64();
        var never = (await PostAsync(township, Complaint(36.70, 117.30, receivedAt: earlier))).Body.GetProperty("id").GetInt64();
        var pending = (await PostAsync(township, Complaint(36.605, 117.005, category: "garbage"))).Body.GetProperty("id").GetInt64();
        // A check-in before the receipt does not count; the first one after it does.
        rows.CheckIn(VillageA1, "m-a1", earlier.AddMinutes(-5));
        rows.CheckIn(VillageA1, "m-a1", earlier.AddMinutes(20));
        rows.CheckIn(VillageA2, "m-a2", earlier.AddMinutes(-5));
        rows.CheckIn(VillageA2, "m-a2", earlier.AddMinutes(50));

        async Task<JsonElement> Get(long id) => await township.GetFromJsonAsync<JsonElement>($"/api/complaints/{id}", Ct);
        var m = await Get(met);
        Assert.Equal("met", m.GetProperty("response").GetString());
        Assert.Equal(earlier.AddMinutes(20).ToUnixTimeMilliseconds(), m.GetProperty("arrivedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(earlier.AddMinutes(30).ToUnixTimeMilliseconds(), m.GetProperty("dueAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal("missed", (await Get(late)).GetProperty("response").GetString());
        // Routed to the township (outside every village): nobody checked in there, and the limit has passed.
        var n = await Get(never);
        Assert.Equal(TownA, n.GetProperty("grid").GetString());
        Assert.Equal("missed", n.GetProperty("response").GetString());
        Assert.Equal(JsonValueKind.Null, n.GetProperty("arrivedAt").ValueKind);
        var p = await Get(pending);
        Assert.Equal("pending", p.GetProperty("response").GetString());
        Assert.Equal(JsonValueKind.Null, p.GetProperty("arrivedAt").ValueKind);

        var listed = await township.GetFromJsonAsync<JsonElement>($"/api/complaints?grid={VillageA1}", Ct);
        Assert.Equal(["met", "pending"], listed.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("response").GetString()));
    }

    [Fact(Timeout = 60_000)]
    public async Task Week_figures_count_met_missed_and_pending_per_township_with_repeats_replies_and_visits_and_a_visit_before_a_reply_is_refused()
    {
        await using var server = await StartAsync();
        using var townA = server.Http((await server.UserAsync("town-a", "township", TownA)).ApiKey);
        using var townB = server.Http((await server.UserAsync("town-b", "township", TownB)).ApiKey);
        using var county = server.Http((await server.UserAsync("county", "county", "370102000000")).ApiKey);
        using var member = server.Http((await server.UserAsync("member-a1", "village_member", VillageA1)).ApiKey);
        using var rows = new GridRows(server.LedgerPath);
        var now = DateTimeOffset.UtcNow;
        var week = GridEdge.Server.Periods.PeriodRules.Default.Containing(GridEdge.Server.Periods.PeriodKind.Week, now);
        // Within this week whenever the test runs: met and missed by when a member arrived, pending by being recent.
        var earlier = now.AddHours(-3) > week.From ? now.AddHours(-3) : week.From;
        var recent = now.AddMinutes(-1) > week.From ? now.AddMinutes(-1) : week.From;
        async Task<long> Receive(HttpClient http, double lat, double lon, DateTimeOffset at, string category = "dust") =>
            (await PostAsync(http, Complaint(lat, lon, category: category, receivedAt: at))).Body.GetProperty("id").GetInt64();

        var met = await Receive(townA, 36.605, 117.005, earlier);
        var repeat = await Receive(townA, 36.606, 117.006, earlier);
        var missed = await Receive(townA, 36.605, 117.015, earlier);
        var pending = await Receive(townA, 36.70, 117.30, recent, "garbage");
        var missedB = await Receive(townB, 36.605, 117.055, earlier);
        var lastWeek = await Receive(townB, 36.70, 117.30, week.From.AddHours(-2));
        rows.CheckIn(VillageA1, "m-a1", earlier.AddMinutes(20));
        rows.CheckIn(VillageA2, "m-a2", earlier.AddMinutes(50));
        rows.CheckIn(VillageB1, "m-b1", earlier.AddMinutes(45));

        async Task<(HttpStatusCode Status, JsonElement Body)> Step(HttpClient http, long id, string step, object body)
        {
            using var response = await http.PostAsJsonAsync($"/api/complaints/{id}/{step}", body, Ct);
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
        }
        var (status, refused) = await Step(townA, missed, "visit", new { satisfaction = "satisfied" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("step", refused.GetProperty("field").GetString());
        Assert.Contains("has not been replied to (答复) yet", refused.GetProperty("error").GetString());
        Assert.Contains($"/api/complaints/{missed}/reply", refused.GetProperty("expected").GetString());
        using (var forbidden = await member.PostAsJsonAsync($"/api/complaints/{met}/reply", new { text = "已处理", method = "phone" }, Ct))
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Step(townA, missedB, "reply", new { text = "已处理", method = "phone" })).Status);
        (status, var bad) = await Step(townA, met, "reply", new { text = "已处理", method = "fax" });
        Assert.Equal((HttpStatusCode.BadRequest, "method"), (status, bad.GetProperty("field").GetString()));

        (status, var reply) = await Step(townA, met, "reply", new { text = "已责令工地覆盖裸土", method = "phone" });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(("答复", "电话"), (reply.GetProperty("stepName").GetString(), reply.GetProperty("methodName").GetString()));
        Assert.Equal(HttpStatusCode.Created, (await Step(townA, met, "visit", new { satisfaction = "dissatisfied", note = "夜间仍有扬尘" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await Step(townA, repeat, "reply", new { text = "已转住建部门", method = "sms" })).Status);

        var one = await townA.GetFromJsonAsync<JsonElement>($"/api/complaints/{met}", Ct);
        Assert.Equal(1, one.GetProperty("repeats").GetInt32());
        Assert.Equal(["答复", "回访"], one.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("stepName").GetString()));
        Assert.Equal("不满意", one.GetProperty("steps")[1].GetProperty("satisfactionName").GetString());

        var figures = await county.GetFromJsonAsync<JsonElement>($"/api/complaints/figures?grid=370102000000&week={week.Name}", Ct);
        static int[] Counts(JsonElement r) => [.. new[] { "received", "met", "missed", "pending", "repeats", "replied", "visited", "dissatisfied" }
            .Select(n => r.GetProperty(n).GetInt32())];
        var townships = figures.GetProperty("townships").EnumerateArray().ToList();
        Assert.Equal([TownA, TownB], townships.Select(t => t.GetProperty("grid").GetString()));
        Assert.Equal([4, 2, 1, 1, 1, 2, 1, 1], Counts(townships[0]));
        Assert.Equal([1, 0, 1, 0, 0, 0, 0, 0], Counts(townships[1]));
        Assert.Equal([5, 2, 2, 1, 1, 2, 1, 1], Counts(figures.GetProperty("totals")));
        Assert.Equal(week.From, figures.GetProperty("periodFrom").GetDateTimeOffset());
        var missedList = figures.GetProperty("missed").EnumerateArray().ToList();
        Assert.Equal([missed, missedB], missedList.Select(m => m.GetProperty("id").GetInt64()));
        Assert.Equal(earlier.AddMinutes(50).ToUnixTimeMilliseconds(), missedList[0].GetProperty("arrivedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(earlier.AddMinutes(30).ToUnixTimeMilliseconds(), missedList[0].GetProperty("dueAt").GetDateTimeOffset().ToUnixTimeMilliseconds());

        // The week before, for township B by default: the complaint nobody arrived at is missed, with no arrival.
        var previous = GridEdge.Server.Periods.PeriodRules.Default.Containing(GridEdge.Server.Periods.PeriodKind.Week, week.From.AddMinutes(-1));
        var before = await townB.GetFromJsonAsync<JsonElement>($"/api/complaints/figures?week={previous.Name}", Ct);
        Assert.Equal(TownB, before.GetProperty("grid").GetString());
        var gone = Assert.Single(before.GetProperty("missed").EnumerateArray());
        Assert.Equal((lastWeek, JsonValueKind.Null), (gone.GetProperty("id").GetInt64(), gone.GetProperty("arrivedAt").ValueKind));
        using (var outside = await townB.GetAsync($"/api/complaints/figures?grid={TownA}", Ct)) Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);

        Assert.Equal(2, (await server.Http().GetFromJsonAsync<JsonElement>("/api/audit?action=complaint.reply", Ct)).GetProperty("items").GetArrayLength());
        Assert.Equal(1, (await server.Http().GetFromJsonAsync<JsonElement>("/api/audit?action=complaint.visit", Ct)).GetProperty("items").GetArrayLength());
    }
}
