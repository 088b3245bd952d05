using System.Device.Gpio;

namespace GridEdge.Hardware.Outputs;

/// <summary>A push button between a GPIO and ground (internal pull-up), debounced, for staff to acknowledge an alarm.</summary>
public sealed class AcknowledgeButton : IDisposable
{
    private readonly GpioController _controller;
    private readonly TimeProvider _time;
    private readonly TimeSpan _debounce;
    private readonly object _gate = new();
    private long? _lastPress;
    private bool _disposed;

    /// <summary>Opens <paramref name="pin"/> as an input with pull-up and listens for presses (falling edges).</summary>
    public AcknowledgeButton(GpioController controller, int pin, TimeSpan? debounce = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(controller);
        _controller = controller;
        _time = timeProvider ?? TimeProvider.System;
        _debounce = debounce ?? TimeSpan.FromMilliseconds(50);
        Pin = pin;
        if (controller.IsPinOpen(pin)) controller.SetPinMode(pin, PinMode.InputPullUp);
        else controller.OpenPin(pin, PinMode.InputPullUp);
        controller.RegisterCallbackForPinValueChangedEvent(pin, PinEventTypes.Falling, OnFalling);
    }

    /// <summary>The button was pressed (after debouncing). Raised on the GPIO event thread.</summary>
    public event Action? Pressed;

    /// <summary>The GPIO pin.</summary>
    public int Pin { get; }

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _controller.UnregisterCallbackForPinValueChangedEvent(Pin, OnFalling);
    }

    private void OnFalling(object sender, PinValueChangedEventArgs e)
    {
        lock (_gate)
        {
            if (_disposed) return;
            // Contacts bounce for a few milliseconds: edges closer than the debounce time are the same press.
            if (_lastPress is { } last && _time.GetElapsedTime(last) < _debounce) return;
            _lastPress = _time.GetTimestamp();
        }
        Pressed?.Invoke();
    }
}
