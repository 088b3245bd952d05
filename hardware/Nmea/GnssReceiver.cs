namespace GridEdge.Hardware.Nmea;

/// <summary>The gateway's position as the receiver last reported it, and whether it can be trusted.</summary>
/// <param name="PositionTrusted">The latest position-bearing sentence was a fix (RMC/GLL status A or GGA quality above 0).</param>
/// <param name="Latitude">Last trusted latitude, decimal degrees (null until the first fix; kept when the fix is lost).</param>
/// <param name="Longitude">Last trusted longitude, decimal degrees.</param>
/// <param name="AltitudeMeters">Altitude of the last trusted GGA.</param>
/// <param name="TrustedAt">Gateway clock when the last trusted position arrived.</param>
/// <param name="FixQuality">Latest GGA fix quality.</param>
/// <param name="SatellitesUsed">Latest GGA satellite count.</param>
/// <param name="Hdop">Latest HDOP (GGA or GSA).</param>
/// <param name="Talker">Talker of the latest position-bearing sentence.</param>
public readonly record struct GnssFix(
    bool PositionTrusted, double? Latitude, double? Longitude, double? AltitudeMeters, DateTimeOffset? TrustedAt,
    GnssFixQuality FixQuality, int? SatellitesUsed, double? Hdop, NmeaTalker Talker);

/// <summary>
/// UTC from an RMC sentence (date + time), with when it arrived by the gateway's clocks. A time source for clock
/// discipline: valid only with RMC status A. NMEA arrives some hundred milliseconds after the second it names, so
/// without a PPS line the precision is about half a second.
/// </summary>
/// <param name="Utc">The time the receiver stated.</param>
/// <param name="IsValid">RMC status was A (a fix, so the receiver's time is from the satellites, not its own RTC).</param>
/// <param name="ReceivedAt">Gateway wall clock at arrival.</param>
/// <param name="MonotonicTimestamp"><see cref="TimeProvider.GetTimestamp"/> at arrival.</param>
public readonly record struct GnssTime(DateTimeOffset Utc, bool IsValid, DateTimeOffset ReceivedAt, long MonotonicTimestamp);

/// <summary>Running totals of a <see cref="GnssReceiver"/>.</summary>
public readonly record struct NmeaCounters(
    long Lines, long Sentences, long ChecksumErrors, long MissingChecksums, long Malformed, long NotSentences, long TooLong, long Unsupported);

/// <summary>Handles a parsed sentence without copying it.</summary>
public delegate void NmeaSentenceHandler(in NmeaSentence sentence);

/// <summary>Settings of a <see cref="GnssReceiver"/>.</summary>
public sealed class GnssReceiverOptions
{
    /// <summary>No valid sentence for this long is a <see cref="SensorHealth.NoData"/> fault (receivers talk every second).</summary>
    public TimeSpan NoSentenceTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>This many consecutive lines failing checksum or parse is a <see cref="SensorHealth.BadFrames"/> fault (wrong baud rate looks like this).</summary>
    public int MaxConsecutiveBadSentences { get; set; } = 20;
    /// <summary>How often <see cref="GnssReceiver.RunAsync"/> re-evaluates health when nothing arrives.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws naming the first setting out of range.</summary>
    public void Validate()
    {
        if (NoSentenceTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(NoSentenceTimeout), NoSentenceTimeout, "NoSentenceTimeout must be positive.");
        if (MaxConsecutiveBadSentences < 1) throw new ArgumentOutOfRangeException(nameof(MaxConsecutiveBadSentences), MaxConsecutiveBadSentences, "MaxConsecutiveBadSentences must be at least 1.");
        if (HealthCheckInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(HealthCheckInterval), HealthCheckInterval, "HealthCheckInterval must be positive.");
    }
}

/// <summary>
/// A GNSS receiver speaking NMEA 0183 on a serial <see cref="Stream"/> (UART or USB CDC) or fed line by line: keeps the
/// fix, quality, satellites and HDOP, and gives UTC time from RMC.
/// </summary>
public sealed class GnssReceiver
{
    private readonly Stream? _stream;
    private readonly GnssReceiverOptions _options;
    private readonly TimeProvider _time;
    private readonly NmeaLineSplitter _splitter = new();
    private readonly byte[] _readBuffer = new byte[512];
    private readonly object _gate = new();
    private NmeaSentence _sentence;

    private GnssFix _fix;
    private GnssTime _lastTime;
    private bool _hasTime;
    private readonly SensorHealthTracker _health;
    private DateTimeOffset _started;
    private DateTimeOffset? _lastSentenceAt;
    private int _consecutiveBad;
    private long _lines, _sentences, _checksum, _missing, _malformed, _notSentences, _tooLong, _unsupported;

    /// <summary>Creates a receiver reading <paramref name="stream"/> (open at the module's baud rate, 9600 for most) in <see cref="RunAsync"/>.</summary>
    public GnssReceiver(Stream stream, GnssReceiverOptions? options = null, TimeProvider? timeProvider = null)
        : this(options, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    /// <summary>Creates a receiver fed through <see cref="ProcessLine"/> or <see cref="Process"/> only.</summary>
    public GnssReceiver(GnssReceiverOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new GnssReceiverOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _started = _time.GetUtcNow();
        _health = new SensorHealthTracker(_gate, _time, new SensorStatus(SensorHealth.Starting, "waiting for the first sentence", _started), Judge, Describe);
    }

    /// <summary>Every sentence that passed its checksum and parsed, by reference (no copy). Raised on the reading thread.</summary>
    public event NmeaSentenceHandler? SentenceParsed;
    /// <summary>A GGA, RMC or GLL sentence updated the fix.</summary>
    public event Action<GnssFix>? FixUpdated;
    /// <summary>An RMC sentence carried date and time.</summary>
    public event Action<GnssTime>? TimeReceived;
    /// <summary>The health changed.</summary>
    public event Action<SensorStatus>? StatusChanged;

    /// <summary>The current fix.</summary>
    public GnssFix Fix { get { lock (_gate) return _fix; } }
    /// <summary>The latest RMC time, if one arrived.</summary>
    public bool TryGetTime(out GnssTime time) { lock (_gate) { time = _lastTime; return _hasTime; } }
    /// <summary>Health as last evaluated.</summary>
    public SensorStatus Status => _health.Status;
    /// <summary>Totals since creation.</summary>
    public NmeaCounters Counters { get { lock (_gate) return new(_lines, _sentences, _checksum, _missing, _malformed, _notSentences, _tooLong, _unsupported); } }

    /// <summary>Reads the stream until it ends or is cancelled, evaluating health on a timer.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_stream is null) throw new InvalidOperationException("This GnssReceiver has no stream; feed it with Process or ProcessLine.");
        using var timer = _time.CreateTimer(_ => EvaluateHealth(), null, _options.HealthCheckInterval, _options.HealthCheckInterval);
        while (!cancellationToken.IsCancellationRequested)
        {
            int read;
            try { read = await _stream.ReadAsync(_readBuffer, cancellationToken).ConfigureAwait(false); }
            catch (TimeoutException) { EvaluateHealth(); continue; }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
            catch (IOException e)
            {
                SetStatus(SensorHealth.NoData, $"serial read failed: {e.Message}");
                throw;
            }
            if (read == 0)
            {
                SetStatus(SensorHealth.NoData, "the serial stream ended");
                return;
            }
            Process(_readBuffer.AsSpan(0, read));
        }
    }

    /// <summary>Feeds raw bytes; complete lines are parsed, a partial last line is kept for the next call.</summary>
    public void Process(ReadOnlySpan<byte> bytes)
    {
        while (_splitter.TryReadLine(ref bytes, out var line, out var tooLong))
        {
            if (tooLong) { lock (_gate) { _lines++; _tooLong++; _consecutiveBad++; } continue; }
            ProcessLine(line);
        }
        EvaluateHealth();
    }

    /// <summary>Parses one line and updates fix, time and counters. Returns what the parser made of it.</summary>
    public NmeaParseResult ProcessLine(ReadOnlySpan<byte> line)
    {
        NmeaParseResult result;
        GnssFix? fix = null;
        GnssTime? time = null;
        lock (_gate)
        {
            result = NmeaParser.Parse(line, ref _sentence);
            if (result == NmeaParseResult.Empty) return result;
            _lines++;
            switch (result)
            {
                case NmeaParseResult.Ok:
                    _sentences++;
                    _consecutiveBad = 0;
                    _lastSentenceAt = _time.GetUtcNow();
                    if (_sentence.Type == NmeaSentenceType.Other) _unsupported++;
                    Apply(ref fix, ref time);
                    break;
                case NmeaParseResult.ChecksumMismatch: _checksum++; _consecutiveBad++; break;
                case NmeaParseResult.MissingChecksum: _missing++; _consecutiveBad++; break;
                case NmeaParseResult.NoStartDelimiter: _notSentences++; _consecutiveBad++; break;
                case NmeaParseResult.TooLong: _tooLong++; _consecutiveBad++; break;
                default: _malformed++; _consecutiveBad++; break;
            }
        }
        if (result == NmeaParseResult.Ok) SentenceParsed?.Invoke(in _sentence);
        if (fix is { } f) FixUpdated?.Invoke(f);
        if (time is { } t) TimeReceived?.Invoke(t);
        return result;
    }

    /// <summary>Re-evaluates health against the clock; raises <see cref="StatusChanged"/> when it changed.</summary>
    public SensorStatus EvaluateHealth() => _health.Evaluate(StatusChanged);

    // Under _gate.
    private void Apply(ref GnssFix? fixChanged, ref GnssTime? timeReceived)
    {
        ref var s = ref _sentence;
        var now = _time.GetUtcNow();
        switch (s.Type)
        {
            case NmeaSentenceType.GGA:
                _fix = _fix with
                {
                    FixQuality = s.FixQuality ?? GnssFixQuality.Invalid,
                    SatellitesUsed = s.SatellitesUsed,
                    Hdop = s.Hdop ?? _fix.Hdop,
                    Talker = s.Talker,
                };
                UpdatePosition(ref s, now, s.AltitudeMeters);
                fixChanged = _fix;
                break;
            case NmeaSentenceType.RMC or NmeaSentenceType.GLL:
                _fix = _fix with { Talker = s.Talker };
                UpdatePosition(ref s, now, null);
                fixChanged = _fix;
                if (s.Type == NmeaSentenceType.RMC && s.Date is { } date && s.Time is { } t)
                {
                    _lastTime = new GnssTime(new DateTimeOffset(date.ToDateTime(t), TimeSpan.Zero), s.Status == NmeaDataStatus.Valid, now, _time.GetTimestamp());
                    _hasTime = true;
                    timeReceived = _lastTime;
                }
                break;
            case NmeaSentenceType.GSA when s.Hdop is { } hdop:
                _fix = _fix with { Hdop = hdop };
                break;
        }
    }

    private void UpdatePosition(ref NmeaSentence s, DateTimeOffset now, double? altitude)
    {
        // Receivers keep repeating the last position after losing the fix: only a sentence that says "fix" is trusted.
        if (s.HasTrustedPosition)
            _fix = _fix with { PositionTrusted = true, Latitude = s.Latitude, Longitude = s.Longitude, AltitudeMeters = altitude ?? _fix.AltitudeMeters, TrustedAt = now };
        else
            _fix = _fix with { PositionTrusted = false };
    }

    // Under _gate.
    private SensorHealth Judge(DateTimeOffset now)
    {
        if (_consecutiveBad >= _options.MaxConsecutiveBadSentences) return SensorHealth.BadFrames;
        if (now - (_lastSentenceAt ?? _started) > _options.NoSentenceTimeout) return SensorHealth.NoData;
        return _lastSentenceAt is null ? SensorHealth.Starting : SensorHealth.Ok;
    }

    private string Describe(SensorHealth health, DateTimeOffset now) => health switch
    {
        SensorHealth.BadFrames => $"{_consecutiveBad} consecutive lines failed checksum or parsing (limit {_options.MaxConsecutiveBadSentences}); check the baud rate",
        SensorHealth.NoData => $"no valid sentence for {(now - (_lastSentenceAt ?? _started)).TotalSeconds:0.#} s (timeout {_options.NoSentenceTimeout.TotalSeconds:0.#} s)",
        SensorHealth.Starting => "waiting for the first sentence",
        _ => "sentences arriving",
    };

    private void SetStatus(SensorHealth health, string message) => _health.Set(health, message, StatusChanged);
}
