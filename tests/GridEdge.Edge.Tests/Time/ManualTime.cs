namespace GridEdge.Edge.Tests.Time;

/// <summary>A clock the test moves by hand: a system clock that may be wrong, a monotonic clock in milliseconds, and timers that fire as it moves.</summary>
internal sealed class ManualTime(DateTimeOffset systemNow, long monotonicMs = 1_000_000) : TimeProvider
{
    private readonly List<ManualTimer> _timers = [];

    public DateTimeOffset SystemNow { get; set; } = systemNow;
    public long MonotonicMs { get; set; } = monotonicMs;

    public override DateTimeOffset GetUtcNow() => SystemNow;
    public override long TimestampFrequency => 1000;
    public override long GetTimestamp() => MonotonicMs;

    /// <summary>Time passes: both clocks move together, and every timer due meanwhile fires (on the caller's thread).</summary>
    public void Advance(TimeSpan by)
    {
        SystemNow += by;
        MonotonicMs += (long)by.TotalMilliseconds;
        while (NextDue() is { } timer) timer.Fire();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (_timers) _timers.Add(timer);
        return timer;
    }

    private ManualTimer? NextDue()
    {
        lock (_timers) return _timers.Where(t => t.DueMs <= MonotonicMs).MinBy(t => t.DueMs);
    }

    private void Remove(ManualTimer timer)
    {
        lock (_timers) _timers.Remove(timer);
    }

    private sealed class ManualTimer(ManualTime time, TimerCallback callback, object? state) : ITimer
    {
        private long _periodMs;

        public long DueMs { get; private set; } = long.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            DueMs = dueTime == Timeout.InfiniteTimeSpan ? long.MaxValue : time.MonotonicMs + (long)dueTime.TotalMilliseconds;
            _periodMs = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? 0 : (long)period.TotalMilliseconds;
            return true;
        }

        public void Fire()
        {
            DueMs = _periodMs == 0 ? long.MaxValue : DueMs + _periodMs;
            callback(state);
        }

        public void Dispose()
        {
            DueMs = long.MaxValue;
            time.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
