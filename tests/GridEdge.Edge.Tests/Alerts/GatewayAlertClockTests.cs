using GridEdge.Edge.Alerts;
using GridEdge.Edge.Hosting;
using GridEdge.Edge.Tests.Time;
using GridEdge.Edge.Time;
using GridEdge.Protocol.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Tests.Alerts;

/// <summary>The alert engine on the gateway: its time is the gateway clock's, whatever a reading says.</summary>
public sealed class GatewayAlertClockTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 3, 1, 0, 0, TimeSpan.Zero);

    private static Reading Pm10(string sensor, DateTimeOffset at, double value = 80) => Reading.Instant(sensor, Quantities.Pm10, value, at, ClockQuality.NetworkSynced);

    private static (AlertEngine Engine, GridEdge.Testing.ManualTimeProvider Time, GatewayClock Clock) OnGatewayClock(bool synchronised = true)
    {
        var time = new GridEdge.Testing.ManualTimeProvider(Now, monotonicMs: 1_000_000);
        var clock = new GatewayClock(time, Guid.NewGuid());
        if (synchronised) clock.ReportKernelSynchronised(true);
        return (new AlertEngine(AlertRules.Defaults(), AlertClock.OfGateway(clock, TimeSpan.FromMinutes(10), TimeSpan.FromDays(7))), time, clock);
    }

    [Fact]
    public void On_the_gateway_a_reading_stamped_2030_raises_no_alert_and_does_not_move_the_engines_time()
    {
        using var provider = new ServiceCollection().AddLogging().AddGatewayClock().AddAlerts(new ConfigurationBuilder().Build()).BuildServiceProvider();
        var engine = provider.GetRequiredService<AlertEngine>();
        var now = DateTimeOffset.UtcNow;

        Assert.Empty(engine.Observe(Pm10("site-1", now)));
        // A monitor's DataTime of 2030: before, the engine's time jumped there and site-1 was "silent" for years.
        Assert.Empty(engine.Observe(Pm10("monitor-7", new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)))));
        Assert.Empty(engine.Observe(Pm10("site-1", now.AddSeconds(1), 80.1)));

        Assert.Empty(engine.Active);
    }

    [Fact]
    public void Readings_stamped_beyond_the_window_are_counted_and_never_judged_while_silence_follows_the_gateway_clock()
    {
        var (engine, time, _) = OnGatewayClock();
        engine.Observe(Pm10("site-1", Now));

        // Eleven minutes ahead, eight days old, and 5000 µg/m³ that would raise pm_out_of_range at once: none of it is judged.
        Assert.Empty(engine.Observe(Pm10("site-1", Now.AddMinutes(11), 5000)));
        Assert.Empty(engine.Observe(Pm10("monitor-7", Now.AddDays(-8), 5000)));
        Assert.Equal((2L, 1L), (engine.FarOff, engine.Observed));
        // Nine minutes ahead is inside the window: judged on its own stamp.
        Assert.Equal("pm_out_of_range", Assert.Single(engine.Observe(Pm10("monitor-8", Now.AddMinutes(9), 5000))).RuleId);

        time.Advance(TimeSpan.FromMinutes(19));
        Assert.Empty(engine.Advance());
        time.Advance(TimeSpan.FromMinutes(1));
        var silent = engine.Advance();
        // site-1 was heard at Now and monitor-8 at Now (its stamp was ahead, but the gateway heard it then).
        Assert.Equal(["monitor-8", "site-1"], silent.Select(t => t.Sensor).Order());
        Assert.All(silent, t => Assert.Equal(("no_data", Now.AddMinutes(20)), (t.RuleId, t.Time)));
    }

    [Fact]
    public void While_the_gateway_clock_is_unsynchronised_a_monitor_days_ahead_is_still_judged()
    {
        var (engine, _, _) = OnGatewayClock(synchronised: false);
        Assert.Equal("pm_out_of_range", Assert.Single(engine.Observe(Pm10("monitor-7", Now.AddDays(3), 5000))).RuleId);
        Assert.Empty(engine.Observe(Pm10("monitor-8", Now.AddDays(8), 5000)));
        Assert.Equal(1, engine.FarOff);
    }

    [Fact]
    public void A_gateway_clock_stepped_back_by_ntp_still_notices_silence()
    {
        var (engine, time, _) = OnGatewayClock();
        engine.Observe(Pm10("site-1", Now));
        time.StepWallClock(Now.AddHours(-2)); // the boot time was two hours ahead; NTP corrected it

        Assert.Empty(engine.Advance());
        time.Advance(TimeSpan.FromMinutes(20));
        var silent = Assert.Single(engine.Advance());
        Assert.Equal(("no_data", Now.AddHours(-2).AddMinutes(20)), (silent.RuleId, silent.Time));
    }

    [Fact]
    public void Only_the_gateway_clock_moves_a_gateway_engine()
    {
        var (engine, _, _) = OnGatewayClock();
        Assert.Throws<InvalidOperationException>(() => engine.Advance(Now.AddYears(4)));
    }
}
