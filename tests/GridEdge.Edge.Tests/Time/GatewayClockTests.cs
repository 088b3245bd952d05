using GridEdge.Edge.Time;
using GridEdge.Protocol.Records;

namespace GridEdge.Edge.Tests.Time;

public sealed class GatewayClockTests
{
    private static readonly DateTimeOffset SavedAtLastShutdown = new(2025, 1, 3, 4, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset RealNow = new(2026, 11, 26, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void A_fresh_boot_is_unsynchronised_and_stamps_the_system_time()
    {
        var time = new ManualTimeProvider(SavedAtLastShutdown, monotonicMs: 1_000_000);
        var clock = new GatewayClock(time, Guid.NewGuid());

        var (at, quality) = clock.Now();

        Assert.Equal(ClockQuality.Unsynchronised, quality);
        Assert.Equal(SavedAtLastShutdown, at);
    }

    [Fact]
    public void Gnss_time_disciplines_stamps_even_when_the_system_clock_is_wrong()
    {
        var time = new ManualTimeProvider(SavedAtLastShutdown, monotonicMs: 1_000_000);
        var clock = new GatewayClock(time, Guid.NewGuid());

        clock.ReportGnssTime(RealNow);
        time.Advance(TimeSpan.FromSeconds(90));
        var (at, quality) = clock.Now();

        Assert.Equal(ClockQuality.GnssDisciplined, quality);
        Assert.Equal(RealNow.AddSeconds(90), at);
    }

    [Fact]
    public void Gnss_discipline_lapses_after_the_holdover_without_a_new_fix()
    {
        var time = new ManualTimeProvider(SavedAtLastShutdown, monotonicMs: 1_000_000);
        var clock = new GatewayClock(time, Guid.NewGuid());
        clock.ReportGnssTime(RealNow);

        time.Advance(GatewayClock.GnssHoldover + TimeSpan.FromSeconds(1));

        Assert.Equal(ClockQuality.Unsynchronised, clock.Quality);
        clock.ReportKernelSynchronised(true);
        Assert.Equal(ClockQuality.NetworkSynced, clock.Quality);
    }

    [Fact]
    public void The_first_trustworthy_source_is_announced_once_with_its_anchor()
    {
        var time = new ManualTimeProvider(SavedAtLastShutdown, monotonicMs: 5_000);
        var clock = new GatewayClock(time, Guid.NewGuid());
        var anchors = new List<TimeAnchor>();
        clock.TrustedTimeAcquired += anchors.Add;

        clock.ReportKernelSynchronised(false);
        clock.ReportGnssTime(RealNow);
        clock.ReportKernelSynchronised(true);
        clock.ReportGnssTime(RealNow.AddMinutes(1));

        var anchor = Assert.Single(anchors);
        Assert.Equal(new TimeAnchor(RealNow, 5_000, ClockQuality.GnssDisciplined), anchor);
        Assert.Equal(RealNow.AddSeconds(-5), anchor.At(0));
    }
}
