using System.Device.Gpio;

namespace GridEdge.Hardware.Outputs;

/// <summary>How a <see cref="Relay.Activate"/> call ended.</summary>
public enum RelayActivation
{
    /// <summary>Switched on; it switches itself off after the granted time.</summary>
    Activated,
    /// <summary>Already on; the running activation (and its end time) is unchanged.</summary>
    AlreadyOn,
    /// <summary>Refused: the cool-down after the last activation has not passed.</summary>
    CoolingDown,
}

/// <summary>The outcome of an activation request.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="OnFor">For <see cref="RelayActivation.Activated"/>: how long it will stay on (the request, capped at the maximum on-time).</param>
/// <param name="CooldownRemaining">For <see cref="RelayActivation.CoolingDown"/>: how long until it may switch on again.</param>
public readonly record struct RelayResult(RelayActivation Outcome, TimeSpan OnFor, TimeSpan CooldownRemaining);

/// <summary>Why the relay switched.</summary>
public enum RelaySwitchReason
{
    Activated,
    Deactivated,
    MaxOnTimeReached,
    Disposed,
}

/// <summary>Limits of a <see cref="Relay"/>.</summary>
public sealed class RelayOptions
{
    /// <summary>Longest the relay may stay on in one activation (a siren or fog cannon must not run unattended for ever).</summary>
    public TimeSpan MaxOnTime { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Off time enforced after each activation before the next (protects pumps, compressors and neighbours).</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromSeconds(120);
    /// <summary>Most opto-isolated relay boards switch on when their input is pulled low.</summary>
    public OutputPolarity Polarity { get; set; } = OutputPolarity.ActiveLow;

    /// <summary>Throws naming the first setting out of range.</summary>
    public void Validate()
    {
        if (MaxOnTime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MaxOnTime), MaxOnTime, "MaxOnTime must be positive.");
        if (Cooldown < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Cooldown), Cooldown, "Cooldown cannot be negative.");
    }
}

/// <summary>A relay (siren, fog cannon) on one GPIO with a maximum on-time and a cool-down, both enforced here.</summary>
public sealed class Relay : IDisposable
{
    private readonly GpioOutput _output;
    private readonly RelayOptions _options;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private ITimer? _offTimer;
    private long? _offSince;
    private bool _disposed;

    /// <summary>Opens <paramref name="pin"/> as an output, off.</summary>
    public Relay(GpioController controller, int pin, RelayOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(controller);
        _options = options ?? new RelayOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        Pin = pin;
        _output = new GpioOutput(controller, pin, _options.Polarity);
    }

    /// <summary>The relay switched (raised outside the relay's lock, on the caller's or the timer's thread).</summary>
    public event Action<bool, RelaySwitchReason>? Switched;

    /// <summary>The GPIO pin.</summary>
    public int Pin { get; }
    /// <summary>Whether the relay is on.</summary>
    public bool IsOn { get { lock (_gate) return _output.IsOn; } }

    /// <summary>Time left before the relay may switch on again.</summary>
    public TimeSpan CooldownRemaining { get { lock (_gate) return CooldownLeftLocked(); } }

    /// <summary>Switches on for <paramref name="duration"/> (default and cap: <see cref="RelayOptions.MaxOnTime"/>) unless cooling down.</summary>
    public RelayResult Activate(TimeSpan? duration = null)
    {
        var onFor = duration is { } d && d < _options.MaxOnTime ? d : _options.MaxOnTime;
        if (onFor <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration), duration, "An activation must last a positive time.");
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_output.IsOn) return new RelayResult(RelayActivation.AlreadyOn, TimeSpan.Zero, TimeSpan.Zero);
            var left = CooldownLeftLocked();
            if (left > TimeSpan.Zero) return new RelayResult(RelayActivation.CoolingDown, TimeSpan.Zero, left);
            _output.Set(true);
            _offTimer = _time.CreateTimer(_ => SwitchOff(RelaySwitchReason.MaxOnTimeReached), null, onFor, Timeout.InfiniteTimeSpan);
        }
        Switched?.Invoke(true, RelaySwitchReason.Activated);
        return new RelayResult(RelayActivation.Activated, onFor, TimeSpan.Zero);
    }

    /// <summary>Switches off now (the cool-down starts now).</summary>
    public void Deactivate() => SwitchOff(RelaySwitchReason.Deactivated);

    /// <summary>Switches off and stops the timer.</summary>
    public void Dispose()
    {
        SwitchOff(RelaySwitchReason.Disposed);
        lock (_gate)
        {
            // Even if it was already off: write the off level once more, the pin may have been touched by someone else.
            _output.Set(false);
            _disposed = true;
        }
    }

    private void SwitchOff(RelaySwitchReason reason)
    {
        lock (_gate)
        {
            _offTimer?.Dispose();
            _offTimer = null;
            if (!_output.IsOn || _disposed) return;
            _output.Set(false);
            _offSince = _time.GetTimestamp();
        }
        Switched?.Invoke(false, reason);
    }

    private TimeSpan CooldownLeftLocked()
    {
        if (_offSince is not { } since) return TimeSpan.Zero;
        var left = _options.Cooldown - _time.GetElapsedTime(since);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
