using GridEdge.Hardware.Ads1115;

namespace GridEdge.Hardware.Mq2;

/// <summary>Settings of an <see cref="Mq2SmokeSensor"/>.</summary>
public sealed class Mq2Options
{
    /// <summary>The ADS1115 input the MQ-2's analogue output (through its divider) is wired to.</summary>
    public InputMultiplexer Channel { get; set; } = InputMultiplexer.AIN0;
    /// <summary>
    /// Heater warm-up: readings before this has passed since power-on are flagged. The Winsen MQ-2 datasheet asks for
    /// 24 h preheat before the first calibration and a few minutes after each power-on.
    /// </summary>
    public TimeSpan WarmUp { get; set; } = TimeSpan.FromMinutes(3);
    /// <summary>Where the clean-air baseline is stored (JSON); null keeps it in memory only.</summary>
    public string? BaselineFile { get; set; }
    /// <summary>How many readings a calibration averages.</summary>
    public int CalibrationSamples { get; set; } = 60;
    /// <summary>Time between calibration readings.</summary>
    public TimeSpan CalibrationInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws naming the first setting out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Channel)) throw new ArgumentOutOfRangeException(nameof(Channel), Channel, "Channel must be an ADS1115 input (AIN0..AIN3 or a differential pair).");
        if (WarmUp < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(WarmUp), WarmUp, "WarmUp cannot be negative.");
        if (CalibrationSamples < 1) throw new ArgumentOutOfRangeException(nameof(CalibrationSamples), CalibrationSamples, "CalibrationSamples must be at least 1.");
        if (CalibrationInterval < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(CalibrationInterval), CalibrationInterval, "CalibrationInterval cannot be negative.");
    }
}

/// <summary>One MQ-2 reading.</summary>
/// <param name="Volts">The sensor output as measured at the ADC input.</param>
/// <param name="RatioToBaseline">Volts divided by the clean-air baseline volts: 1 in clean air, rising with smoke; null without a baseline.</param>
/// <param name="WarmingUp">The heater has not yet been on for <see cref="Mq2Options.WarmUp"/>: the value is not meaningful.</param>
/// <param name="Timestamp">Gateway clock at the reading.</param>
/// <param name="MonotonicTimestamp"><see cref="TimeProvider.GetTimestamp"/> at the reading.</param>
public readonly record struct Mq2Reading(double Volts, double? RatioToBaseline, bool WarmingUp, DateTimeOffset Timestamp, long MonotonicTimestamp);

/// <summary>
/// Winsen MQ-2 smoke/combustible gas sensor read through an <see cref="Ads1115"/> input: warm-up flag, clean-air
/// baseline calibration kept in a file, readings as volts and as a ratio to the baseline.
/// </summary>
/// <remarks>
/// The MQ-2 module output goes up to its 5 V supply; the ADS1115 input must stay below its own VDD + 0.3 V, so on a
/// 3.3 V ADC put a divider (e.g. 10 kΩ / 20 kΩ) between them. The ratio is of voltages at the ADC, so the divider cancels.
/// </remarks>
public sealed class Mq2SmokeSensor
{
    private readonly Ads1115.Ads1115 _adc;
    private readonly Mq2Options _options;
    private readonly TimeProvider _time;
    private readonly long _heaterOnTimestamp;
    private Mq2Baseline? _baseline;

    /// <summary>Creates the sensor. The heater is taken to have been switched on at <paramref name="heaterOnTimestamp"/> (a <see cref="TimeProvider.GetTimestamp"/> value) or now.</summary>
    /// <exception cref="InvalidDataException">The baseline file exists but is unusable.</exception>
    public Mq2SmokeSensor(Ads1115.Ads1115 adc, Mq2Options? options = null, TimeProvider? timeProvider = null, long? heaterOnTimestamp = null)
    {
        ArgumentNullException.ThrowIfNull(adc);
        _adc = adc;
        _options = options ?? new Mq2Options();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _heaterOnTimestamp = heaterOnTimestamp ?? _time.GetTimestamp();
        if (_options.BaselineFile is { } path)
        {
            var stored = Mq2BaselineFile.Load(path);
            // A baseline measured on another input belongs to another wiring: ignore it rather than compare with it.
            _baseline = stored is not null && stored.Channel == _options.Channel.ToString() ? stored : null;
        }
    }

    /// <summary>The clean-air baseline in use, if any.</summary>
    public Mq2Baseline? Baseline => Volatile.Read(ref _baseline);

    /// <summary>True until the heater has been on for <see cref="Mq2Options.WarmUp"/>.</summary>
    public bool IsWarmingUp => _time.GetElapsedTime(_heaterOnTimestamp) < _options.WarmUp;

    /// <summary>How long the heater still needs.</summary>
    public TimeSpan WarmUpRemaining
    {
        get
        {
            var left = _options.WarmUp - _time.GetElapsedTime(_heaterOnTimestamp);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Takes one reading.</summary>
    public Mq2Reading Read()
    {
        var volts = _adc.ReadVoltage(_options.Channel);
        var baseline = Baseline;
        double? ratio = baseline is null ? null : volts / baseline.Volts;
        return new Mq2Reading(volts, ratio, IsWarmingUp, _time.GetUtcNow(), _time.GetTimestamp());
    }

    /// <summary>
    /// Averages <see cref="Mq2Options.CalibrationSamples"/> readings in clean air, stores the result (file, if configured)
    /// and uses it from now on.
    /// </summary>
    /// <exception cref="InvalidOperationException">Still warming up, or the output was 0 V (sensor not connected).</exception>
    public async Task<Mq2Baseline> CalibrateAsync(CancellationToken cancellationToken = default)
    {
        if (IsWarmingUp)
            throw new InvalidOperationException($"MQ-2 on {_options.Channel} is still warming up ({WarmUpRemaining.TotalSeconds:0} s left of {_options.WarmUp.TotalSeconds:0} s); a baseline taken now would be wrong.");
        var sum = 0.0;
        for (var i = 0; i < _options.CalibrationSamples; i++)
        {
            if (i > 0 && _options.CalibrationInterval > TimeSpan.Zero)
                await Task.Delay(_options.CalibrationInterval, _time, cancellationToken).ConfigureAwait(false);
            sum += _adc.ReadVoltage(_options.Channel);
        }
        var mean = sum / _options.CalibrationSamples;
        if (!(mean > 0.01))
            throw new InvalidOperationException($"MQ-2 on {_options.Channel} read a mean of {mean:0.000} V over {_options.CalibrationSamples} samples; expected a clean-air output above 0.01 V. Is the sensor connected and powered?");
        var baseline = new Mq2Baseline(mean, _options.CalibrationSamples, _time.GetUtcNow(), _options.Channel.ToString());
        if (_options.BaselineFile is { } path) Mq2BaselineFile.Save(path, baseline);
        Volatile.Write(ref _baseline, baseline);
        return baseline;
    }
}
