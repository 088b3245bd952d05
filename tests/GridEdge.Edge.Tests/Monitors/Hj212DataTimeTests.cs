using System.Globalization;
using System.Text;
using GridEdge.Edge.Alerts;
using GridEdge.Edge.Tests.Time;
using GridEdge.Edge.Time;
using GridEdge.Protocol.Hj212;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Tests.Monitors;

/// <summary>A monitor's clock and codes cannot steer the gateway's alert engine.</summary>
public sealed class Hj212DataTimeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    private static (AlertEngine Engine, GatewayClock Clock) OnGatewayClock(DateTimeOffset now)
    {
        var clock = new GatewayClock(new GridEdge.Testing.ManualTimeProvider(now, monotonicMs: 1_000_000), Guid.NewGuid());
        clock.ReportKernelSynchronised(true);
        return (new AlertEngine(AlertRules.Defaults(), AlertClock.OfGateway(clock, TimeSpan.FromMinutes(10), TimeSpan.FromDays(7))), clock);
    }

    private static string DataTime(DateTimeOffset at) => at.ToOffset(Beijing).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    [Fact(Timeout = 30_000)]
    public async Task A_frame_stamped_2030_is_stored_flagged_and_counted_for_its_monitor_and_raises_no_alert()
    {
        var now = new DateTimeOffset(2026, 11, 3, 1, 0, 0, TimeSpan.Zero);
        var (engine, clock) = OnGatewayClock(now);
        await using var f = await ListenerFixture.StartAsync(clock: clock, alerts: engine);
        await using var monitor = await SimulatedMonitor.ConnectAsync(f.Endpoint);

        await monitor.SendAsync(SimulatedMonitor.MinuteFrame(ListenerFixture.Mn, ListenerFixture.Pw, "20261103090000001", DataTime(now.AddMinutes(-1))));
        Assert.Contains("CN=9014;", await monitor.ReceiveAsync(Wait));
        // PM2.5 of 5000 in 2030 would raise pm_out_of_range, and 2030 would make every other series "silent" for years.
        await monitor.SendAsync(SimulatedMonitor.MinuteFrame(ListenerFixture.Mn, ListenerFixture.Pw, "20261103090000002", "20300101000000", pm25: 5000));
        Assert.Contains("CN=9014;", await monitor.ReceiveAsync(Wait));

        var stored = f.Stored();
        Assert.Equal(8, stored.Count);
        var future = stored.Where(r => r.Timestamp > now.AddYears(1)).ToList();
        Assert.Equal(4, future.Count);
        Assert.All(future, r => Assert.Equal(ClockQuality.Unsynchronised, r.Clock));
        Assert.Equal(5000, future.Single(r => r.Quantity == Quantities.Pm2_5).Value);
        Assert.All(stored.Except(future), r => Assert.Equal(ClockQuality.NetworkSynced, r.Clock));

        Assert.Equal(1, f.Listener.Counters.Snapshot().FarOffDataTimes);
        Assert.Equal(1, f.Directory.Find(Encoding.ASCII.GetBytes(ListenerFixture.Mn))!.FarOffDataTimes);
        Assert.Equal(0, f.Directory.Find("GE0002"u8)!.FarOffDataTimes);
        Assert.Equal(4, engine.FarOff);
        Assert.Empty(engine.Active);
        Assert.Empty(engine.Advance());
    }

    [Fact(Timeout = 120_000)]
    public async Task Ten_thousand_new_codes_from_a_monitor_leave_the_engines_series_bounded()
    {
        var now = new DateTimeOffset(2026, 11, 3, 1, 0, 0, TimeSpan.Zero);
        var (engine, clock) = OnGatewayClock(now);
        await using var f = await ListenerFixture.StartAsync(clock: clock, alerts: engine);
        await using var monitor = await SimulatedMonitor.ConnectAsync(f.Endpoint);

        const int frames = 100, codesPerFrame = 100;
        for (var i = 0; i < frames; i++)
        {
            var cp = new StringBuilder($"DataTime={DataTime(now)};a34004-Rtd=35.0,a34004-Flag=N");
            for (var c = 0; c < codesPerFrame; c++) cp.Append(CultureInfo.InvariantCulture, $";x{i * codesPerFrame + c:D5}-Rtd=1.5");
            await monitor.SendAsync(Hj212Encoder.Frame(Hj212Encoder.Segment($"20261103090000{i:D3}", "22", Hj212Commands.RealTimeData, ListenerFixture.Pw, ListenerFixture.Mn, 5, cp.ToString())));
            Assert.Contains("CN=9014;", await monitor.ReceiveAsync(Wait));
        }

        Assert.Equal(frames * (codesPerFrame + 1), f.Listener.Counters.Snapshot().ReadingsStored);
        // Every code is stored; only the PM2.5 series a rule watches holds state in the engine.
        Assert.Equal(1, engine.SeriesCount);
        Assert.Equal(frames * (codesPerFrame + 1), engine.Observed);
    }
}
