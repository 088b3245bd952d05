using System.Globalization;
using System.Text;

namespace GridEdge.Hardware.Simulation;

/// <summary>Formats valid NMEA sentences (correct checksums) for a position and time, as a receiver would send them.</summary>
public static class NmeaSentenceWriter
{
    /// <summary>"$" + body + "*" + checksum + CRLF.</summary>
    public static string Seal(string body)
    {
        byte checksum = 0;
        foreach (var c in body) checksum ^= (byte)c;
        return $"${body}*{checksum:X2}\r\n";
    }

    /// <summary>An RMC sentence: status A with a fix, V without (position fields then empty).</summary>
    public static string Rmc(DateTimeOffset utc, double latitude, double longitude, bool valid, string talker = "GN", double speedKnots = 0, double? courseDegrees = null)
    {
        var u = utc.UtcDateTime;
        var position = valid ? $"{Latitude(latitude)},{Longitude(longitude)}" : ",,,";
        var course = courseDegrees is { } c ? c.ToString("0.00", CultureInfo.InvariantCulture) : "";
        var speed = valid ? speedKnots.ToString("0.00", CultureInfo.InvariantCulture) : "";
        return Seal($"{talker}RMC,{Time(u)},{(valid ? 'A' : 'V')},{position},{speed},{course},{u:ddMMyy},,,{(valid ? 'A' : 'N')}");
    }

    /// <summary>A GGA sentence: quality 1 with a fix, 0 and empty position without.</summary>
    public static string Gga(DateTimeOffset utc, double latitude, double longitude, bool valid, int satellites, double hdop, double altitudeMeters, string talker = "GN")
    {
        var u = utc.UtcDateTime;
        var position = valid ? $"{Latitude(latitude)},{Longitude(longitude)}" : ",,,";
        var alt = valid ? altitudeMeters.ToString("0.0", CultureInfo.InvariantCulture) : "";
        return Seal(string.Create(CultureInfo.InvariantCulture, $"{talker}GGA,{Time(u)},{position},{(valid ? 1 : 0)},{satellites:00},{hdop:0.0},{alt},M,0.0,M,,"));
    }

    private static string Time(DateTime u) => u.ToString("HHmmss.fff", CultureInfo.InvariantCulture);

    private static string Latitude(double value)
    {
        var a = Math.Abs(value);
        var degrees = (int)a;
        return string.Create(CultureInfo.InvariantCulture, $"{degrees:00}{(a - degrees) * 60:00.00000},{(value >= 0 ? 'N' : 'S')}");
    }

    private static string Longitude(double value)
    {
        var a = Math.Abs(value);
        var degrees = (int)a;
        return string.Create(CultureInfo.InvariantCulture, $"{degrees:000}{(a - degrees) * 60:00.00000},{(value >= 0 ? 'E' : 'W')}");
    }
}

/// <summary>
/// A GNSS receiver on a serial line, simulated: every interval, RMC and GGA for the clock's current UTC at a fixed
/// position. <see cref="HasFix"/> false sends the no-fix forms (status V, quality 0).
/// </summary>
public sealed class SimulatedGnssStream : Stream
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly string _talker;
    private readonly object _gate = new();
    private byte[] _pending = [];
    private int _pendingPosition;
    private bool _disposed;

    /// <summary>Creates the receiver at a position.</summary>
    public SimulatedGnssStream(double latitude, double longitude, double altitudeMeters = 50, TimeProvider? timeProvider = null, TimeSpan? interval = null, string talker = "GN")
    {
        Latitude = latitude;
        Longitude = longitude;
        AltitudeMeters = altitudeMeters;
        _time = timeProvider ?? TimeProvider.System;
        _interval = interval ?? TimeSpan.FromSeconds(1);
        _talker = talker;
    }

    public double Latitude { get; set; }
    public double Longitude { get; set; }
    public double AltitudeMeters { get; set; }
    /// <summary>False: the receiver has no fix (cold start, antenna indoors).</summary>
    public bool HasFix { get; set; } = true;
    /// <summary>Satellites used when there is a fix.</summary>
    public int Satellites { get; set; } = 9;

    public override bool CanRead => !_disposed;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        bool empty;
        lock (_gate) empty = _pendingPosition >= _pending.Length;
        if (empty)
        {
            await Task.Delay(_interval, _time, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var text = NmeaSentenceWriter.Rmc(now, Latitude, Longitude, HasFix, _talker)
                + NmeaSentenceWriter.Gga(now, Latitude, Longitude, HasFix, HasFix ? Satellites : 0, HasFix ? 0.9 : 99.99, AltitudeMeters, _talker);
            lock (_gate) { _pending = Encoding.ASCII.GetBytes(text); _pendingPosition = 0; }
        }
        lock (_gate)
        {
            var n = Math.Min(buffer.Length, _pending.Length - _pendingPosition);
            _pending.AsSpan(_pendingPosition, n).CopyTo(buffer.Span);
            _pendingPosition += n;
            return n;
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The simulated receiver takes no commands.");

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }
}
