using GridEdge.Hardware.Simulation;
using GridEdge.Edge.Simulation;
using System.Device.Gpio;
using GridEdge.Edge.Alerts;
using GridEdge.Edge.Hosting;
using GridEdge.Edge.Sensors;
using GridEdge.Edge.Time;
using GridEdge.Hardware;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Tests;

public sealed class GatewaySensorsTests
{
    [Fact(Timeout = 60_000)]
    public async Task Simulated_buses_run_the_real_drivers_into_the_outbox_and_gnss_disciplines_the_clock()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        using var host = EdgeHost.Build([], new Dictionary<string, string?>
        {
            ["Edge:GatewayId"] = "gw-hw",
            ["Edge:DataDirectory"] = dir.Path,
            ["Edge:Broker:Port"] = "1", // no uplink: this test looks at the outbox
            ["Edge:Hardware:Enabled"] = "true",
            ["Edge:Simulation:Buses"] = "true",
            ["Edge:Hardware:WindowSeconds"] = "1",
            ["Edge:Hardware:Smoke:WarmUpSeconds"] = "0",
            ["Edge:Hardware:Smoke:SampleIntervalSeconds"] = "0.2",
            ["Edge:Hardware:Smoke:CalibrationSamples"] = "3",
            ["Edge:Hardware:Smoke:BaselineFile"] = Path.Combine(dir.Path, "mq2-baseline.json"),
            ["Edge:Hardware:Dust:NoFrameTimeoutSeconds"] = "5",
            ["Edge:Hardware:Dust:SettlingSeconds"] = "0",
        }, SimulatedGateway.Extension);
        await host.StartAsync(ct);
        var outbox = host.Services.GetRequiredService<EdgeOutbox>();
        var clock = host.Services.GetRequiredService<GatewayClock>();
        var buses = (SimulatedHardwareBuses)host.Services.GetRequiredService<IHardwareBuses>();
        var hardware = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HardwareOptions>>().Value;

        // Before any sensor ran, every output was driven to its off level.
        var gpio = buses.RecordingGpio!;
        Assert.Equal(PinValue.High, gpio.GetValue(hardware.Alarm.RelayPin!.Value)); // the relay is active-low
        Assert.Equal(PinValue.Low, gpio.GetValue(hardware.Alarm.BuzzerPin!.Value));

        List<Reading> readings = [];
        await Eventually.True(() =>
        {
            readings = outbox.ReadPending(Streams.Readings, 0, 1000, int.MaxValue).Select(e => (Reading)e.Record).ToList();
            return readings.Any(r => r.SensorId == GatewaySensors.DustSensorId && r.Quantity == Quantities.Pm2_5)
                && readings.Any(r => r.Unit == "ratio") && clock.Quality == ClockQuality.GnssDisciplined;
        }, "dust and smoke readings and a GNSS-disciplined clock", TimeSpan.FromSeconds(45));
        await host.StopAsync(ct);

        Assert.Contains(readings, r => r.SensorId == GatewaySensors.DustSensorId && r.Quantity == Quantities.Pm10 && r.Value > 0);
        Assert.Contains(readings, r => r.SensorId == GatewaySensors.SmokeSensorId && r.Unit == "V" && r.Value > 0);
        Assert.Contains(readings, r => r.SensorId == GatewaySensors.SmokeSensorId && r.Unit == "ratio" && r.Value is > 0.5 and < 3);
        Assert.Equal(ClockQuality.GnssDisciplined, clock.Quality);
        Assert.True(File.Exists(Path.Combine(dir.Path, "mq2-baseline.json")));
        Assert.All(readings.Where(r => r.SensorId == GatewaySensors.DustSensorId), r => Assert.True(r.Window!.Count > 0));
        // Stopping left every output off.
        Assert.Equal(PinValue.High, gpio.GetValue(hardware.Alarm.RelayPin!.Value));
        Assert.Equal(PinValue.Low, gpio.GetValue(hardware.Alarm.LightPin!.Value));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_dust_reading_over_the_threshold_raises_a_local_alarm_with_no_uplink()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        // One low PM2.5 level, so the simulated dust (always above 1 µg/m³) crosses it in the first window.
        var rules = AlertRules.Defaults();
        rules.Dust.Clear();
        rules.Dust.Add(new LevelRule
        {
            Id = "test_pm2_5", Quantity = Quantities.Pm2_5, WindowSeconds = 1, SustainSeconds = 0, HoldSeconds = 60, Clear = 0.5,
            Levels = [new AlertLevel { Severity = AlertSeverity.Critical, Raise = 1 }],
        });
        var rulesFile = Path.Combine(dir.Path, "rules.json");
        File.WriteAllText(rulesFile, rules.ToJson());
        using var host = EdgeHost.Build([], new Dictionary<string, string?>
        {
            ["Edge:GatewayId"] = "gw-alarm",
            ["Edge:DataDirectory"] = dir.Path,
            ["Edge:Broker:Port"] = "1", // the uplink is down: the alarm must not need it
            ["Edge:Alerts:RulesFile"] = rulesFile,
            ["Edge:Hardware:Enabled"] = "true",
            ["Edge:Simulation:Buses"] = "true",
            ["Edge:Hardware:WindowSeconds"] = "1",
            ["Edge:Hardware:Dust:SettlingSeconds"] = "0",
            ["Edge:Hardware:Smoke:Enabled"] = "false",
            ["Edge:Hardware:Gnss:Enabled"] = "false",
        }, SimulatedGateway.Extension);
        await host.StartAsync(ct);
        var engine = host.Services.GetRequiredService<AlertEngine>();
        var buses = (SimulatedHardwareBuses)host.Services.GetRequiredService<IHardwareBuses>();
        var hardware = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HardwareOptions>>().Value;

        await Eventually.True(() => engine.Active.Count > 0, "a local alert", TimeSpan.FromSeconds(30));
        var lightOn = buses.RecordingGpio!.GetValue(hardware.Alarm.LightPin!.Value);
        await host.StopAsync(ct);

        var alert = Assert.Single(engine.Active);
        Assert.Equal("test_pm2_5", alert.RuleId);
        Assert.Equal(PinValue.High, lightOn);
    }

    [Fact]
    public void A_wrong_hardware_setting_stops_the_gateway_naming_the_key()
    {
        using var dir = new TempDirectory();
        using var host = EdgeHost.Build([], new Dictionary<string, string?>
        {
            ["Edge:GatewayId"] = "gw-hw",
            ["Edge:DataDirectory"] = dir.Path,
            ["Edge:Hardware:Enabled"] = "true",
            ["Edge:Hardware:Smoke:I2cAddress"] = "16",
        });

        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HardwareOptions>>().Value);
        Assert.Contains("Edge:Hardware:Smoke:I2cAddress", e.Message);
    }
}
