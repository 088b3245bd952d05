using System.Device.Gpio;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Hardware.Outputs;

/// <summary>Which pins the alarm outputs use and how; a pin left null means that output is not fitted.</summary>
public sealed class AlarmOutputsOptions
{
    /// <summary>BCM number of the buzzer pin.</summary>
    public int? BuzzerPin { get; set; }
    public OutputPolarity BuzzerPolarity { get; set; } = OutputPolarity.ActiveHigh;
    /// <summary>BCM number of the signal light pin.</summary>
    public int? LightPin { get; set; }
    public OutputPolarity LightPolarity { get; set; } = OutputPolarity.ActiveHigh;
    /// <summary>BCM number of the relay (siren or fog cannon) pin.</summary>
    public int? RelayPin { get; set; }
    /// <summary>Polarity, maximum on-time and cool-down of the relay.</summary>
    public RelayOptions Relay { get; set; } = new();
    /// <summary>BCM number of the acknowledge button input (to ground, internal pull-up).</summary>
    public int? AcknowledgeButtonPin { get; set; }
    public TimeSpan AcknowledgeDebounce { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Throws naming the first setting out of range or a pin used twice.</summary>
    public void Validate()
    {
        Relay.Validate();
        int?[] pins = [BuzzerPin, LightPin, RelayPin, AcknowledgeButtonPin];
        string[] names = [nameof(BuzzerPin), nameof(LightPin), nameof(RelayPin), nameof(AcknowledgeButtonPin)];
        for (var i = 0; i < pins.Length; i++)
        {
            if (pins[i] is not { } pin) continue;
            if (pin is < 0 or > 27) throw new ArgumentOutOfRangeException(names[i], pin, $"{names[i]} must be a BCM GPIO number 0-27 (the 40-pin header).");
            for (var j = 0; j < i; j++)
                if (pins[j] == pin) throw new ArgumentException($"{names[i]} and {names[j]} are both GPIO {pin}.", names[i]);
        }
    }
}

/// <summary>
/// The gateway's alarm outputs together: buzzer, signal light, relay and the acknowledge button. Every output starts
/// off and is driven off again on <see cref="Dispose"/>.
/// </summary>
public sealed class AlarmOutputs : IDisposable
{
    private bool _disposed;

    /// <summary>Forces every configured output off, then opens them.</summary>
    public AlarmOutputs(GpioController controller, AlarmOutputsOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ForceSafe(controller, options);
        var time = timeProvider ?? TimeProvider.System;
        if (options.BuzzerPin is { } b) Buzzer = new Buzzer(controller, b, options.BuzzerPolarity, time);
        if (options.LightPin is { } l) Light = new SignalLight(controller, l, options.LightPolarity, time);
        if (options.RelayPin is { } r) Relay = new Relay(controller, r, options.Relay, time);
        if (options.AcknowledgeButtonPin is { } a)
        {
            AcknowledgeButton = new AcknowledgeButton(controller, a, options.AcknowledgeDebounce, time);
            AcknowledgeButton.Pressed += () => Acknowledged?.Invoke();
        }
    }

    /// <summary>Someone pressed the acknowledge button.</summary>
    public event Action? Acknowledged;

    public Buzzer? Buzzer { get; }
    public SignalLight? Light { get; }
    public Relay? Relay { get; }
    public AcknowledgeButton? AcknowledgeButton { get; }

    /// <summary>
    /// Drives every configured output pin to its off level, opening it if needed. Call first thing at start-up, before
    /// anything else can fail: after a crash the pins hold whatever the dead process left on them.
    /// </summary>
    public static void ForceSafe(GpioController controller, AlarmOutputsOptions options)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(options);
        if (options.RelayPin is { } r) GpioOutput.DriveOff(controller, r, options.Relay.Polarity);
        if (options.BuzzerPin is { } b) GpioOutput.DriveOff(controller, b, options.BuzzerPolarity);
        if (options.LightPin is { } l) GpioOutput.DriveOff(controller, l, options.LightPolarity);
    }

    /// <summary>Sounds and shows an alarm; with <paramref name="relayFor"/>, also switches the relay (subject to its limits).</summary>
    /// <returns>The relay's answer, or null when no relay was asked for or none is fitted.</returns>
    public RelayResult? Raise(BuzzerPattern buzzer, LightPattern light = LightPattern.FastBlink, TimeSpan? relayFor = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Buzzer?.Play(buzzer);
        Light?.Show(light);
        return relayFor is { } duration && Relay is not null ? Relay.Activate(duration) : null;
    }

    /// <summary>Silences the buzzer (after an acknowledgement); the light and relay stay as they are.</summary>
    public void Silence() => Buzzer?.Stop();

    /// <summary>Everything off.</summary>
    public void AllOff()
    {
        Relay?.Deactivate();
        Buzzer?.Stop();
        Light?.Off();
    }

    /// <summary>Everything off, timers and loops stopped. The pins stay open as outputs at their off level.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        AcknowledgeButton?.Dispose();
        Relay?.Dispose();
        Buzzer?.Dispose();
        Light?.Dispose();
    }
}
