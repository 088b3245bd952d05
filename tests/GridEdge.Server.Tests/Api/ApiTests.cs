using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Tests.Support;

namespace GridEdge.Server.Tests.Api;

/// <summary>The HTTP API of the real host on a free loopback port.</summary>
public sealed class ApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 60_000)]
    [InlineData("limit=0", "limit", "from 1 to 1000")]
    [InlineData("limit=1001", "limit", "from 1 to 1000")]
    [InlineData("limit=ten", "limit", "from 1 to 1000")]
    [InlineData("from=yesterday", "from", "ISO 8601")]
    [InlineData("to=2025-13-01T00:00:00Z", "to", "ISO 8601")]
    [InlineData("from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z", "to", "after from")]
    [InlineData("quantity=pm25", "quantity", "pm2_5")]
    [InlineData("gateway=GW%20ONE", "gateway", "a-z")]
    [InlineData("cursor=abc", "cursor", "nextCursor")]
    [InlineData("limt=5", "limt", "limit")]
    public async Task Bad_readings_parameter_is_a_400_naming_the_field_value_and_expectation(string query, string field, string expected)
    {
        await using var server = await RunningServer.StartAsync();
        using var http = server.Http();

        using var response = await http.GetAsync("/api/readings?" + query, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(field, body.GetProperty("field").GetString());
        var error = body.GetProperty("error").GetString()!;
        Assert.Contains(field, error);
        Assert.Contains(expected, error);
        if (field == "quantity") Assert.All(Quantities.All, q => Assert.Contains(q, error));
    }

    [Fact(Timeout = 60_000)]
    public async Task Readings_page_through_every_stored_reading_once_with_filters()
    {
        await using var server = await RunningServer.StartAsync();
        await server.Ledger.Readings.CommitBatchAsync(Samples.Readings("gw-alpha", 1, 120), Ct);
        await server.Ledger.Readings.CommitBatchAsync(Samples.Readings("gw-beta", 1, 30), Ct);
        using var http = server.Http();

        var seqs = new List<long>();
        string? cursor = null;
        do
        {
            var url = "/api/readings?gateway=gw-alpha&limit=50" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await http.GetFromJsonAsync<JsonElement>(url, Ct);
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                Assert.Equal("gw-alpha", item.GetProperty("gateway").GetString());
                seqs.Add(item.GetProperty("seq").GetInt64());
            }
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        Assert.Equal(Enumerable.Range(1, 120).Select(i => (long)i), seqs);

        var filtered = await http.GetFromJsonAsync<JsonElement>("/api/readings?quantity=pm10&from=2025-03-01T08:00:00Z&to=2025-03-01T08:30:00Z&limit=1000", Ct);
        var items = filtered.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(20, items.Count); // seq 3, 6, ..., 30 of both gateways
        Assert.All(items, i => Assert.Equal("pm10", i.GetProperty("quantity").GetString()));
        Assert.Equal(JsonValueKind.Null, filtered.GetProperty("nextCursor").ValueKind);
        var window = items[0].GetProperty("window");
        Assert.Equal(60, window.GetProperty("windowSeconds").GetInt32());
        Assert.Equal("network_synced", items[0].GetProperty("clock").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Gateways_list_last_sequence_gaps_and_status()
    {
        await using var server = await RunningServer.StartAsync();
        await server.Ledger.Gateways.RecordStatusAsync(Samples.Status("gw-alpha", GatewayState.Online, DateTimeOffset.UtcNow), Ct);
        await server.Ledger.Readings.CommitBatchAsync(Samples.Readings("gw-alpha", 1, 10), Ct);
        await server.Ledger.Readings.CommitBatchAsync(Samples.Readings("gw-alpha", 16, 5), Ct);
        using var http = server.Http();

        var gateways = await http.GetFromJsonAsync<JsonElement>("/api/gateways", Ct);
        var alpha = gateways.EnumerateArray().Single(g => g.GetProperty("id").GetString() == "gw-alpha");
        Assert.True(alpha.GetProperty("online").GetBoolean());
        Assert.Equal(20, alpha.GetProperty("lastSeq").GetProperty("readings").GetInt64());
        Assert.Equal(1, alpha.GetProperty("gapCount").GetInt64());
        Assert.Equal("0.1.0", alpha.GetProperty("softwareVersion").GetString());
        Assert.Equal("cfg-7", alpha.GetProperty("configVersion").GetString());
        Assert.Equal("3f2b8c1e-0000-4000-8000-00000000abcd", alpha.GetProperty("bootId").GetString());

        var gaps = await http.GetFromJsonAsync<JsonElement>("/api/gateways/gw-alpha/gaps?stream=readings", Ct);
        var gap = Assert.Single(gaps.GetProperty("gaps").EnumerateArray().ToList());
        Assert.Equal((11, 15), (gap.GetProperty("from").GetInt64(), gap.GetProperty("to").GetInt64()));

        using var unknownStream = await http.GetAsync("/api/gateways/gw-alpha/gaps?stream=telemetry", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknownStream.StatusCode);
        Assert.Equal("stream", (await unknownStream.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("field").GetString());
        using var unknownGateway = await http.GetAsync("/api/gateways/gw-nobody/gaps", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknownGateway.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Health_reports_ledger_broker_and_counters()
    {
        await using var server = await RunningServer.StartAsync();
        using var http = server.Http();

        var health = await http.GetFromJsonAsync<JsonElement>("/health", Ct);
        var metrics = await http.GetFromJsonAsync<JsonElement>("/api/ingest/metrics", Ct);

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("ledger").GetProperty("reachable").GetBoolean());
        Assert.Equal("embedded", health.GetProperty("broker").GetProperty("mode").GetString());
        Assert.True(health.GetProperty("broker").GetProperty("running").GetBoolean());
        Assert.Equal(0, health.GetProperty("ingest").GetProperty("batches").GetInt64());
        Assert.Equal(0, metrics.GetProperty("rejected").GetProperty("decodeError").GetInt64());
    }

    [Theory(Timeout = 60_000)]
    [InlineData("/api/alerts?state=pending", "state", "open, closed or all")]
    [InlineData("/api/alerts?severity=high", "severity", "critical")]
    [InlineData("/api/alerts?kind=fire", "kind", "straw_burning")]
    [InlineData("/api/alerts?limit=0", "limit", "from 1 to 1000")]
    [InlineData("/api/alerts?cursor=abc", "cursor", "nextCursor")]
    [InlineData("/api/alerts?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z", "to", "after from")]
    [InlineData("/api/alerts?gateway=GW%20ONE", "gateway", "a-z")]
    [InlineData("/api/alerts?sate=open", "sate", "state")]
    [InlineData("/api/alerts/response-times?week=2026-48", "week", "ISO week")]
    [InlineData("/api/alerts/response-times?weeks=2026-W48", "weeks", "week")]
    public async Task Bad_alerts_parameter_is_a_400_naming_the_field(string url, string field, string expected)
    {
        await using var server = await RunningServer.StartAsync();
        using var http = server.Http();

        using var response = await http.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(field, body.GetProperty("field").GetString());
        Assert.Contains(expected, body.GetProperty("error").GetString()!);
    }

    [Fact(Timeout = 60_000)]
    public async Task Alerts_list_open_first_and_response_times_are_reported_per_gateway_and_week()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:Alerts:UtcOffset"] = "+08:00" });
        var raised = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.FromHours(8));
        Alert T(string id, AlertState state, DateTimeOffset at, string? by = null) =>
            new(id, "dust-pm10", AlertKind.Dust, state, AlertSeverity.Warning, "pms-1", Quantities.Pm10, [new AlertValue("mean", 180)], at, ClockQuality.NetworkSynced, by);
        await server.Ledger.Alerts.CommitAlertsAsync(new Batch("gw-alpha", Streams.Alerts, 1,
        [
            T("old", AlertState.Raised, raised),
            T("old", AlertState.Acknowledged, raised.AddMinutes(20), "button"),
            T("old", AlertState.Cleared, raised.AddMinutes(50)),
            T("new", AlertState.Raised, raised.AddHours(1)),
        ]), Ct);
        using var http = server.Http();

        var page = await http.GetFromJsonAsync<JsonElement>("/api/alerts?gateway=gw-alpha", Ct);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["new", "old"], items.Select(i => i.GetProperty("alertId").GetString()));
        Assert.Equal("raised", items[0].GetProperty("state").GetString());
        Assert.Equal("cleared", items[1].GetProperty("state").GetString());
        Assert.Equal("dust", items[1].GetProperty("kind").GetString());
        Assert.Equal(20, items[1].GetProperty("responseMinutes").GetDouble());
        Assert.Equal("button", items[1].GetProperty("acknowledgedBy").GetString());
        var closed = await http.GetFromJsonAsync<JsonElement>("/api/alerts?state=closed&severity=warning&kind=dust", Ct);
        Assert.Equal("old", Assert.Single(closed.GetProperty("items").EnumerateArray().ToList()).GetProperty("alertId").GetString());

        var times = await http.GetFromJsonAsync<JsonElement>("/api/alerts/response-times?gateway=gw-alpha&week=2026-W48", Ct);
        var week = Assert.Single(times.GetProperty("items").EnumerateArray().ToList());
        Assert.Equal(("gw-alpha", "2026-W48", 2, 1), (week.GetProperty("gateway").GetString(), week.GetProperty("week").GetString(),
            week.GetProperty("count").GetInt32(), week.GetProperty("acknowledged").GetInt32()));
        Assert.Equal((20.0, 1, 1), (week.GetProperty("medianMinutes").GetDouble(), week.GetProperty("met").GetInt32(), week.GetProperty("missed").GetInt32()));
        Assert.Equal("08:30-17:30", times.GetProperty("rule").GetProperty("workingHours").GetString());
        var empty = await http.GetFromJsonAsync<JsonElement>("/api/alerts/response-times?week=2026-W47", Ct);
        Assert.Empty(empty.GetProperty("items").EnumerateArray());
    }
}
