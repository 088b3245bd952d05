using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridEdge.Edge.Alerts;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Commands;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Server.Tests.Commands;

/// <summary>Commands and configuration through the real host: HTTP API, embedded broker on loopback, SQLite ledger.</summary>
public sealed class CommandApiTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string AlertId = "dust-pm10|pms-1|pm10|1740816000000";

    private static async Task<(RunningServer Server, GatewayClient Gateway)> StartWithAlertAsync()
    {
        var server = await RunningServer.StartAsync();
        await server.Ledger.Alerts.CommitAlertsAsync(new Batch("gw-alpha", Streams.Alerts, 1,
        [
            new Alert(AlertId, "dust-pm10", AlertKind.Dust, AlertState.Raised, AlertSeverity.Warning, "pms-1", Quantities.Pm10,
                [new AlertValue("mean", 180)], Samples.T0, ClockQuality.NetworkSynced),
        ]), Ct);
        var gateway = await server.ConnectGatewayAsync("gw-alpha", Ct);
        Assert.Equal(MQTTnet.MqttClientSubscribeResultCode.GrantedQoS1, await gateway.SubscribeAsync(Topics.Command("gw-alpha"), Ct));
        return (server, gateway);
    }

    private static T Decode<T>(MQTTnet.MqttApplicationMessage message) where T : IWireMessage
    {
        var decoded = WireCodec.Decode(System.Buffers.BuffersExtensions.ToArray(message.Payload));
        Assert.True(decoded.Ok, decoded.Error?.ToString());
        return Assert.IsType<T>(decoded.Value);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    [Fact(Timeout = 60_000)]
    public async Task Acknowledge_publishes_a_command_and_the_result_shows_in_the_command_list()
    {
        var (server, gateway) = await StartWithAlertAsync();
        await using var _ = server;
        using var __ = gateway;
        // Signed by the caller: a name typed in the body is not what the ledger and the gateway record.
        using var http = server.Http((await server.UserAsync("li.na", "city", null)).ApiKey);

        using var response = await http.PostAsJsonAsync($"/api/alerts/gw-alpha/{Uri.EscapeDataString(AlertId)}/acknowledge", new { by = "someone-else" }, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var commandId = (await JsonAsync(response)).GetProperty("commandId").GetString()!;
        var message = gateway.Receive(TimeSpan.FromSeconds(5));
        Assert.Equal(Topics.Command("gw-alpha"), message.Topic);
        var command = Decode<Command>(message);
        Assert.Equal((commandId, CommandNames.Acknowledge, AlertId, "li.na"), (command.Id, command.Name, command.AlertId, command.By));

        // Before the answer: issued, no result.
        var listed = Assert.Single((await http.GetFromJsonAsync<JsonElement>("/api/gateways/gw-alpha/commands", Ct)).GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("result").ValueKind);

        var result = new CommandResult(commandId, CommandNames.Acknowledge, CommandOutcome.Ok, "acknowledged alert", Samples.T0.AddMinutes(5), ClockQuality.NetworkSynced);
        var published = await gateway.PublishAsync(Topics.Up("gw-alpha", Streams.CommandResults),
            WireCodec.Encode(new Batch("gw-alpha", Streams.CommandResults, 1, [result]), WireFormat.Binary), Ct);
        Assert.True(published.IsSuccess, published.ReasonString);

        listed = Assert.Single((await http.GetFromJsonAsync<JsonElement>("/api/gateways/gw-alpha/commands", Ct)).GetProperty("items").EnumerateArray());
        Assert.Equal((commandId, "acknowledge", AlertId, "li.na"),
            (listed.GetProperty("commandId").GetString(), listed.GetProperty("name").GetString(), listed.GetProperty("alertId").GetString(), listed.GetProperty("by").GetString()));
        Assert.Equal(("ok", "acknowledged alert"), (listed.GetProperty("result").GetProperty("outcome").GetString(), listed.GetProperty("result").GetProperty("detail").GetString()));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("GW ALPHA", AlertId, """{"by": "li.na"}""", HttpStatusCode.BadRequest, "gateway")]
    [InlineData("gw-beta", AlertId, """{"by": "li.na"}""", HttpStatusCode.NotFound, "gateway")]
    [InlineData("gw-alpha", "no-such-alert", """{"by": "li.na"}""", HttpStatusCode.NotFound, "alertId")]
    public async Task Bad_acknowledge_requests_name_the_field(string gateway, string alertId, string body, HttpStatusCode status, string field)
    {
        var (server, client) = await StartWithAlertAsync();
        await using var _ = server;
        using var __ = client;
        using var http = server.Http();

        using var response = await http.PostAsync($"/api/alerts/{Uri.EscapeDataString(gateway)}/{Uri.EscapeDataString(alertId)}/acknowledge",
            new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(field, (await JsonAsync(response)).GetProperty("field").GetString());
        Assert.Empty((await http.GetFromJsonAsync<JsonElement>("/api/gateways/gw-alpha/commands", Ct)).GetProperty("items").EnumerateArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task Silence_and_test_outputs_are_published_and_other_names_refused()
    {
        var (server, gateway) = await StartWithAlertAsync();
        await using var _ = server;
        using var __ = gateway;
        using var http = server.Http();

        foreach (var name in new[] { "silence", "test_outputs" })
        {
            using var response = await http.PostAsJsonAsync("/api/gateways/gw-alpha/commands", new { name }, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal(name, Decode<Command>(gateway.Receive(TimeSpan.FromSeconds(5))).Name);
        }
        using (var bad = await http.PostAsJsonAsync("/api/gateways/gw-alpha/commands", new { name = "reboot" }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("name", (await JsonAsync(bad)).GetProperty("field").GetString());
        }
        using (var unknown = await http.PostAsJsonAsync("/api/gateways/gw-beta/commands", new { name = "silence" }, Ct))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(2, (await http.GetFromJsonAsync<JsonElement>("/api/gateways/gw-alpha/commands", Ct)).GetProperty("items").GetArrayLength());
    }

    [Fact(Timeout = 60_000)]
    public async Task Alert_rules_are_validated_published_retained_with_a_new_version_and_the_answer_is_shown()
    {
        var (server, gateway) = await StartWithAlertAsync();
        await using var _ = server;
        using var __ = gateway;
        using var http = server.Http();

        using (var invalid = await http.PutAsync("/api/gateways/gw-alpha/config/alert-rules",
                   new StringContent("""{"dust":[{"id":"","quantity":"pm42","levels":[]}]}""", Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            var errors = (await JsonAsync(invalid)).GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.True(errors.Count >= 2, string.Join("; ", errors));
            Assert.Contains(errors, e => e.Contains("pm42", StringComparison.Ordinal));
        }
        Assert.Equal(JsonValueKind.Null, (await http.GetFromJsonAsync<JsonElement>("/api/gateways/gw-alpha/config", Ct)).GetProperty("version").ValueKind);

        var rules = AlertRules.Defaults().ToJson();
        foreach (var expected in new[] { "rules-1", "rules-2" })
        {
            using var put = await http.PutAsync("/api/gateways/gw-alpha/config/alert-rules", new StringContent(rules, Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(HttpStatusCode.Accepted, put.StatusCode);
            Assert.Equal(expected, (await JsonAsync(put)).GetProperty("version").GetString());
        }

        // Retained: a subscriber that arrives later gets the latest.
        Assert.Equal(MQTTnet.MqttClientSubscribeResultCode.GrantedQoS1, await gateway.SubscribeAsync(Topics.Config("gw-alpha"), Ct));
        var message = gateway.Receive(TimeSpan.FromSeconds(5));
        Assert.True(message.Retain);
        var config = Decode<GatewayConfig>(message);
        Assert.Equal(("gw-alpha", "rules-2", rules), (config.GatewayId, config.Version, config.AlertRules));

        var answer = new CommandResult("rules-2", CommandNames.Config, CommandOutcome.Rejected, "dust[0].levels: too few", Samples.T0, ClockQuality.NetworkSynced);
        var published = await gateway.PublishAsync(Topics.Up("gw-alpha", Streams.CommandResults),
            WireCodec.Encode(new Batch("gw-alpha", Streams.CommandResults, 1, [answer]), WireFormat.Json), Ct);
        Assert.True(published.IsSuccess, published.ReasonString);

        var view = await http.GetFromJsonAsync<JsonElement>("/api/gateways/gw-alpha/config", Ct);
        Assert.Equal("rules-2", view.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.Object, view.GetProperty("alertRules").ValueKind);
        Assert.Equal(("rejected", "dust[0].levels: too few"),
            (view.GetProperty("result").GetProperty("outcome").GetString(), view.GetProperty("result").GetProperty("detail").GetString()));

        using var missing = await http.PutAsync("/api/gateways/gw-beta/config/alert-rules", new StringContent(rules, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Command_results_are_stored_once_per_sequence_number(LedgerEngine engine)
    {
        await using var ledger = await TestLedger.CreateAsync(engine, postgres);
        var result = new CommandResult("c1", CommandNames.Silence, CommandOutcome.Ok, "buzzer silenced", Samples.T0, ClockQuality.NetworkSynced);
        await ledger.Commands.RecordCommandAsync(new IssuedCommand("gw-alpha", "c1", CommandNames.Silence, null, null, Samples.T0), Ct);

        var first = await ledger.Commands.CommitCommandResultsAsync(new Batch("gw-alpha", Streams.CommandResults, 1, [result]), Ct);
        var again = await ledger.Commands.CommitCommandResultsAsync(new Batch("gw-alpha", Streams.CommandResults, 1, [result]), Ct);

        Assert.Equal((1, 0), (first.New, first.Duplicates));
        Assert.Equal((0, 1), (again.New, again.Duplicates));
        var listed = Assert.Single(await ledger.Commands.GetCommandsAsync("gw-alpha", 100, Ct));
        Assert.Equal(("c1", CommandOutcome.Ok), (listed.Command.CommandId, listed.Result!.Outcome));
    }
}
