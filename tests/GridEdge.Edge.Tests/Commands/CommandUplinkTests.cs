using GridEdge.Edge.Alerts;
using GridEdge.Edge.Commands;
using GridEdge.Edge.Hosting;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using static GridEdge.Edge.Tests.Alerts.Scenarios;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Tests.Commands;

/// <summary>End to end on the gateway side: commands and configuration through an in-test MQTT broker, the uplink, the handler and the outbox.</summary>
public sealed class CommandUplinkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task WaitUntil(Func<bool> condition, string what) => Eventually.True(condition, what);

    private static List<CommandResult> Results(TestBroker broker) =>
        [.. broker.Batches.Where(b => b.Stream == Streams.CommandResults).SelectMany(b => b.Records).Cast<CommandResult>().DistinctBy(r => (r.CommandId, r.Name, r.Timestamp))];

    [Fact(Timeout = 30_000)]
    public async Task Commands_and_configs_from_the_broker_are_carried_out_once_and_answered_on_cmdres()
    {
        await using var broker = await TestBroker.StartAsync(Ct);
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        var rules = AlertRules.Defaults();
        rules.Dust = [new LevelRule { Id = "pm10_now", Quantity = Quantities.Pm10, WindowSeconds = 60, Clear = 50, Levels = [new AlertLevel { Severity = AlertSeverity.Warning, Raise = 100 }] }];
        rules.SensorFault = [];
        var engine = new AlertEngine(rules);
        var raised = Assert.Single(engine.Observe(Pm10("pms-1", 1, 150)));
        var options = new EdgeOptions
        {
            GatewayId = "gw-test", DataDirectory = dir.Path,
            Broker = { Host = "127.0.0.1", Port = broker.Port },
            Uplink = { AckTimeoutSeconds = 2, ReconnectBaseSeconds = 0.1, ReconnectCapSeconds = 0.5 },
        };
        using var commands = new CommandService(engine, () => null, () => (DateTimeOffset.UtcNow, ClockQuality.NetworkSynced), outbox, dir.Path, "local",
            NullLogger<CommandService>.Instance) { GatewayId = "gw-test" };
        using var uplink = new EdgeUplink(outbox, Microsoft.Extensions.Options.Options.Create(options), NullLogger<EdgeUplink>.Instance, commands: commands);
        await commands.StartAsync(Ct);
        await uplink.StartAsync(Ct);
        await WaitUntil(() => broker.Statuses.Any(s => s.State == GatewayState.Online), "the birth");
        Assert.Equal("local", broker.Statuses.First().ConfigVersion);

        var acknowledge = new Command("c-1", "gw-test", CommandNames.Acknowledge, DateTimeOffset.UtcNow, raised.AlertId, "li.na");
        await broker.PublishRawAsync(Topics.Command("gw-test"), WireCodec.Encode(acknowledge, WireFormat.Json), Ct);
        await broker.PublishRawAsync(Topics.Command("gw-test"), WireCodec.Encode(acknowledge, WireFormat.Binary), Ct); // a redelivery
        await broker.PublishRawAsync(Topics.Command("gw-test"), "GEJ1{not json"u8.ToArray(), Ct);
        await WaitUntil(() => Results(broker).Count >= 2, "two command results");
        Assert.True(Assert.Single(engine.Active).Acknowledged);

        var invalid = new GatewayConfig("gw-test", "rules-1", """{"dust":[{"id":"x","quantity":"pm42","levels":[]}]}""");
        await broker.PublishRawAsync(Topics.Config("gw-test"), WireCodec.Encode(invalid, WireFormat.Json), Ct);
        var valid = new GatewayConfig("gw-test", "rules-2", rules.ToJson());
        await broker.PublishRawAsync(Topics.Config("gw-test"), WireCodec.Encode(valid, WireFormat.Binary), Ct);
        await WaitUntil(() => broker.Statuses.Any(s => s.ConfigVersion == "rules-2"), "the status with the new config version");
        await WaitUntil(() => Results(broker).Count >= 4, "the config results");
        await WaitUntil(() => outbox.Backlog(Streams.CommandResults) == 0, "every result acknowledged");

        var results = Results(broker);
        Assert.Equal(4, results.Count);
        Assert.Equal(("c-1", CommandOutcome.Ok), (results[0].CommandId, results[0].Outcome));
        Assert.Equal(("?", CommandOutcome.Rejected), (results[1].CommandId, results[1].Outcome));
        Assert.Equal(("rules-1", CommandNames.Config, CommandOutcome.Rejected), (results[2].CommandId, results[2].Name, results[2].Outcome));
        Assert.Contains("pm42", results[2].Detail);
        Assert.Equal(("rules-2", CommandOutcome.Ok), (results[3].CommandId, results[3].Outcome));
        Assert.Equal("rules-2", commands.ConfigVersion);

        await uplink.StopAsync(Ct);
        await commands.StopAsync(Ct);
    }
}
