using System.Device.Gpio;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Hardware.Outputs;

/// <summary>An active buzzer (it sounds whenever its pin is on) on one GPIO, playing patterns from a timer loop.</summary>
public sealed class Buzzer : IDisposable
{
    private static readonly TimeSpan Dot = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Dash = TimeSpan.FromMilliseconds(600);
    private readonly PatternPlayer _player;
    private volatile BuzzerPattern _pattern;

    /// <summary>Opens <paramref name="pin"/> as an output, silent.</summary>
    public Buzzer(GpioController controller, int pin, OutputPolarity polarity = OutputPolarity.ActiveHigh, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(controller);
        Pin = pin;
        _player = new PatternPlayer(new GpioOutput(controller, pin, polarity), timeProvider ?? TimeProvider.System);
    }

    /// <summary>The GPIO pin.</summary>
    public int Pin { get; }
    /// <summary>The pattern playing.</summary>
    public BuzzerPattern Pattern => _pattern;
    /// <summary>Whether the pin is on at this instant.</summary>
    public bool IsSounding => _player.IsOn;

    /// <summary>Starts <paramref name="pattern"/>, replacing whatever played.</summary>
    public void Play(BuzzerPattern pattern)
    {
        _pattern = pattern;
        if (pattern == BuzzerPattern.Off) _player.Stop();
        else _player.Play(Steps(pattern));
    }

    /// <summary>Silences the buzzer.</summary>
    public void Stop() => Play(BuzzerPattern.Off);

    /// <summary>Silences the buzzer and stops its loop.</summary>
    public void Dispose()
    {
        _pattern = BuzzerPattern.Off;
        _player.Dispose();
    }

    internal static (bool, TimeSpan)[]? Steps(BuzzerPattern pattern) => pattern switch
    {
        BuzzerPattern.Continuous => null,
        BuzzerPattern.SlowBeep => [(true, TimeSpan.FromMilliseconds(500)), (false, TimeSpan.FromMilliseconds(1500))],
        BuzzerPattern.FastBeep => [(true, TimeSpan.FromMilliseconds(150)), (false, TimeSpan.FromMilliseconds(150))],
        BuzzerPattern.Sos =>
        [
            (true, Dot), (false, Dot), (true, Dot), (false, Dot), (true, Dot), (false, Dash),
            (true, Dash), (false, Dot), (true, Dash), (false, Dot), (true, Dash), (false, Dash),
            (true, Dot), (false, Dot), (true, Dot), (false, Dot), (true, Dot), (false, TimeSpan.FromMilliseconds(1400)),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(pattern), pattern, "Unknown buzzer pattern."),
    };
}

/// <summary>A signal light (LED or a lamp through a driver) on one GPIO.</summary>
public sealed class SignalLight : IDisposable
{
    private readonly PatternPlayer _player;
    private volatile LightPattern _pattern;

    /// <summary>Opens <paramref name="pin"/> as an output, dark.</summary>
    public SignalLight(GpioController controller, int pin, OutputPolarity polarity = OutputPolarity.ActiveHigh, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(controller);
        Pin = pin;
        _player = new PatternPlayer(new GpioOutput(controller, pin, polarity), timeProvider ?? TimeProvider.System);
    }

    /// <summary>The GPIO pin.</summary>
    public int Pin { get; }
    /// <summary>The pattern showing.</summary>
    public LightPattern Pattern => _pattern;
    /// <summary>Whether the pin is on at this instant.</summary>
    public bool IsLit => _player.IsOn;

    /// <summary>Shows <paramref name="pattern"/>.</summary>
    public void Show(LightPattern pattern)
    {
        _pattern = pattern;
        switch (pattern)
        {
            case LightPattern.Off: _player.Stop(); break;
            case LightPattern.Steady: _player.Play(null); break;
            case LightPattern.SlowBlink: _player.Play([(true, TimeSpan.FromSeconds(1)), (false, TimeSpan.FromSeconds(1))]); break;
            case LightPattern.FastBlink: _player.Play([(true, TimeSpan.FromMilliseconds(250)), (false, TimeSpan.FromMilliseconds(250))]); break;
            default: throw new ArgumentOutOfRangeException(nameof(pattern), pattern, "Unknown light pattern.");
        }
    }

    /// <summary>Turns the light off.</summary>
    public void Off() => Show(LightPattern.Off);

    /// <summary>Turns the light off and stops its loop.</summary>
    public void Dispose()
    {
        _pattern = LightPattern.Off;
        _player.Dispose();
    }
}
