using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Grid;
using GridEdge.Server.Ingest;
using GridEdge.Server.Tests.Grid;
using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static GridEdge.Server.Tests.Grid.TerminalSamples;

namespace GridEdge.Server.Tests.Api;

/// <summary>The shapes of the real host's listings: every stream of a gateway, newest-first readings, lists as {"items"}.</summary>
public sealed class ApiShapeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Gateways_list_every_stream_the_ledger_holds_and_gaps_agree_with_it()
    {
        await using var server = await RunningServer.StartAsync();
        var grid = server.App.Services.GetRequiredService<GridStore>();
        const string Gw = "gw-alpha";
        await server.Ledger.Readings.CommitBatchAsync(Samples.Readings(Gw, 1, 3), Ct);
        await server.Ledger.Alerts.CommitAlertsAsync(new Batch(Gw, Streams.Alerts, 2,
            [new Alert("a1", "dust-pm10", AlertKind.Dust, AlertState.Raised, AlertSeverity.Warning, "pms-1", Quantities.Pm10, [new AlertValue("mean", 180)],
                T0, ClockQuality.NetworkSynced)]), Ct);
        await server.Ledger.Commands.CommitCommandResultsAsync(new Batch(Gw, Streams.CommandResults, 1,
            [new CommandResult("c1", CommandNames.Silence, CommandOutcome.Ok, "silenced", T0, ClockQuality.NetworkSynced)]), Ct);
        await grid.CommitAsync(new Batch(Gw, Streams.CheckIns, 1,
            [CheckIn("ci-1", "li.na", GridSamples.VillageA1, T0), CheckIn("ci-2", "li.na", GridSamples.VillageA1, T0.AddHours(1))]), Ct);
        await grid.CommitAsync(new Batch(Gw, Streams.CheckIns, 5, [CheckIn("ci-5", "li.na", GridSamples.VillageA1, T0.AddHours(2))]), Ct);
        await grid.CommitAsync(new Batch(Gw, Streams.Uploads, 1,
            [Patrol("pa-1", "li.na", GridSamples.VillageA1, T0), Problem("pr-1", "li.na", GridSamples.VillageA1, T0)]), Ct);
        await grid.CommitAsync(new Batch(Gw, Streams.Attachments, 1, [.. Chunks(new byte[100], 60)]), Ct);
        using var http = server.Http();

        var alpha = (await http.GetFromJsonAsync<JsonElement>("/api/gateways", Ct)).EnumerateArray().Single(g => g.GetProperty("id").GetString() == Gw);

        var streams = alpha.GetProperty("streams").EnumerateArray().ToDictionary(s => s.GetProperty("stream").GetString()!,
            s => (LastSeq: s.GetProperty("lastSeq").GetInt64(), Stored: s.GetProperty("stored").GetInt64(), Gaps: s.GetProperty("gaps").GetInt64(),
                Missing: s.GetProperty("missing").GetInt64()));
        Assert.Equal(new Dictionary<string, (long, long, long, long)>
        {
            [Streams.Alerts] = (2, 1, 1, 1),
            [Streams.Attachments] = (2, 2, 0, 0),
            [Streams.CheckIns] = (5, 3, 1, 2),
            [Streams.CommandResults] = (1, 1, 0, 0),
            [Streams.Readings] = (3, 3, 0, 0),
            [Streams.Uploads] = (2, 2, 0, 0),
        }, streams);
        Assert.Equal(5, alpha.GetProperty("lastSeq").GetProperty(Streams.CheckIns).GetInt64());
        Assert.Equal(2, alpha.GetProperty("gapCount").GetInt64());

        // Each stream's gaps are the ranges its summary counts.
        foreach (var (stream, summary) in streams)
        {
            var gaps = await http.GetFromJsonAsync<JsonElement>($"/api/gateways/{Gw}/gaps?stream={stream}", Ct);
            Assert.Equal((summary.Gaps, summary.Missing), ((long)gaps.GetProperty("gaps").GetArrayLength(), gaps.GetProperty("missing").GetInt64()));
        }
        var checkInGap = Assert.Single((await http.GetFromJsonAsync<JsonElement>($"/api/gateways/{Gw}/gaps?stream=checkins", Ct)).GetProperty("gaps").EnumerateArray());
        Assert.Equal((3, 4), (checkInGap.GetProperty("from").GetInt64(), checkInGap.GetProperty("to").GetInt64()));
    }

    [Fact(Timeout = 60_000)]
    public async Task Readings_list_newest_first_with_order_desc_and_page_through_each_reading_once_in_either_order()
    {
        await using var server = await RunningServer.StartAsync();
        await server.Ledger.Readings.CommitBatchAsync(Samples.Readings("gw-alpha", 1, 45), Ct);
        await server.Ledger.Readings.CommitBatchAsync(Samples.Readings("gw-beta", 1, 45), Ct); // the same timestamps: the cursor breaks the ties
        using var http = server.Http();

        async Task<List<(DateTimeOffset At, string Gateway, long Seq)>> AllAsync(string order)
        {
            var seen = new List<(DateTimeOffset, string, long)>();
            string? cursor = null;
            do
            {
                var page = await http.GetFromJsonAsync<JsonElement>($"/api/readings?limit=7{order}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), Ct);
                seen.AddRange(page.GetProperty("items").EnumerateArray()
                    .Select(i => (i.GetProperty("timestamp").GetDateTimeOffset(), i.GetProperty("gateway").GetString()!, i.GetProperty("seq").GetInt64())));
                cursor = page.GetProperty("nextCursor").GetString();
            } while (cursor is not null);
            return seen;
        }

        var oldestFirst = await AllAsync("");
        Assert.Equal(oldestFirst, await AllAsync("&order=asc"));
        var newestFirst = await AllAsync("&order=desc");
        Assert.Equal(90, newestFirst.Count);
        Assert.Equal(90, newestFirst.Distinct().Count());
        Assert.Equal(Enumerable.Reverse(oldestFirst), newestFirst);
        Assert.Equal((Samples.T0.AddMinutes(44), "gw-beta", 45L), newestFirst[0]);

        var latest = await http.GetFromJsonAsync<JsonElement>("/api/readings?gateway=gw-alpha&order=desc&limit=1", Ct);
        Assert.Equal(45, latest.GetProperty("items")[0].GetProperty("seq").GetInt64());
    }

    [Theory(Timeout = 60_000)]
    [InlineData("order=newest", "asc (oldest first, the default) or desc (newest first)")]
    [InlineData("order=DESC", "asc (oldest first, the default) or desc (newest first)")]
    [InlineData("order=asc&order=desc", "order")]
    public async Task An_unknown_order_is_a_400_naming_the_parameter(string query, string expected)
    {
        await using var server = await RunningServer.StartAsync();
        using var http = server.Http();

        using var response = await http.GetAsync("/api/readings?" + query, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("order", body.GetProperty("field").GetString());
        Assert.Contains(expected, body.GetProperty("error").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_cursor_continues_only_a_listing_in_its_own_order()
    {
        await using var server = await RunningServer.StartAsync();
        await server.Ledger.Readings.CommitBatchAsync(Samples.Readings("gw-alpha", 1, 5), Ct);
        using var http = server.Http();
        var cursor = (await http.GetFromJsonAsync<JsonElement>("/api/readings?limit=2&order=desc", Ct)).GetProperty("nextCursor").GetString()!;

        using var response = await http.GetAsync("/api/readings?limit=2&cursor=" + Uri.EscapeDataString(cursor), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("cursor", body.GetProperty("field").GetString());
        Assert.Contains("order=desc", body.GetProperty("error").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Commands_key_points_and_enterprises_are_listed_as_items_with_a_cursor()
    {
        await using var server = await RunningServer.StartAsync();
        using var http = server.Http();
        using (var put = await http.PutAsJsonAsync("/api/grids", GridSamples.Document(), new JsonSerializerOptions(JsonSerializerDefaults.Web), Ct))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        foreach (var id in new[] { "kp-2", "kp-3" })
            using (var post = await http.PostAsJsonAsync($"/api/grids/{GridSamples.VillageA1}/key-points", new { id, name = "Point " + id }, Ct))
                Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        foreach (var (id, cls) in new[] { ("ent-2", "city_county"), ("ent-3", "province") })
            using (var post = await http.PostAsJsonAsync($"/api/grids/{GridSamples.VillageA1}/enterprises", new { id, name = "Works " + id, @class = cls }, Ct))
                Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        await server.Ledger.Gateways.RecordStatusAsync(Samples.Status("gw-alpha", GatewayState.Online, DateTimeOffset.UtcNow), Ct);
        for (var i = 0; i < 3; i++)
            await server.Ledger.Commands.RecordCommandAsync(new GridEdge.Server.Commands.IssuedCommand("gw-alpha", $"cmd-{i}", CommandNames.Silence, null, "duty", Samples.T0.AddMinutes(i)), Ct);

        async Task<List<string>> IdsAsync(string path, string idField)
        {
            var ids = new List<string>();
            string? cursor = null;
            do
            {
                var page = await http.GetFromJsonAsync<JsonElement>(path + (path.Contains('?') ? "&" : "?") + "limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), Ct);
                Assert.Equal(JsonValueKind.Object, page.ValueKind);
                ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(idField).GetString()!));
                cursor = page.GetProperty("nextCursor").GetString();
            } while (cursor is not null);
            return ids;
        }

        Assert.Equal(["cmd-2", "cmd-1", "cmd-0"], await IdsAsync("/api/gateways/gw-alpha/commands", "commandId"));
        Assert.Equal(["kp-1", "kp-2", "kp-3"], await IdsAsync($"/api/grids/{GridSamples.VillageA1}/key-points", "id"));
        Assert.Equal(["ent-1", "ent-2", "ent-3"], await IdsAsync($"/api/grids/{GridSamples.VillageA1}/enterprises", "id"));
        Assert.Equal(["ent-1", "ent-3"], await IdsAsync($"/api/grids/{GridSamples.VillageA1}/enterprises?class=province", "id"));

        foreach (var path in new[] { "/api/gateways/gw-alpha/commands", $"/api/grids/{GridSamples.VillageA1}/key-points", $"/api/grids/{GridSamples.VillageA1}/enterprises" })
        {
            using var bad = await http.GetAsync(path + "?cursor=abc", Ct);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("cursor", (await bad.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("field").GetString());
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Check_ins_of_a_replacing_store_are_listed_and_gaps_name_the_old_stores_lost_records()
    {
        await using var server = await RunningServer.StartAsync();
        var ingest = server.App.Services.GetRequiredService<IngestPipeline>();
        const string Gw = "gw-alpha";
        var oldStore = Guid.NewGuid();
        var newStore = Guid.NewGuid();
        async Task SendAsync(IWireMessage message, string topic) =>
            Assert.True((await ingest.HandleAsync(topic, WireCodec.Encode(message, WireFormat.Json), Ct)).Accepted);
        await SendAsync(new Batch(Gw, Streams.CheckIns, 1, [CheckIn("ci-1", "li.na", GridSamples.VillageA1, T0)], oldStore), Topics.Up(Gw, Streams.CheckIns));
        await SendAsync(new Batch(Gw, Streams.CheckIns, 3, [CheckIn("ci-3", "li.na", GridSamples.VillageA1, T0.AddHours(1))], oldStore), Topics.Up(Gw, Streams.CheckIns));

        // The data directory is wiped: a new store is born and numbers its check-ins from 1 again.
        await SendAsync(Samples.Status(Gw, GatewayState.Online, T0.AddHours(2)) with { StoreId = newStore }, Topics.Status(Gw));
        await SendAsync(new Batch(Gw, Streams.CheckIns, 1, [CheckIn("ci-new-1", "li.na", GridSamples.VillageA1, T0.AddHours(3))], newStore), Topics.Up(Gw, Streams.CheckIns));
        using var http = server.Http();

        var checkIns = await http.GetStringAsync($"/api/checkins?gateway={Gw}", Ct);
        var gaps = await http.GetFromJsonAsync<JsonElement>($"/api/gateways/{Gw}/gaps?stream=checkins", Ct);

        Assert.Contains("ci-new-1", checkIns, StringComparison.Ordinal);
        var gap = Assert.Single(gaps.GetProperty("gaps").EnumerateArray());
        Assert.Equal((2L, 2L, 1L, "store_replaced"),
            (gap.GetProperty("from").GetInt64(), gap.GetProperty("to").GetInt64(), gap.GetProperty("count").GetInt64(), gap.GetProperty("reason").GetString()));
    }
}
