using GridEdge.Edge.Alerts;
using GridEdge.Edge.Sensors;
using GridEdge.Edge.Simulation;
using GridEdge.Protocol.Records;
using GridEdge.Demo;

namespace GridEdge.Server.Tests.Demo;

/// <summary>The demo's scheduled episodes, in its gateways' simulated air, raise and clear alerts under the demo's rules.</summary>
public sealed class DemoEpisodeTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero); // 14:00 in the township

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_first_gateway_raises_a_dust_alert_and_the_second_a_straw_burning_alert_within_minutes_and_both_clear(int seed)
    {
        var first = Run(0, seed, TimeSpan.FromMinutes(10));
        var second = Run(1, seed, TimeSpan.FromMinutes(10));

        var dust = Assert.Single(first, t => t.RuleId == "dust_pm10" && t.State == AlertState.Raised && !t.IsEscalation);
        Assert.Equal((AlertKind.Dust, GatewaySensors.DustSensorId), (dust.Kind, dust.Sensor));
        Assert.InRange(dust.Time - Start, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4.5));
        var dustCleared = Assert.Single(first, t => t.AlertId == dust.AlertId && t.State == AlertState.Cleared);
        Assert.DoesNotContain(first, t => t.Kind == AlertKind.StrawBurning);

        var fire = Assert.Single(second, t => t.Kind == AlertKind.StrawBurning && t.State == AlertState.Raised);
        Assert.Equal($"{GatewaySensors.SmokeSensorId}+{GatewaySensors.DustSensorId}", fire.Sensor);
        Assert.InRange(fire.Time - Start, TimeSpan.FromMinutes(2.5), TimeSpan.FromMinutes(4.5));
        var fireCleared = Assert.Single(second, t => t.AlertId == fire.AlertId && t.State == AlertState.Cleared);
        Assert.True(dustCleared.Time < Start.AddMinutes(9) && fireCleared.Time < Start.AddMinutes(9),
            $"dust cleared at +{dustCleared.Time - Start}, the fire at +{fireCleared.Time - Start}");
        Assert.DoesNotContain(first.Concat(second), t => t.Kind == AlertKind.SensorFault);
    }

    [Fact]
    public void Each_gateway_has_an_episode_every_ten_minutes_alternating_dust_and_fire()
    {
        var first = new PollutionEpisodes(DemoGateways.Episodes(0), Start);
        var second = new PollutionEpisodes(DemoGateways.Episodes(1), Start);

        Assert.Equal((Start.AddMinutes(1.5), PollutionEpisodeKind.Dust), first.Episode(0));
        Assert.Equal((Start.AddMinutes(11.5), PollutionEpisodeKind.StrawFire), first.Episode(1));
        Assert.Equal((Start.AddMinutes(2.5), PollutionEpisodeKind.StrawFire), second.Episode(0));
        Assert.Equal((Start.AddMinutes(12.5), PollutionEpisodeKind.Dust), second.Episode(1));
        Assert.Null(first.At(Start.AddMinutes(1.4)));
        Assert.Equal(PollutionEpisodeKind.Dust, first.At(Start.AddMinutes(3))?.Kind);
        Assert.Null(first.At(Start.AddMinutes(4.6)));
        Assert.Equal(PollutionEpisodeKind.StrawFire, first.At(Start.AddMinutes(13))?.Kind);
    }

    /// <summary>
    /// Gateway <paramref name="n"/> as the demo runs it: the dust model with the demo's episodes, sampled as the gateway's
    /// drivers sample it (PMS5003 every second, MQ-2 every 5 s as a ratio to clean air), folded into the demo's windows,
    /// and every window through an alert engine running the demo's rules.
    /// </summary>
    private static List<AlertTransition> Run(int n, int seed, TimeSpan length)
    {
        var engine = new AlertEngine(DemoAlertRules.Create());
        var transitions = new List<AlertTransition>();
        engine.Transition += transitions.Add;
        // The model's own random bursts are left out: this is about the scheduled episodes.
        var model = new DustModel(seed * 7919 + n) { MeanTimeBetweenBursts = TimeSpan.FromDays(3650), Episodes = new PollutionEpisodes(DemoGateways.Episodes(n), Start) };
        WindowAggregator pm1 = new(), pm25 = new(), pm10 = new(), smoke = new(decimals: 2);
        var second = TimeSpan.FromSeconds(1);
        for (var t = 1; t <= length.TotalSeconds; t++)
        {
            var at = Start + t * second;
            var s = model.Sample(at, second);
            pm1.Add(Math.Round(s.Pm2_5 * 0.7));
            pm25.Add(Math.Round(s.Pm2_5));
            pm10.Add(Math.Round(s.Pm10));
            if (t % 5 == 0) smoke.Add(model.Sample(at, second).Smoke);
            if (t % DemoGateways.WindowSeconds != 0) continue;
            foreach (var (sensor, quantity, unit, aggregator) in new[]
            {
                (GatewaySensors.DustSensorId, Quantities.Pm1, Quantities.MicrogramsPerCubicMetre, pm1),
                (GatewaySensors.DustSensorId, Quantities.Pm2_5, Quantities.MicrogramsPerCubicMetre, pm25),
                (GatewaySensors.DustSensorId, Quantities.Pm10, Quantities.MicrogramsPerCubicMetre, pm10),
                (GatewaySensors.SmokeSensorId, Quantities.Smoke, "ratio", smoke),
            })
            {
                if (aggregator.Take(DemoGateways.WindowSeconds) is { } window)
                    engine.Observe(Reading.OfWindow(sensor, quantity, window, at, ClockQuality.GnssDisciplined) with { Unit = unit });
            }
        }
        return transitions;
    }
}
