using GridEdge.Edge.Sensors;
using GridEdge.Edge.Simulation;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;

namespace GridEdge.Edge.Tests;

public sealed class SimulationTests
{
    [Fact]
    public void Dust_follows_a_daily_cycle_with_pm10_above_pm2_5_and_bursts_several_times_baseline()
    {
        var model = new DustModel(1) { MeanTimeBetweenBursts = TimeSpan.FromHours(2) };
        var start = new DateTimeOffset(2025, 3, 1, 16, 0, 0, TimeSpan.Zero); // 00:00 at UTC+8
        var interval = TimeSpan.FromSeconds(10);
        var byHour = new double[24];
        var counts = new int[24];
        double quietMax = 0, burstMax = 0;
        for (var t = start; t < start.AddDays(3); t += interval)
        {
            var s = model.Sample(t, interval);
            Assert.True(s.Pm10 > s.Pm2_5, $"at {t}: pm10 {s.Pm10} <= pm2.5 {s.Pm2_5}");
            Assert.InRange(s.Smoke, 0.85, 1.15);
            var hour = t.ToOffset(TimeSpan.FromHours(8)).Hour;
            if (model.InBurst(t)) burstMax = Math.Max(burstMax, s.Pm10);
            else
            {
                byHour[hour] += s.Pm2_5;
                counts[hour]++;
                quietMax = Math.Max(quietMax, s.Pm10);
            }
        }
        double Mean(int h) => byHour[h] / counts[h];
        Assert.True(Mean(8) > Mean(3) * 1.3, $"morning {Mean(8):F1} vs night {Mean(3):F1}");
        Assert.True(Mean(19) > Mean(14) * 1.3, $"evening {Mean(19):F1} vs afternoon {Mean(14):F1}");
        Assert.True(burstMax > quietMax * 1.5, $"bursts reached {burstMax:F0}, quiet time {quietMax:F0}");
    }

    [Fact]
    public void Window_aggregates_are_valid_readings_rounded_to_one_decimal()
    {
        var aggregator = new WindowAggregator();
        foreach (var v in new[] { 31.234, 35.551, 29.049, 40.0 }) aggregator.Add(v);
        var window = aggregator.Take(60)!;
        Assert.Equal(new Aggregate(29.0, 34.0, 40.0, 4, 60), window);
        Assert.Null(aggregator.Take(60));

        var reading = Reading.OfWindow("sim-01", Quantities.Pm2_5, window, DateTimeOffset.UnixEpoch, ClockQuality.NetworkSynced);
        Assert.Null(Validation.CheckReading(reading));
    }
}
