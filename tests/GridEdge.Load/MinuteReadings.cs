using GridEdge.Protocol.Records;

namespace GridEdge.Load;

/// <summary>One gateway's minute aggregates of 50 sensors (PM2.5 and PM10 alternating), deterministic, from 2026-11-25 00:00 UTC.</summary>
internal static class MinuteReadings
{
    public static Reading[] Aggregates(int count)
    {
        var random = new Random(72);
        var at = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
        var quantities = new[] { Quantities.Pm2_5, Quantities.Pm10 };
        return Enumerable.Range(0, count).Select(i =>
        {
            var avg = Math.Round(20 + 60 * random.NextDouble(), 1);
            return Reading.OfWindow($"s{i % 50:00}", quantities[i % 2], new Aggregate(Math.Round(avg * 0.9, 1), avg, Math.Round(avg * 1.15, 1), 60, 60),
                at.AddMinutes(i / 50), ClockQuality.NetworkSynced);
        }).ToArray();
    }
}
