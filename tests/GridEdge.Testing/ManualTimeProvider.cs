namespace GridEdge.Testing;

/// <summary>A clock that moves only when a test advances it; timers (and so Task.Delay with this provider) fire on Advance.</summary>
/// <remarks>
/// Unlike FakeTimeProvider it counts the timers waiting (<see cref="ActiveTimers"/>), so a test can wait until a loop
/// has done its work and is parked on its next wait before moving the clock.
/// </remarks>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private long _ticks;

    /// <param name="start">The wall clock at first.</param>
    /// <param name="monotonicMs">The monotonic clock at first, in milliseconds (since an imagined boot).</param>
    public ManualTimeProvider(DateTimeOffset? start = null, long monotonicMs = 0)
    {
        _now = start ?? new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
        _ticks = monotonicMs * TimeSpan.TicksPerMillisecond;
    }

    public override DateTimeOffset GetUtcNow() { lock (_gate) return _now; }
    public override long GetTimestamp() { lock (_gate) return _ticks; }
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>The monotonic clock in milliseconds.</summary>
    public long MonotonicMs => GetTimestamp() / TimeSpan.TicksPerMillisecond;

    /// <summary>Timers that will fire on some Advance: a loop parked on Task.Delay or a timeout holds one.</summary>
    public int ActiveTimers { get { lock (_gate) return _timers.Count(t => t.Due is not null); } }

    /// <summary>How long until the next timer fires; null when none waits. Tells which wait a loop is parked on.</summary>
    public TimeSpan? NextDueIn { get { lock (_gate) return _timers.Where(t => t.Due is not null).Min(t => t.Due) - _now; } }

    /// <summary>
    /// The wall clock is stepped (NTP correcting a wrong boot time, a hand-set clock): it jumps to <paramref name="now"/>
    /// while the monotonic clock and the timers stay where they are.
    /// </summary>
    public void StepWallClock(DateTimeOffset now)
    {
        lock (_gate) _now = now;
    }

    /// <summary>Time passes: both clocks move, and every timer due by then fires, in order, on this thread.</summary>
    public void Advance(TimeSpan by)
    {
        var target = GetUtcNow() + by;
        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due is { } d && d <= target).OrderBy(t => t.Due).FirstOrDefault();
                if (next is null)
                {
                    _ticks += (target - _now).Ticks;
                    _now = target;
                    return;
                }
                var due = next.Due!.Value;
                if (due > _now) { _ticks += (due - _now).Ticks; _now = due; }
                next.Due = next.Period is { } p ? due + p : null;
            }
            next.Fire();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (_gate) _timers.Add(timer);
        return timer;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }
        public TimeSpan? Period { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
            }
            return true;
        }

        public void Dispose()
        {
            lock (owner._gate) { Due = null; owner._timers.Remove(this); }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
