using GridEdge.Protocol.Hj212;
using GridEdge.Protocol.Records;
using GridEdge.Demo;

namespace GridEdge.Server.Tests.Demo;

/// <summary>The demo's HJ 212 monitor sends each minute once, when it is over, as a real monitor does.</summary>
public sealed class DemoMonitorTests
{
    [Fact]
    public void Sampling_every_five_seconds_for_three_and_a_half_minutes_sends_each_whole_finished_minute_once_with_its_own_min_avg_max()
    {
        var minutes = new DemoMonitorMinutes("DEMO01DUST0001", "pw01", new Random(7));
        var start = new DateTimeOffset(2026, 11, 26, 2, 30, 20, TimeSpan.Zero); // 10:30:20 in Beijing
        var frames = new List<(DateTimeOffset SentAt, byte[] Frame)>();
        for (var at = start; at < start.AddMinutes(3.5); at += TimeSpan.FromSeconds(5))
            if (minutes.Sample(at) is { } frame) frames.Add((at, frame));

        // 10:31 and 10:32 are over by 10:33:50; 10:30 was not whole (switched on at 10:30:20); 10:33 is still open.
        Assert.Equal(2, frames.Count);
        var readings = frames.Select(f => Decode(f.Frame)).ToList();
        var dataTimes = readings.Select(r => r.Select(x => x.Timestamp).Distinct().Single()).ToList();
        var beijing = TimeSpan.FromHours(8);
        Assert.Equal([new(2026, 11, 26, 10, 31, 0, beijing), new(2026, 11, 26, 10, 32, 0, beijing)], dataTimes);
        // Each is sent at the first sample of the next minute.
        Assert.Equal(dataTimes.Select(t => t.AddMinutes(1)), frames.Select(f => f.SentAt));
        foreach (var minute in readings)
        {
            var pm25 = Assert.Single(minute, r => r.Quantity == Quantities.Pm2_5);
            Assert.True(pm25.Window!.Min < pm25.Window.Max, $"one sample's worth, not twelve: {pm25.Window}");
            Assert.InRange(pm25.Window.Avg, pm25.Window.Min, pm25.Window.Max);
            Assert.Contains(minute, r => r.Quantity == Quantities.Pm10);
        }
    }

    private static List<Reading> Decode(byte[] frame)
    {
        Assert.True(Hj212Framing.TryReadWhole(frame, 4096, out var slice, out var framing), framing?.ToString());
        Assert.True(Hj212Packet.TryParse(slice.Data(frame), out var packet, out var parsing), parsing?.ToString());
        Assert.Equal((Hj212Commands.MinuteData, "DEMO01DUST0001", "pw01"), (packet.Cn, System.Text.Encoding.ASCII.GetString(packet.Mn), System.Text.Encoding.ASCII.GetString(packet.Pw)));
        Assert.True(packet.WantsAcknowledgement);
        var readings = new List<Reading>();
        var profile = new Hj212MonitorProfile("DEMO01DUST0001", Hj212MonitorProfile.ChinaStandardTime, ClockQuality.NetworkSynced);
        Assert.True(Hj212Readings.TryConvert(packet.Cn, packet.Cp, profile, readings, out _, out var converting), converting?.ToString());
        return readings;
    }
}
