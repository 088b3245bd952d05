using System.Device.Gpio;
using System.Text;
using GridEdge.Edge.Alerts;
using GridEdge.Edge.Commands;
using GridEdge.Edge.Tests.Time;
using GridEdge.Hardware.Outputs;
using GridEdge.Hardware.Simulation;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using static GridEdge.Edge.Tests.Alerts.Scenarios;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Tests.Commands;

/// <summary>Commands and configuration from the server, carried out against a real engine, real outputs on a recording GPIO driver and a real outbox.</summary>
public sealed class CommandServiceTests : IDisposable
{
    private const int BuzzerPin = 17, LightPin = 27, RelayPin = 22;
    private const string Gateway = "gw-cmd-1";
    private readonly TempDirectory _dir = new();
    private readonly EdgeOutbox _outbox;
    private readonly ManualTimeProvider _time = new(Start.ToUniversalTime());
    private readonly RecordingGpioDriver _driver;
    private readonly GpioController _gpio;
    private readonly AlarmOutputs _outputs;
    private readonly AlertEngine _engine = new(Immediate());
    private readonly List<AlertTransition> _transitions = [];

    public CommandServiceTests()
    {
        _outbox = TestData.Open(_dir.Path);
        _driver = new RecordingGpioDriver(_time);
        _gpio = new GpioController(_driver);
        _outputs = new AlarmOutputs(_gpio, new AlarmOutputsOptions
        {
            BuzzerPin = BuzzerPin, LightPin = LightPin, RelayPin = RelayPin,
            Relay = new RelayOptions { MaxOnTime = TimeSpan.FromSeconds(60), Cooldown = TimeSpan.FromSeconds(120), Polarity = OutputPolarity.ActiveLow },
        }, _time);
        _engine.Transition += _transitions.Add;
    }

    public void Dispose()
    {
        _outputs.Dispose();
        _gpio.Dispose();
        _outbox.Dispose();
        _dir.Dispose();
    }

    private static AlertRules Immediate()
    {
        var rules = AlertRules.Defaults();
        rules.Dust =
        [
            new LevelRule
            {
                Id = "pm10_now", Quantity = Quantities.Pm10, WindowSeconds = 60, Clear = 50,
                Levels = [new AlertLevel { Severity = AlertSeverity.Warning, Raise = 100 }],
            },
        ];
        rules.SensorFault = [];
        return rules;
    }

    private CommandService Service(bool withOutputs = true) =>
        new(_engine, () => withOutputs ? _outputs : null, () => (_time.GetUtcNow(), ClockQuality.NetworkSynced), _outbox, _dir.Path, "local",
            NullLogger<CommandService>.Instance)
        { GatewayId = Gateway, TestDuration = TimeSpan.FromMilliseconds(50) };

    private static Command Cmd(string name, string? alertId = null, string? by = null, string? id = null) =>
        new(id ?? Guid.NewGuid().ToString("N"), Gateway, name, Start, alertId, by);

    private List<CommandResult> Results() =>
        [.. _outbox.ReadPending(Streams.CommandResults, 0, 100, 1 << 20).Select(e => (CommandResult)e.Record)];

    private bool RelayOn => _driver.GetValue(RelayPin) == PinValue.Low;
    private bool BuzzerOn => _driver.GetValue(BuzzerPin) == PinValue.High;
    private bool LightOn => _driver.GetValue(LightPin) == PinValue.High;

    [Fact]
    public async Task Acknowledge_produces_the_acknowledged_transition_and_an_ok_result_once_per_command_id()
    {
        var raised = Assert.Single(_engine.Observe(Pm10("pms-1", 1, 150)));
        var service = Service();
        var command = Cmd(CommandNames.Acknowledge, raised.AlertId, "li.na");

        var result = await service.HandleAsync(command, TestContext.Current.CancellationToken);

        Assert.NotNull(result);
        Assert.Equal((CommandOutcome.Ok, command.Id, CommandNames.Acknowledge), (result.Outcome, result.CommandId, result.Name));
        var ack = Assert.Single(_transitions, t => t.State == AlertState.Acknowledged);
        Assert.Equal((raised.AlertId, "li.na"), (ack.AlertId, ack.AcknowledgedBy));
        Assert.True(Assert.Single(_engine.Active).Acknowledged);

        // The same id again (a QoS 1 redelivery) is not carried out twice.
        Assert.Null(await service.HandleAsync(command, TestContext.Current.CancellationToken));
        var stored = Assert.Single(Results());
        Assert.Equal(command.Id, stored.CommandId);
        Assert.Single(_transitions, t => t.State == AlertState.Acknowledged);
    }

    [Fact]
    public async Task Acknowledging_an_alert_that_is_not_active_is_rejected_with_the_reason()
    {
        var result = await Service().HandleAsync(Cmd(CommandNames.Acknowledge, "nope|x|pm10|1", "li.na"), TestContext.Current.CancellationToken);
        Assert.Equal(CommandOutcome.Rejected, result!.Outcome);
        Assert.Contains("not active", result.Detail);
    }

    [Fact]
    public async Task Unknown_and_malformed_commands_are_rejected_naming_the_problem()
    {
        var service = Service();
        var unknown = await service.HandleAsync(Cmd("reboot"), TestContext.Current.CancellationToken);
        Assert.Equal(CommandOutcome.Rejected, unknown!.Outcome);
        Assert.Contains("unknown command 'reboot'", unknown.Detail);

        var garbage = await service.HandlePayloadAsync("cmd", Encoding.UTF8.GetBytes("GEJ1{\"type\":\"command\",\"id\":"), TestContext.Current.CancellationToken);
        Assert.Equal((CommandOutcome.Rejected, "?"), (garbage!.Outcome, garbage.CommandId));
        Assert.Contains("does not decode", garbage.Detail);

        var wrongType = await service.HandlePayloadAsync("cmd", WireCodec.Encode(new Ack(Gateway, Streams.Alerts, [new SeqRange(1, 1)]), WireFormat.Binary),
            TestContext.Current.CancellationToken);
        Assert.Contains("Ack does not belong on the cmd topic", wrongType!.Detail);

        var other = await service.HandleAsync(Cmd(CommandNames.Silence) with { GatewayId = "gw-other" }, TestContext.Current.CancellationToken);
        Assert.Contains("gw-other", other!.Detail);
        Assert.Equal(4, Results().Count);
    }

    [Fact]
    public async Task Without_alarm_outputs_silence_and_test_outputs_are_rejected()
    {
        var service = Service(withOutputs: false);
        foreach (var name in new[] { CommandNames.Silence, CommandNames.TestOutputs })
        {
            var result = await service.HandleAsync(Cmd(name), TestContext.Current.CancellationToken);
            Assert.Equal(CommandOutcome.Rejected, result!.Outcome);
            Assert.Contains("no alarm outputs", result.Detail);
        }
    }

    [Fact]
    public async Task Silence_stops_the_buzzer_and_keeps_the_light()
    {
        _outputs.Raise(BuzzerPattern.Continuous, LightPattern.Steady);
        Assert.True(BuzzerOn);
        var result = await Service().HandleAsync(Cmd(CommandNames.Silence), TestContext.Current.CancellationToken);
        Assert.Equal(CommandOutcome.Ok, result!.Outcome);
        Assert.False(BuzzerOn);
        Assert.True(LightOn);
    }

    [Fact]
    public async Task Test_outputs_runs_everything_briefly_then_off_and_respects_the_relay_cooldown()
    {
        var service = Service();
        var switches = new List<bool>();
        _outputs.Relay!.Switched += (on, _) => switches.Add(on);

        var first = await service.HandleAsync(Cmd(CommandNames.TestOutputs), TestContext.Current.CancellationToken);

        Assert.Equal(CommandOutcome.Ok, first!.Outcome);
        Assert.Contains("relay activated", first.Detail);
        Assert.Equal([true, false], switches);
        Assert.False(RelayOn);
        Assert.False(BuzzerOn);
        Assert.False(LightOn);

        // Straight away again: the relay is cooling down and stays off; the rest is tested.
        var second = await service.HandleAsync(Cmd(CommandNames.TestOutputs), TestContext.Current.CancellationToken);
        Assert.Equal(CommandOutcome.Ok, second!.Outcome);
        Assert.Contains("cooling down", second.Detail);
        Assert.Equal([true, false], switches);
    }

    [Fact]
    public async Task Test_outputs_is_refused_while_an_alert_is_active()
    {
        _engine.Observe(Pm10("pms-1", 1, 150));
        var result = await Service().HandleAsync(Cmd(CommandNames.TestOutputs), TestContext.Current.CancellationToken);
        Assert.Equal(CommandOutcome.Rejected, result!.Outcome);
        Assert.Contains("active", result.Detail);
    }

    [Fact]
    public async Task A_valid_config_replaces_the_rules_is_persisted_and_reported()
    {
        var raised = Assert.Single(_engine.Observe(Pm10("pms-1", 1, 150)));
        var service = Service();
        var applied = new List<string>();
        service.ConfigApplied += applied.Add;
        var rules = Immediate();
        rules.Dust[0].Id = "pm10_strict";
        rules.Dust[0].Levels[0].Raise = 80;

        var result = await service.ApplyAsync(new GatewayConfig(Gateway, "rules-3", rules.ToJson()), TestContext.Current.CancellationToken);

        Assert.Equal((CommandOutcome.Ok, "rules-3", CommandNames.Config), (result!.Outcome, result.CommandId, result.Name));
        Assert.Equal("pm10_strict", Assert.Single(_engine.Rules.Dust).Id);
        Assert.Equal("rules-3", service.ConfigVersion);
        Assert.Equal(["rules-3"], applied);
        // The alert of the old rule is cleared; the new rule raises on the next reading above 80.
        Assert.Contains(_transitions, t => t.AlertId == raised.AlertId && t.State == AlertState.Cleared);
        Assert.DoesNotContain(_engine.Active, a => a.RuleId == "pm10_now");
        Assert.Equal("pm10_strict", Assert.Single(_engine.Observe(Pm10("pms-1", 2, 90))).RuleId);

        var persisted = CommandService.LoadPersistedRules(_dir.Path, out var version);
        Assert.Equal("rules-3", version);
        Assert.Equal("pm10_strict", Assert.Single(persisted!.Dust).Id);
        // A restarted service reports the persisted version; the retained config delivered again changes nothing.
        var restarted = Service();
        Assert.Equal("rules-3", restarted.ConfigVersion);
        Assert.Null(await restarted.ApplyAsync(new GatewayConfig(Gateway, "rules-3", rules.ToJson()), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_config_repeating_the_rules_in_force_keeps_the_active_alerts()
    {
        // The server repeats the rules with every terminal-directory change; that must not clear a raised alarm.
        var raised = Assert.Single(_engine.Observe(Pm10("pms-1", 1, 150)));
        var service = Service();

        var result = await service.ApplyAsync(new GatewayConfig(Gateway, "terminals-5", _engine.Rules.ToJson()), TestContext.Current.CancellationToken);

        Assert.Equal(CommandOutcome.Ok, result!.Outcome);
        Assert.Contains("unchanged", result.Detail);
        Assert.Equal("terminals-5", service.ConfigVersion);
        Assert.Contains(_engine.Active, a => a.AlertId == raised.AlertId);
        Assert.DoesNotContain(_transitions, t => t.AlertId == raised.AlertId && t.State == AlertState.Cleared);
    }

    [Fact]
    public async Task An_invalid_config_keeps_the_old_rules_and_reports_every_reason()
    {
        var service = Service();
        const string bad = """{"dust":[{"id":"","quantity":"pm42","levels":[]}],"straw_burning":[],"sensor_fault":[]}""";

        var result = await service.HandlePayloadAsync("config", WireCodec.Encode(new GatewayConfig(Gateway, "rules-4", bad), WireFormat.Json),
            TestContext.Current.CancellationToken);

        Assert.Equal((CommandOutcome.Rejected, "rules-4", CommandNames.Config), (result!.Outcome, result.CommandId, result.Name));
        Assert.Contains("dust[0]", result.Detail);
        Assert.Contains("pm42", result.Detail);
        Assert.Equal("pm10_now", Assert.Single(_engine.Rules.Dust).Id);
        Assert.Equal("local", service.ConfigVersion);
        Assert.False(File.Exists(Path.Combine(_dir.Path, CommandService.RulesFileName)));
        Assert.Equal(result, Assert.Single(Results()));
        // Redelivered (retained, after a reconnect): not reported twice.
        Assert.Null(await service.ApplyAsync(new GatewayConfig(Gateway, "rules-4", bad), TestContext.Current.CancellationToken));
    }
}
