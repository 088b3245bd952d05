namespace GridEdge.Hardware.Pms5003;

/// <summary>
/// Plantower PMS5003/PMS7003/PMSA003 (and PMS5003T) dust sensor on a UART at 9600 8N1, read from a <see cref="Stream"/>
/// (a <c>SerialPort.BaseStream</c> on the Pi, a replay or simulation elsewhere).
/// </summary>
/// <remarks>
/// Bytes go through <see cref="PmsFrameParser"/>; plausible frames become <see cref="ReadingReceived"/> events and
/// everything else becomes counters and a <see cref="Status"/>. The sensor keeps its mode across restarts of this
/// process, so call <see cref="SetModeAsync"/> once after opening if the mode matters.
/// </remarks>
public sealed class Pms5003
{
    private readonly Stream _stream;
    private readonly Pms5003Options _options;
    private readonly TimeProvider _time;
    private readonly PmsFrameParser _parser;
    private readonly object _gate = new();
    private readonly byte[] _readBuffer = new byte[256];
    private readonly byte[] _command = new byte[PmsProtocol.CommandLength];
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    private readonly SensorHealthTracker _health;
    private PmsMode _mode = PmsMode.Active;
    private bool _sleeping;
    private DateTimeOffset? _expectSince;
    private DateTimeOffset? _lastFrameAt;
    private DateTimeOffset _settledAfter;
    private PmsFrame _lastFrame;
    private bool _hasLastFrame;
    private bool _lastWasWarmingUp;
    private DateTimeOffset _sameSince;
    private int _consecutiveBad;
    private PmsParseResult _lastBadKind;
    private long _readings, _warmingUp, _implausible, _acknowledgements;
    private PmsReading _latest;
    private bool _hasLatest;

    /// <summary>Creates the driver on a stream already open at 9600 8N1. It does not read until <see cref="RunAsync"/> or <see cref="Process"/>.</summary>
    public Pms5003(Stream stream, Pms5003Options? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _options = options ?? new Pms5003Options();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _parser = new PmsFrameParser(_options.Model);
        var now = _time.GetUtcNow();
        _expectSince = now;
        _settledAfter = now + _options.SettlingTime;
        _health = new SensorHealthTracker(_gate, _time, new SensorStatus(SensorHealth.Starting, "waiting for the first frame", now), Judge, Describe);
    }

    /// <summary>A plausible frame arrived. Raised on the reading thread; handlers must be quick.</summary>
    public event Action<PmsReading>? ReadingReceived;

    /// <summary>The health changed (raised on the reading or the health-check thread).</summary>
    public event Action<SensorStatus>? StatusChanged;

    /// <summary>The health as last evaluated (after each chunk of bytes and every <see cref="Pms5003Options.HealthCheckInterval"/> in <see cref="RunAsync"/>).</summary>
    public SensorStatus Status => _health.Status;

    /// <summary>The mode this driver last set (active until told otherwise).</summary>
    public PmsMode Mode { get { lock (_gate) return _mode; } }

    /// <summary>Totals since creation.</summary>
    public Pms5003Counters Counters
    {
        get
        {
            lock (_gate)
            {
                var p = _parser.Counters;
                return new Pms5003Counters(p.Frames, _readings, _warmingUp, _implausible, p.ChecksumErrors, p.TornFrames,
                    p.LengthErrors, p.Resyncs, p.BytesSkipped, p.BytesRead, _acknowledgements);
            }
        }
    }

    /// <summary>The last plausible reading, if any.</summary>
    public bool TryGetLatest(out PmsReading reading)
    {
        lock (_gate)
        {
            reading = _latest;
            return _hasLatest;
        }
    }

    /// <summary>Reads the stream until it ends or <paramref name="cancellationToken"/> fires, checking health on a timer meanwhile.</summary>
    /// <remarks>A <see cref="TimeoutException"/> from a serial stream with a read timeout is silence, not an error. An
    /// <see cref="IOException"/> (USB adapter pulled) sets <see cref="SensorHealth.NoData"/> and is rethrown for the host to reopen the port.</remarks>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = _time.CreateTimer(_ => EvaluateHealth(), null, _options.HealthCheckInterval, _options.HealthCheckInterval);
        while (!cancellationToken.IsCancellationRequested)
        {
            int read;
            try
            {
                read = await _stream.ReadAsync(_readBuffer, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                EvaluateHealth();
                continue;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
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

    /// <summary>Feeds received bytes through the parser, raising <see cref="ReadingReceived"/> per plausible frame.</summary>
    public void Process(ReadOnlySpan<byte> bytes)
    {
        while (true)
        {
            PmsReading reading;
            lock (_gate)
            {
                var result = _parser.Parse(ref bytes, out var frame);
                if (result == PmsParseResult.NeedMoreData) break;
                if (!Handle(result, frame, out reading)) continue;
            }
            ReadingReceived?.Invoke(reading);
        }
        EvaluateHealth();
    }

    /// <summary>Re-evaluates health against the clock; raises <see cref="StatusChanged"/> when it changed.</summary>
    public SensorStatus EvaluateHealth() => _health.Evaluate(StatusChanged);

    /// <summary>Switches between active (frames on its own) and passive (frames on request) mode.</summary>
    public async Task SetModeAsync(PmsMode mode, CancellationToken cancellationToken = default)
    {
        await SendAsync(PmsCommand.ChangeMode, mode == PmsMode.Active ? (ushort)1 : (ushort)0, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _mode = mode;
            _expectSince = mode == PmsMode.Active ? _time.GetUtcNow() : null;
        }
        EvaluateHealth();
    }

    /// <summary>In passive mode, asks for one frame; no frame within <see cref="Pms5003Options.NoFrameTimeout"/> is a fault.</summary>
    public async Task RequestReadAsync(CancellationToken cancellationToken = default)
    {
        await SendAsync(PmsCommand.ReadPassive, 0, cancellationToken).ConfigureAwait(false);
        lock (_gate) _expectSince ??= _time.GetUtcNow();
    }

    /// <summary>Stops the fan and laser (the sensor then sends nothing; status becomes <see cref="SensorHealth.Sleeping"/>).</summary>
    public async Task SleepAsync(CancellationToken cancellationToken = default)
    {
        await SendAsync(PmsCommand.SleepWake, 0, cancellationToken).ConfigureAwait(false);
        lock (_gate) { _sleeping = true; _expectSince = null; }
        EvaluateHealth();
    }

    /// <summary>Wakes the sensor; readings are flagged as settling for <see cref="Pms5003Options.SettlingTime"/>.</summary>
    public async Task WakeAsync(CancellationToken cancellationToken = default)
    {
        await SendAsync(PmsCommand.SleepWake, 1, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            _sleeping = false;
            _settledAfter = now + _options.SettlingTime;
            _expectSince = _mode == PmsMode.Active ? now : null;
            _hasLastFrame = false;
        }
        EvaluateHealth();
    }

    private async Task SendAsync(PmsCommand command, ushort data, CancellationToken cancellationToken)
    {
        if (!_stream.CanWrite)
            throw new InvalidOperationException($"Cannot send {command} to the PMS sensor: its stream is read-only (a replay?).");
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            PmsProtocol.WriteCommand(_command, command, data);
            await _stream.WriteAsync(_command, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    // Under _gate. Returns true when the event is a reading to publish.
    private bool Handle(PmsParseResult result, in PmsFrame frame, out PmsReading reading)
    {
        reading = default;
        var now = _time.GetUtcNow();
        switch (result)
        {
            case PmsParseResult.Frame:
                _lastFrameAt = now;
                if (_mode == PmsMode.Passive) _expectSince = null;
                if (frame.IsWarmingUp)
                {
                    _warmingUp++;
                    _lastWasWarmingUp = true;
                    _consecutiveBad = 0;
                    return false;
                }
                _lastWasWarmingUp = false;
                if (!frame.IsPlausible)
                {
                    _implausible++;
                    _consecutiveBad++;
                    _lastBadKind = result;
                    return false;
                }
                _consecutiveBad = 0;
                if (!_hasLastFrame || !frame.SameMeasurementAs(_lastFrame)) _sameSince = now;
                _lastFrame = frame;
                _hasLastFrame = true;
                _readings++;
                reading = new PmsReading(frame, now, _time.GetTimestamp(), now < _settledAfter);
                _latest = reading;
                _hasLatest = true;
                return true;
            case PmsParseResult.Acknowledgement:
                _acknowledgements++;
                return false;
            case PmsParseResult.ChecksumMismatch or PmsParseResult.TornFrame or PmsParseResult.BadLength:
                _consecutiveBad++;
                _lastBadKind = result;
                return false;
            default:
                return false;
        }
    }

    // Under _gate.
    private SensorHealth Judge(DateTimeOffset now)
    {
        if (_sleeping) return SensorHealth.Sleeping;
        if (_consecutiveBad >= _options.MaxConsecutiveBadFrames) return SensorHealth.BadFrames;
        if (SilentFor(now) > _options.NoFrameTimeout) return SensorHealth.NoData;
        if (_hasLastFrame && now - _sameSince >= _options.StuckAfter) return SensorHealth.Stuck;
        if (_lastWasWarmingUp) return SensorHealth.WarmingUp;
        return _lastFrameAt is null ? SensorHealth.Starting : SensorHealth.Ok;
    }

    private TimeSpan SilentFor(DateTimeOffset now)
    {
        if (_expectSince is not { } since) return TimeSpan.Zero;
        var reference = _lastFrameAt is { } last && last > since ? last : since;
        return now - reference;
    }

    // Under _gate.
    private string Describe(SensorHealth health, DateTimeOffset now)
    {
        var p = _parser.Counters;
        return health switch
        {
            SensorHealth.Sleeping => "put to sleep",
            SensorHealth.BadFrames => $"{_consecutiveBad} consecutive bad frames (limit {_options.MaxConsecutiveBadFrames}; last: {Describe(_lastBadKind)}); totals: {p.ChecksumErrors} checksum, {p.TornFrames} torn, {p.LengthErrors} length, {_implausible} implausible",
            SensorHealth.NoData => $"no valid frame for {SilentFor(now).TotalSeconds:0.#} s (timeout {_options.NoFrameTimeout.TotalSeconds:0.#} s); {p.BytesRead} bytes read in all",
            SensorHealth.Stuck => $"identical measurements since {_sameSince:O} (limit {_options.StuckAfter.TotalMinutes:0.#} min)",
            SensorHealth.WarmingUp => "the sensor sends all-zero frames while its fan spins up",
            SensorHealth.Starting => "waiting for the first frame",
            _ => "frames arriving",
        };
    }

    private static string Describe(PmsParseResult kind) => kind switch
    {
        PmsParseResult.ChecksumMismatch => "checksum mismatch",
        PmsParseResult.TornFrame => "torn frame",
        PmsParseResult.BadLength => "bad length field",
        PmsParseResult.Frame => "implausible frame (mass without particle counts)",
        _ => kind.ToString(),
    };

    private void SetStatus(SensorHealth health, string message) => _health.Set(health, message, StatusChanged);
}
