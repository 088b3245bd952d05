using GridEdge.Edge.Outbox;
using GridEdge.Edge.Time;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Edge.Tests.Time;

public sealed class OutboxTimeCorrectionTests
{
    private static readonly DateTimeOffset WrongBootTime = new(2025, 1, 3, 4, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset RealNow = new(2026, 11, 26, 9, 30, 0, TimeSpan.Zero);

    [Fact(Timeout = 30_000)]
    public async Task Records_stamped_before_the_clock_was_trusted_are_corrected_and_earlier_boots_stay_flagged()
    {
        using var dir = new TempDirectory();
        var earlierBoot = Guid.NewGuid();
        var thisBoot = Guid.NewGuid();

        // A previous boot appended a record with its own wrong clock, then the power went.
        var before = new ManualTimeProvider(WrongBootTime.AddDays(-2), monotonicMs: 40_000);
        using (var outbox = new EdgeOutbox(new OutboxSettings(dir.Path), NullLogger<EdgeOutbox>.Instance, new GatewayClock(before, earlierBoot)))
            await outbox.AppendAsync(Streams.Readings, Unsynchronised(before.GetUtcNow(), 1), TestContext.Current.CancellationToken);

        // This boot: the system clock starts from a stale saved time; readings are stamped with it, a minute apart.
        var time = new ManualTimeProvider(WrongBootTime, monotonicMs: 10_000);
        var clock = new GatewayClock(time, thisBoot);
        using var box = new EdgeOutbox(new OutboxSettings(dir.Path), NullLogger<EdgeOutbox>.Instance, clock);
        for (var i = 2; i <= 4; i++)
        {
            await box.AppendAsync(Streams.Readings, Unsynchronised(time.GetUtcNow(), i), TestContext.Current.CancellationToken);
            time.Advance(TimeSpan.FromMinutes(1));
        }
        var synced = Reading.Instant("pms-1", Quantities.Pm2_5, 5, RealNow, ClockQuality.NetworkSynced);
        await box.AppendAsync(Streams.Readings, synced, TestContext.Current.CancellationToken);

        // GNSS says it is really RealNow, three minutes after the first reading of this boot.
        var (corrected, uncorrectable) = box.CorrectTimestamps(thisBoot, new TimeAnchor(RealNow, time.MonotonicMs, ClockQuality.GnssDisciplined));

        Assert.Equal((3, 1), (corrected, uncorrectable));
        var stored = box.ReadPending(Streams.Readings, 0, 100, int.MaxValue).Select(e => (Reading)e.Record).ToDictionary(r => r.Value);
        Assert.Equal((WrongBootTime.AddDays(-2), ClockQuality.Unsynchronised), (stored[1].Timestamp, stored[1].Clock));
        Assert.Equal((RealNow.AddMinutes(-3), ClockQuality.Corrected), (stored[2].Timestamp, stored[2].Clock));
        Assert.Equal((RealNow.AddMinutes(-2), ClockQuality.Corrected), (stored[3].Timestamp, stored[3].Clock));
        Assert.Equal((RealNow.AddMinutes(-1), ClockQuality.Corrected), (stored[4].Timestamp, stored[4].Clock));
        Assert.Equal(synced, stored[5]);

        // A second trusted moment finds nothing left to correct and does not count the old boot again.
        Assert.Equal((0, 0), box.CorrectTimestamps(thisBoot, new TimeAnchor(RealNow, time.MonotonicMs, ClockQuality.GnssDisciplined)));
    }

    private static Reading Unsynchronised(DateTimeOffset at, int value) =>
        Reading.Instant("pms-1", Quantities.Pm2_5, value, at, ClockQuality.Unsynchronised);
}
