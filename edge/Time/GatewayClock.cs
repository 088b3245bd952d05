using GridEdge.Protocol.Records;

namespace GridEdge.Edge.Time;

/// <summary>A moment a trustworthy time source vouched for: its UTC time and the monotonic clock at that instant.</summary>
public readonly record struct TimeAnchor(DateTimeOffset Utc, long MonotonicMs, ClockQuality Source)
{
    /// <summary>The UTC time of another moment of the same boot, from the monotonic clock.</summary>
    public DateTimeOffset At(long monotonicMs) => Utc.AddMilliseconds(monotonicMs - MonotonicMs);
}

/// <summary>
/// The gateway's sense of time. A Pi has no real-time clock: it boots with whatever time it last saved, so every
/// record is stamped with the quality of the clock at that moment. GNSS time (from the NMEA driver) or a kernel
/// synchronised by NTP make the time trustworthy; until then it is <see cref="ClockQuality.Unsynchronised"/>.
/// The monotonic clock (milliseconds since the OS booted) and the boot id let records stamped before a trustworthy
/// source appeared be corrected afterwards (<see cref="Outbox.OutboxStore.CorrectTimestamps"/>).
/// </summary>
public sealed class GatewayClock(TimeProvider time, Guid bootId)
{
    /// <summary>How long a GNSS fix keeps the clock disciplined without a new one.</summary>
    public static readonly TimeSpan GnssHoldover = TimeSpan.FromMinutes(15);

    private readonly Lock _lock = new();
    private TimeAnchor? _gnss;
    private bool _kernelSynchronised;
    private bool _everTrusted;

    /// <summary>The clock of this OS boot, with the boot id Linux gives it; on the system clock unless another is given.</summary>
    public static GatewayClock ForThisBoot(TimeProvider? time = null) => new(time ?? TimeProvider.System, OsBootId());

    /// <summary>Identifies this OS boot: monotonic times compare only within one.</summary>
    public Guid BootId { get; } = bootId;

    /// <summary>The system clock, right or wrong.</summary>
    public DateTimeOffset SystemUtcNow => time.GetUtcNow();

    /// <summary>Milliseconds on the monotonic clock (on Linux, since the OS booted; never steps).</summary>
    public long MonotonicMs => (long)(time.GetTimestamp() * 1000.0 / time.TimestampFrequency);

    /// <summary>Raised once, the first time the clock becomes trustworthy in this process, with the anchor to correct earlier stamps against.</summary>
    public event Action<TimeAnchor>? TrustedTimeAcquired;

    public ClockQuality Quality
    {
        get
        {
            lock (_lock) return CurrentQuality(MonotonicMs);
        }
    }

    /// <summary>The time to stamp a record with now, and how far to trust it.</summary>
    public (DateTimeOffset At, ClockQuality Quality) Now()
    {
        lock (_lock)
        {
            var mono = MonotonicMs;
            var quality = CurrentQuality(mono);
            // With GNSS we trust the receiver over the system clock, which nothing may have set yet.
            return quality == ClockQuality.GnssDisciplined ? (_gnss!.Value.At(mono), quality) : (time.GetUtcNow(), quality);
        }
    }

    /// <summary>A valid UTC time from the GNSS receiver (RMC status A), received now.</summary>
    public void ReportGnssTime(DateTimeOffset utc)
    {
        TimeAnchor anchor;
        lock (_lock)
        {
            anchor = new TimeAnchor(utc.ToUniversalTime(), MonotonicMs, ClockQuality.GnssDisciplined);
            _gnss = anchor;
        }
        BecameTrusted(anchor);
    }

    /// <summary>Whether the kernel says NTP (or chrony, or timesyncd) has synchronised the system clock.</summary>
    public void ReportKernelSynchronised(bool synchronised)
    {
        TimeAnchor anchor;
        lock (_lock)
        {
            _kernelSynchronised = synchronised;
            if (!synchronised) return;
            anchor = new TimeAnchor(time.GetUtcNow(), MonotonicMs, ClockQuality.NetworkSynced);
        }
        BecameTrusted(anchor);
    }

    private void BecameTrusted(TimeAnchor anchor)
    {
        lock (_lock)
        {
            if (_everTrusted) return;
            _everTrusted = true;
        }
        TrustedTimeAcquired?.Invoke(anchor);
    }

    private ClockQuality CurrentQuality(long mono)
    {
        if (_gnss is { } g && mono - g.MonotonicMs <= GnssHoldover.TotalMilliseconds) return ClockQuality.GnssDisciplined;
        return _kernelSynchronised ? ClockQuality.NetworkSynced : ClockQuality.Unsynchronised;
    }

    private static Guid OsBootId()
    {
        try
        {
            if (Guid.TryParse(File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim(), out var id)) return id;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        // No boot id (not Linux): this process is the unit of monotonic continuity.
        return Guid.NewGuid();
    }
}
