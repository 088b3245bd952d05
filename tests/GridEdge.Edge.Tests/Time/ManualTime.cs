namespace GridEdge.Edge.Tests.Time;

/// <summary>A clock the test moves by hand: a system clock that may be wrong, and a monotonic clock in milliseconds.</summary>
internal sealed class ManualTime(DateTimeOffset systemNow, long monotonicMs = 1_000_000) : TimeProvider
{
    public DateTimeOffset SystemNow { get; set; } = systemNow;
    public long MonotonicMs { get; set; } = monotonicMs;

    public override DateTimeOffset GetUtcNow() => SystemNow;
    public override long TimestampFrequency => 1000;
    public override long GetTimestamp() => MonotonicMs;

    /// <summary>Time passes: both clocks move together.</summary>
    public void Advance(TimeSpan by)
    {
        SystemNow += by;
        MonotonicMs += (long)by.TotalMilliseconds;
    }
}
