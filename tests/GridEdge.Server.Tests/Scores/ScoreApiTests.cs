using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Server.Tests.Problems;
using GridEdge.Server.Tests.Support;
using GridEdge.Server.Users;
using static GridEdge.Server.Tests.Scores.ScoreScenario;

namespace GridEdge.Server.Tests.Scores;

/// <summary>The scores over HTTP: registers kept with their evidence and audited, scopes, and a published score frozen.</summary>
public sealed class ScoreApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Other = "370202001001";

    [Fact(Timeout = 60_000)]
    public async Task A_register_entry_keeps_its_evidence_is_audited_and_stays_in_its_grid()
    {
        await using var server = await RunningServer.StartAsync();
        var township = await server.UserAsync("u-town", Roles.Township, T);
        await server.GridsAsync(V1, Other);
        using var http = server.Http(township.ApiKey);
        var sha = new string('a', 64);

        using var added = await http.PostAsJsonAsync("/api/scores/registers/meeting",
            new { date = "2026-08-20", grid = T, attendees = new[] { "王镇长", "李站长" }, minutes = "研究秸秆禁烧", photoSha256 = sha }, Ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var entry = await added.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(("meeting", T, "2026-08-20", sha, "u-town"), (entry.GetProperty("kind").GetString(), entry.GetProperty("grid").GetString(),
            entry.GetProperty("date").GetString(), entry.GetProperty("photoSha256").GetString(), entry.GetProperty("by").GetString()));

        // A wrong field is named; another township's grid does not exist for this user.
        using (var bad = await http.PostAsJsonAsync("/api/scores/registers/meeting", new { date = "2026-08-20", grid = T, attendees = Array.Empty<string>(), minutes = "x" }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("attendees", (await bad.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("field").GetString());
        }
        using (var bad = await http.PostAsJsonAsync("/api/scores/registers/party", new { date = "2026-08-20", grid = T, attendees = new[] { "王" }, minutes = "x" }, Ct))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var outside = await http.PostAsJsonAsync("/api/scores/registers/training", new { date = "2026-08-20", grid = Other, attendees = new[] { "王" }, minutes = "x" }, Ct))
            Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);

        var listed = await http.GetFromJsonAsync<JsonElement>("/api/scores/registers/meeting?period=2026-Q3", Ct);
        Assert.Equal([entry.GetProperty("id").GetInt64()], listed.EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
        Assert.Empty((await http.GetFromJsonAsync<JsonElement>("/api/scores/registers/meeting?period=2026-Q4", Ct)).EnumerateArray());
        var audit = await server.Http().GetFromJsonAsync<JsonElement>("/api/audit?action=scores.register.add", Ct);
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("actor").GetString() == "u-town" && e.GetProperty("grid").GetString() == T);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_published_score_is_frozen_signed_audited_and_read_by_the_grids_beneath()
    {
        await using var server = await RunningServer.StartAsync();
        using var rows = new GridRows(server.LedgerPath);
        Seed(rows);
        var county = await server.UserAsync("u-county", Roles.County, County);
        var township = await server.UserAsync("u-town", Roles.Township, T);
        using var countyHttp = server.Http(county.ApiKey);
        using var townHttp = server.Http(township.ApiKey);

        var before = await countyHttp.GetFromJsonAsync<JsonElement>($"/api/scores?grid={County}&period={Quarter}&sheet=village-002", Ct);
        Assert.False(before.TryGetProperty("published", out _));
        // The villages under 002's sheet: V2 loses 1 (open past deadline) + 1 (fire point) + 2 (uncoded) = 8; V1 loses 1.5 (3 weeks) + 1 + 1 (late, missed complaint) = 8.5.
        var totals = before.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("grid").GetString()!, r => r.GetProperty("total").GetDecimal());
        Assert.Equal(8.5m, totals[V1]);
        Assert.Equal(8m, totals[V2]);

        // A township official may not publish; the county does, once.
        using (var refused = await townHttp.PostAsJsonAsync("/api/scores/publish", new { grid = T, period = Quarter, sheet = "village-002" }, Ct))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var published = await countyHttp.PostAsJsonAsync("/api/scores/publish", new { grid = County, period = Quarter, sheet = "village-002" }, Ct);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var body = await published.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var signature = body.GetProperty("published").GetProperty("sha256").GetString();
        Assert.Equal("u-county", body.GetProperty("published").GetProperty("by").GetString());
        Assert.Matches("^[0-9a-f]{64}$", signature);
        using (var again = await countyHttp.PostAsJsonAsync("/api/scores/publish", new { grid = County, period = Quarter, sheet = "village-002" }, Ct))
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using (var notEnded = await countyHttp.PostAsJsonAsync("/api/scores/publish", new { grid = County, period = "2099-Q1", sheet = "village-002" }, Ct))
            Assert.Equal(HttpStatusCode.BadRequest, notEnded.StatusCode);

        // A record arriving afterwards (V1's missed weeks now patrolled) changes the live figures, not the published ones.
        foreach (var day in new[] { 4, 11, 18 }) rows.Patrol(V1, "m1", GridRows.Cn(2026, 8, day, 10));
        var live = await countyHttp.GetFromJsonAsync<JsonElement>($"/api/scores?grid={County}&period={Quarter}&sheet=village-002&live=true", Ct);
        Assert.Equal(10m, live.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("grid").GetString() == V1).GetProperty("total").GetDecimal());
        var frozen = await countyHttp.GetFromJsonAsync<JsonElement>($"/api/scores?grid={County}&period={Quarter}&sheet=village-002", Ct);
        Assert.Equal(signature, frozen.GetProperty("published").GetProperty("sha256").GetString());
        Assert.Equal(8.5m, frozen.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("grid").GetString() == V1).GetProperty("total").GetDecimal());

        // The township reads the county's published scores cut to its own villages; the list shows the publication.
        var mine = await townHttp.GetFromJsonAsync<JsonElement>($"/api/scores?grid={County}&period={Quarter}&sheet=village-002", Ct);
        Assert.Equal(T, mine.GetProperty("grid").GetString());
        Assert.Equal(signature, mine.GetProperty("published").GetProperty("sha256").GetString());
        Assert.Equal([V1, V2], mine.GetProperty("ranking").EnumerateArray().Select(r => r.GetProperty("grid").GetString()));
        var list = await townHttp.GetFromJsonAsync<JsonElement>("/api/scores/published", Ct);
        Assert.Empty(list.EnumerateArray());
        list = await countyHttp.GetFromJsonAsync<JsonElement>("/api/scores/published", Ct);
        Assert.Equal([(County, Quarter, "village-002")], list.EnumerateArray().Select(p => (p.GetProperty("grid").GetString(), p.GetProperty("period").GetString(),
            p.GetProperty("sheet").GetString())));
        var audit = await server.Http().GetFromJsonAsync<JsonElement>("/api/audit?action=scores.publish", Ct);
        Assert.Single(audit.GetProperty("items").EnumerateArray());
    }
}
