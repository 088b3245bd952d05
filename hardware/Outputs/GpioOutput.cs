using System.Device.Gpio;

namespace GridEdge.Hardware.Outputs;

/// <summary>Whether an output is on when its pin is high (most buzzer and LED drivers) or low (most opto-isolated relay boards).</summary>
public enum OutputPolarity
{
    ActiveHigh,
    ActiveLow,
}

/// <summary>One output pin with its polarity: opened straight into the off level, switched by meaning (on/off), never by level.</summary>
internal sealed class GpioOutput
{
    private readonly GpioController _controller;

    public GpioOutput(GpioController controller, int pin, OutputPolarity polarity)
    {
        _controller = controller;
        Pin = pin;
        Polarity = polarity;
        DriveOff(controller, pin, polarity);
    }

    public int Pin { get; }
    public OutputPolarity Polarity { get; }
    public bool IsOn { get; private set; }

    public void Set(bool on)
    {
        _controller.Write(Pin, Level(on, Polarity));
        IsOn = on;
    }

    public static PinValue Level(bool on, OutputPolarity polarity) => on == (polarity == OutputPolarity.ActiveHigh) ? PinValue.High : PinValue.Low;

    /// <summary>Makes the pin an output at its off level, opening it if needed, with the level set before the mode so it never glitches on.</summary>
    public static void DriveOff(GpioController controller, int pin, OutputPolarity polarity)
    {
        var off = Level(false, polarity);
        if (controller.IsPinOpen(pin))
        {
            controller.Write(pin, off);
            controller.SetPinMode(pin, PinMode.Output);
            controller.Write(pin, off);
        }
        else
        {
            controller.OpenPin(pin, PinMode.Output, off);
        }
    }
}

/// <summary>Plays on/off step sequences on one output from an async loop; the last call wins, and Stop always ends off.</summary>
internal sealed class PatternPlayer : IDisposable
{
    private readonly GpioOutput _output;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private CancellationTokenSource? _running;
    private int _generation;
    private bool _disposed;

    public PatternPlayer(GpioOutput output, TimeProvider time)
    {
        _output = output;
        _time = time;
    }

    public bool IsOn { get { lock (_gate) return _output.IsOn; } }

    /// <summary>Steady on (null steps) or the repeating step sequence.</summary>
    public void Play((bool On, TimeSpan Duration)[]? steps)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            CancelLocked();
            if (steps is null)
            {
                _output.Set(true);
                return;
            }
            var generation = _generation;
            var cts = new CancellationTokenSource();
            _running = cts;
            _ = RunAsync(steps, generation, cts.Token);
        }
    }

    public void Stop()
    {
        lock (_gate)
        {
            CancelLocked();
            _output.Set(false);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            CancelLocked();
            _output.Set(false);
            _disposed = true;
        }
    }

    private void CancelLocked()
    {
        _generation++;
        _running?.Cancel();
        _running?.Dispose();
        _running = null;
    }

    private async Task RunAsync((bool On, TimeSpan Duration)[] steps, int generation, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                foreach (var (on, duration) in steps)
                {
                    lock (_gate)
                    {
                        // A newer Play or Stop has taken over; this loop must not touch the pin again.
                        if (generation != _generation) return;
                        _output.Set(on);
                    }
                    await Task.Delay(duration, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
