namespace GridEdge.Hardware.Pms5003;

/// <summary>Settings of a <see cref="Pms5003"/>; plain values so they bind from configuration.</summary>
public sealed class Pms5003Options
{
    /// <summary>The sensor model, which fixes the frame layout.</summary>
    public PmsModel Model { get; set; } = PmsModel.Pms5003;

    /// <summary>
    /// No valid frame for this long while frames are expected is a <see cref="SensorHealth.NoData"/> fault. The manual
    /// gives 200-800 ms between frames in active mode (2.3 s when values are steady), so 10 s is many missed frames.
    /// </summary>
    public TimeSpan NoFrameTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>This many consecutive bad frames (checksum, torn, length, implausible) is a <see cref="SensorHealth.BadFrames"/> fault.</summary>
    public int MaxConsecutiveBadFrames { get; set; } = 5;

    /// <summary>Identical measurements for this long is a <see cref="SensorHealth.Stuck"/> fault. Counts fluctuate in any real air, so a long run of equal frames means the sensor stopped measuring.</summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Readings within this long of power-on or wake are flagged as settling (manual: stable data at least 30 s after wake-up).</summary>
    public TimeSpan SettlingTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often <see cref="Pms5003.RunAsync"/> re-evaluates health when no bytes arrive.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (NoFrameTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(NoFrameTimeout), NoFrameTimeout, "NoFrameTimeout must be positive.");
        if (MaxConsecutiveBadFrames < 1) throw new ArgumentOutOfRangeException(nameof(MaxConsecutiveBadFrames), MaxConsecutiveBadFrames, "MaxConsecutiveBadFrames must be at least 1.");
        if (StuckAfter <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StuckAfter), StuckAfter, "StuckAfter must be positive.");
        if (SettlingTime < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(SettlingTime), SettlingTime, "SettlingTime cannot be negative.");
        if (HealthCheckInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(HealthCheckInterval), HealthCheckInterval, "HealthCheckInterval must be positive.");
        if (!Enum.IsDefined(Model)) throw new ArgumentOutOfRangeException(nameof(Model), Model, "Model must be Pms5003, Pms5003T or Detect.");
    }
}

/// <summary>One valid, plausible PMS frame and when it arrived.</summary>
/// <param name="Frame">The decoded frame.</param>
/// <param name="Timestamp">Wall-clock time of arrival (the gateway's clock, whatever its quality).</param>
/// <param name="MonotonicTimestamp"><see cref="TimeProvider.GetTimestamp"/> at arrival, for correcting the wall-clock time later.</param>
/// <param name="Settling">Within <see cref="Pms5003Options.SettlingTime"/> of power-on or wake: the manual says values are not yet stable.</param>
public readonly record struct PmsReading(PmsFrame Frame, DateTimeOffset Timestamp, long MonotonicTimestamp, bool Settling);

/// <summary>Running totals of a <see cref="Pms5003"/> driver.</summary>
public readonly record struct Pms5003Counters(
    long Frames, long Readings, long WarmingUpFrames, long ImplausibleFrames, long ChecksumErrors, long TornFrames,
    long LengthErrors, long Resyncs, long BytesSkipped, long BytesRead, long Acknowledgements);
