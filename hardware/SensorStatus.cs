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
