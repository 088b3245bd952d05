using System.Device.Gpio;

namespace GridEdge.Hardware.Simulation;

/// <summary>What happened to a pin, as recorded by <see cref="RecordingGpioDriver"/>.</summary>
public enum PinChangeKind
{
    Opened,
    Closed,
    Mode,
    Value,
}

/// <summary>One recorded pin operation.</summary>
/// <param name="Timestamp">Clock of the driver's <see cref="TimeProvider"/> at the change.</param>
/// <param name="Pin">The logical (BCM) pin number.</param>
/// <param name="Kind">What changed.</param>
/// <param name="Mode">The new mode (for <see cref="PinChangeKind.Mode"/>).</param>
/// <param name="Value">The new value (for <see cref="PinChangeKind.Value"/>).</param>
public readonly record struct PinChange(DateTimeOffset Timestamp, int Pin, PinChangeKind Kind, PinMode? Mode, PinValue? Value);

/// <summary>
/// A <see cref="GpioDriver"/> with no hardware behind it: remembers each pin's mode and value, records every change with
/// a timestamp, and lets a test or the demo drive input pins. Use it as <c>new GpioController(new RecordingGpioDriver())</c>.
/// </summary>
public sealed class RecordingGpioDriver : GpioDriver
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly List<PinChange> _changes = [];
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, PinValue> _values = [];
    private readonly Dictionary<int, List<(PinEventTypes Types, PinChangeEventHandler Handler)>> _callbacks = [];

    /// <summary>Creates a driver with <paramref name="pinCount"/> pins (the Pi header has GPIO 0-27).</summary>
    public RecordingGpioDriver(TimeProvider? timeProvider = null, int pinCount = 28)
    {
        _time = timeProvider ?? TimeProvider.System;
        PinCountValue = pinCount;
    }

    private int PinCountValue { get; }

    /// <summary>Every change so far, oldest first.</summary>
    public IReadOnlyList<PinChange> Changes { get { lock (_gate) return [.. _changes]; } }

    /// <summary>The value changes of one pin, oldest first.</summary>
    public IReadOnlyList<PinChange> ValueChanges(int pin) { lock (_gate) return _changes.Where(c => c.Pin == pin && c.Kind == PinChangeKind.Value).ToList(); }

    /// <summary>The value a pin holds now (Low when never written).</summary>
    public PinValue GetValue(int pin) { lock (_gate) return _values.TryGetValue(pin, out var v) ? v : PinValue.Low; }

    /// <summary>The mode a pin is in, or null when never set.</summary>
    public PinMode? GetMode(int pin) { lock (_gate) return _modes.TryGetValue(pin, out var m) ? m : null; }

    /// <summary>Whether the pin is open.</summary>
    public bool IsOpen(int pin) { lock (_gate) return _modes.ContainsKey(pin); }

    /// <summary>Forgets the recorded history (pin states stay).</summary>
    public void ClearHistory() { lock (_gate) _changes.Clear(); }

    /// <summary>Simulates an external signal on an input pin, raising the registered callbacks for that edge.</summary>
    public void SetInput(int pin, PinValue value)
    {
        List<PinChangeEventHandler> toCall = [];
        PinEventTypes edge;
        lock (_gate)
        {
            var old = _values.TryGetValue(pin, out var v) ? v : PinValue.Low;
            _values[pin] = value;
            _changes.Add(new PinChange(_time.GetUtcNow(), pin, PinChangeKind.Value, null, value));
            if (old == value) return;
            edge = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            if (_callbacks.TryGetValue(pin, out var list))
                toCall.AddRange(list.Where(c => (c.Types & edge) != 0).Select(c => c.Handler));
        }
        foreach (var handler in toCall) handler(this, new PinValueChangedEventArgs(edge, pin));
    }

    /// <inheritdoc />
    protected override int PinCount => PinCountValue;

    /// <inheritdoc />
    protected override void OpenPin(int pinNumber)
    {
        lock (_gate)
        {
            _modes.TryAdd(pinNumber, PinMode.Input);
            _changes.Add(new PinChange(_time.GetUtcNow(), pinNumber, PinChangeKind.Opened, null, null));
        }
    }

    /// <inheritdoc />
    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            _modes.Remove(pinNumber);
            _callbacks.Remove(pinNumber);
            _changes.Add(new PinChange(_time.GetUtcNow(), pinNumber, PinChangeKind.Closed, null, null));
        }
    }

    /// <inheritdoc />
    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            _modes[pinNumber] = mode;
            _changes.Add(new PinChange(_time.GetUtcNow(), pinNumber, PinChangeKind.Mode, mode, null));
            // Pull resistors set the level an unconnected input reads.
            if (mode == PinMode.InputPullUp) _values[pinNumber] = PinValue.High;
            else if (mode == PinMode.InputPullDown) _values[pinNumber] = PinValue.Low;
        }
    }

    /// <inheritdoc />
    /// <remarks>Records the value before the mode, as a real driver sets the output latch before enabling the driver, so no glitch shows.</remarks>
    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        Write(pinNumber, initialValue);
        SetPinMode(pinNumber, mode);
    }

    /// <inheritdoc />
    protected override PinMode GetPinMode(int pinNumber) { lock (_gate) return _modes.TryGetValue(pinNumber, out var m) ? m : PinMode.Input; }

    /// <inheritdoc />
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    /// <inheritdoc />
    protected override PinValue Read(int pinNumber) => GetValue(pinNumber);

    /// <inheritdoc />
    protected override void Write(int pinNumber, PinValue value)
    {
        lock (_gate)
        {
            _values[pinNumber] = value;
            _changes.Add(new PinChange(_time.GetUtcNow(), pinNumber, PinChangeKind.Value, null, value));
        }
    }

    /// <inheritdoc />
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        var done = new ManualResetEventSlim();
        var result = new WaitForEventResult { TimedOut = true };
        void Handler(object sender, PinValueChangedEventArgs e) { result = new WaitForEventResult { EventTypes = e.ChangeType, TimedOut = false }; done.Set(); }
        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, Handler);
        try { done.Wait(cancellationToken); }
        catch (OperationCanceledException) { }
        finally { RemoveCallbackForPinValueChangedEvent(pinNumber, Handler); done.Dispose(); }
        return result;
    }

    /// <inheritdoc />
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            if (!_callbacks.TryGetValue(pinNumber, out var list)) _callbacks[pinNumber] = list = [];
            list.Add((eventTypes, callback));
        }
    }

    /// <inheritdoc />
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            if (_callbacks.TryGetValue(pinNumber, out var list)) list.RemoveAll(c => c.Handler == callback);
        }
    }
}
