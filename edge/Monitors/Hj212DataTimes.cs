using GridEdge.Protocol.Records;
using Microsoft.Extensions.Logging;

namespace GridEdge.Edge.Monitors;

/// <summary>
/// Marks the readings of an HJ 212 frame whose DataTime lies far from the gateway's clock (the alert engine's window,
/// Edge:Alerts:MaxFutureSkewMinutes and MaxAgeDays): they are stored as sent but with clock quality unsynchronised, the
/// monitor's clock being untrustworthy, counted per monitor, and the engine does not judge them.
/// </summary>
internal static class Hj212DataTimes
{
    public static void FlagFarOff(List<Reading> readings, RegisteredMonitor monitor, Hj212Listener listener)
    {
        if (readings.Count == 0 || listener.Alerts?.Clock is not { FollowsReadings: false } clock) return;
        var farOff = false;
        for (var i = 0; i < readings.Count; i++)
        {
            if (!clock.IsFarOff(readings[i].Timestamp)) continue;
            readings[i] = readings[i] with { Clock = ClockQuality.Unsynchronised };
            farOff = true;
        }
        if (!farOff) return;
        listener.Counters.FarOffDataTime();
        var count = listener.Monitors.FarOffDataTime(monitor);
        // A monitor with a wrong clock is wrong on every frame: said once per monitor at Warning, then counted.
        listener.Logger.Log(count == 1 ? LogLevel.Warning : LogLevel.Debug,
            "HJ 212 monitor {Mn} sent DataTime {DataTime:O}, far from the gateway's clock ({Rule}): stored with clock unsynchronised, not judged by the alert engine (frame {Count} so far)",
            monitor.Mn, readings[0].Timestamp, clock.Rule, count);
    }
}
