using GridEdge.Protocol.Hj212;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Monitors;

/// <summary>
/// The monitors registered on this gateway (from Edge:Hj212:Monitors), how to authenticate them, and when each was last heard
/// from. The uplink republishes <see cref="Snapshot"/> in the gateway status when <see cref="StatusDue"/> says so.
/// </summary>
public sealed class MonitorDirectory
{
    private readonly Dictionary<string, RegisteredMonitor> _byMn;
    private readonly Dictionary<string, RegisteredMonitor>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly RegisteredMonitor[] _ordered;
    private readonly TimeSpan _statusInterval;
    private long _version;
    private long _publishedVersion = -1;
    private long _publishedAt = NeverPublished;
    private const long NeverPublished = long.MinValue;
    private readonly TimeProvider _time;

    /// <param name="time">The clock of the status interval; the system clock when null.</param>
    public MonitorDirectory(IOptions<Hj212Options> options, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        var o = options.Value;
        var offset = o.ParsedUtcOffset;
        _ordered = o.Monitors.Select(m => new RegisteredMonitor(m.Mn, m.Pw, m.Station,
            new Hj212MonitorProfile(m.Mn, offset, m.Clock, m.ParticulateScale, m.MinuteWindowSeconds))).ToArray();
        _byMn = _ordered.ToDictionary(m => m.Mn, StringComparer.Ordinal);
        _lookup = _byMn.GetAlternateLookup<ReadOnlySpan<char>>();
        _statusInterval = TimeSpan.FromSeconds(o.StatusIntervalSeconds);
    }

    public int Count => _ordered.Length;

    /// <summary>Finds a registered monitor by the MN bytes of a frame, without allocating.</summary>
    public RegisteredMonitor? Find(ReadOnlySpan<byte> mn)
    {
        if (mn.Length > 64) return null;
        Span<char> chars = stackalloc char[mn.Length];
        for (var i = 0; i < mn.Length; i++) chars[i] = (char)mn[i];
        return _lookup.TryGetValue(chars, out var monitor) ? monitor : null;
    }

    /// <summary>Records an accepted frame from a monitor.</summary>
    public void Touch(RegisteredMonitor monitor, DateTimeOffset at)
    {
        monitor.LastContactMs = at.ToUnixTimeMilliseconds();
        Interlocked.Increment(ref _version);
    }

    /// <summary>
    /// Records an accepted frame that broke the standard in a way the listener reads anyway; returns the monitor's count of
    /// such frames since start (1 the first time, so the caller can say so once).
    /// </summary>
    public long ConformanceWarning(RegisteredMonitor monitor)
    {
        var count = monitor.AddConformanceWarning();
        Interlocked.Increment(ref _version);
        return count;
    }

    /// <summary>Records a data frame of a monitor stamped far from the gateway's clock; returns the monitor's count of such frames since start.</summary>
    public long FarOffDataTime(RegisteredMonitor monitor) => monitor.AddFarOffDataTime();

    /// <summary>The registered monitors, their last contact and conformance warnings, in configuration order; null when none are registered (the status then carries no list).</summary>
    public IReadOnlyList<MonitorStatus>? Snapshot()
    {
        if (_ordered.Length == 0) return null;
        var list = new MonitorStatus[_ordered.Length];
        for (var i = 0; i < list.Length; i++)
        {
            var m = _ordered[i];
            var ms = m.LastContactMs;
            list[i] = new MonitorStatus(m.Mn, m.Station, ms == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms), m.ConformanceWarnings);
        }
        return list;
    }

    /// <summary>Whether the list changed since it was last published and the status interval has passed.</summary>
    public bool StatusDue() =>
        _ordered.Length > 0 && Volatile.Read(ref _version) != Volatile.Read(ref _publishedVersion) &&
        (Volatile.Read(ref _publishedAt) == NeverPublished || _time.GetElapsedTime(Volatile.Read(ref _publishedAt)) >= _statusInterval);

    /// <summary>Called by the uplink after it published a status carrying <see cref="Snapshot"/>.</summary>
    public void MarkPublished()
    {
        Volatile.Write(ref _publishedVersion, Volatile.Read(ref _version));
        Volatile.Write(ref _publishedAt, _time.GetTimestamp());
    }
}

/// <summary>A monitor registered in configuration, with its last contact, conformance warnings and far-off DataTimes.</summary>
public sealed class RegisteredMonitor(string mn, string pw, string? station, Hj212MonitorProfile profile)
{
    private long _lastContactMs;
    private long _conformanceWarnings;
    private long _farOffDataTimes;

    public string Mn { get; } = mn;
    public string? Station { get; } = station;
    public Hj212MonitorProfile Profile { get; } = profile;
    private readonly byte[] _pw = System.Text.Encoding.ASCII.GetBytes(pw);

    public long LastContactMs { get => Volatile.Read(ref _lastContactMs); set => Volatile.Write(ref _lastContactMs, value); }

    /// <summary>Accepted frames that broke the standard in a way the listener reads anyway, since start.</summary>
    public long ConformanceWarnings => Interlocked.Read(ref _conformanceWarnings);

    internal long AddConformanceWarning() => Interlocked.Increment(ref _conformanceWarnings);

    /// <summary>Data frames whose DataTime lay far from the gateway's clock (stored flagged, not judged by the alert engine), since start.</summary>
    public long FarOffDataTimes => Interlocked.Read(ref _farOffDataTimes);

    internal long AddFarOffDataTime() => Interlocked.Increment(ref _farOffDataTimes);

    public bool PasswordMatches(ReadOnlySpan<byte> pw) => System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(pw, _pw);
}
