namespace GridEdge.Hardware;

/// <summary>How a sensor is doing, as a driver judges it: a fault is a status, never a zero reading.</summary>
public enum SensorHealth
{
    /// <summary>Opened, no frame yet, still inside the no-data timeout.</summary>
    Starting,
    /// <summary>Frames arrive, check out and change.</summary>
    Ok,
    /// <summary>The sensor says it is not ready (PMS all-zero frames, MQ-2 heater warm-up).</summary>
    WarmingUp,
    /// <summary>Put to sleep on purpose; silence is expected.</summary>
    Sleeping,
    /// <summary>Fault: nothing valid arrived within the timeout (sensor unplugged, unpowered, wrong port or baud).</summary>
    NoData,
    /// <summary>Fault: too many consecutive frames failed checksum, length or plausibility (wiring, noise, dying sensor).</summary>
    BadFrames,
    /// <summary>Fault: the same measurement, word for word, for longer than the configured duration (fan or laser stuck).</summary>
    Stuck,
}

/// <summary>A sensor's health with a message naming what was seen and the threshold, and since when it holds.</summary>
public readonly record struct SensorStatus(SensorHealth Health, string Message, DateTimeOffset Since)
{
    /// <summary>True for the faults: <see cref="SensorHealth.NoData"/>, <see cref="SensorHealth.BadFrames"/>, <see cref="SensorHealth.Stuck"/>.</summary>
    public bool IsFault => Health is SensorHealth.NoData or SensorHealth.BadFrames or SensorHealth.Stuck;
}

/// <summary>
/// A driver's status and its change notification, the part of health handling every driver shares: the driver judges
/// (which health holds now) and describes (the message, built only on a change, so the steady state allocates nothing);
/// this keeps the status under the driver's own lock and raises the change outside it.
/// </summary>
internal sealed class SensorHealthTracker(
    object gate,
    TimeProvider time,
    SensorStatus initial,
    Func<DateTimeOffset, SensorHealth> judge,
    Func<SensorHealth, DateTimeOffset, string> describe)
{
    private SensorStatus _status = initial;

    public SensorStatus Status { get { lock (gate) return _status; } }

    /// <summary>Re-evaluates health against the clock; calls <paramref name="changed"/> (outside the lock) when it changed.</summary>
    public SensorStatus Evaluate(Action<SensorStatus>? changed)
    {
        SensorStatus? next = null;
        SensorStatus current;
        lock (gate)
        {
            var now = time.GetUtcNow();
            var health = judge(now);
            if (health != _status.Health)
            {
                _status = new SensorStatus(health, describe(health, now), now);
                next = _status;
            }
            current = _status;
        }
        if (next is { } s) changed?.Invoke(s);
        return current;
    }

    /// <summary>Sets a status the driver found out itself (the stream failed or ended) and calls <paramref name="changed"/>.</summary>
    public void Set(SensorHealth health, string message, Action<SensorStatus>? changed)
    {
        SensorStatus status;
        lock (gate) { _status = new SensorStatus(health, message, time.GetUtcNow()); status = _status; }
        changed?.Invoke(status);
    }
}
