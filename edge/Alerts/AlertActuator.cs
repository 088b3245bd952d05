using GridEdge.Hardware.Outputs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Alerts;

/// <summary>What the actuator did for one transition.</summary>
/// <param name="Transition">The transition applied.</param>
/// <param name="Buzzer">The buzzer pattern now playing.</param>
/// <param name="Light">The light pattern now showing.</param>
/// <param name="Relay">The relay's answer when the transition asked for it (activated, already on, cooling down); otherwise null.</param>
public sealed record Actuation(AlertTransition Transition, BuzzerPattern Buzzer, LightPattern Light, RelayResult? Relay);

/// <summary>
/// Drives the alarm outputs from alert transitions: a raise (or escalation) shows its severity's buzzer and light
/// patterns and switches the relay when the severity asks for it (the relay driver enforces its maximum on-time and
/// cool-down, and its answer is reported); when every active alert is acknowledged the buzzer falls silent; when the
/// last alert clears everything goes off. The acknowledge button acknowledges every active alert in the engine.
/// </summary>
public sealed class AlertActuator : IDisposable
{
    private readonly object _gate = new();
    private readonly AlarmOutputs _outputs;
    private readonly ActuationMap _map;
    private readonly AlertEngine? _engine;
    private readonly Func<DateTimeOffset> _now;
    private readonly Dictionary<string, (AlertSeverity Severity, bool Acknowledged)> _active = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Applies transitions passed to <see cref="Apply"/>; not attached to any engine.</summary>
    public AlertActuator(AlarmOutputs outputs, ActuationMap map)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(map);
        _outputs = outputs;
        _map = map;
        _now = () => DateTimeOffset.UtcNow;
    }

    /// <summary>
    /// Attached: applies every transition of <paramref name="engine"/>, and turns a press of the acknowledge button into
    /// an acknowledgement of every active alert at <paramref name="now"/> (the gateway clock).
    /// </summary>
    public AlertActuator(AlarmOutputs outputs, AlertEngine engine, Func<DateTimeOffset> now) : this(outputs, engine.Rules.Actuation)
    {
        ArgumentNullException.ThrowIfNull(now);
        _engine = engine;
        _now = now;
        engine.Transition += OnTransition;
        outputs.Acknowledged += OnButton;
    }

    /// <summary>Every actuation, after the outputs were driven (raised on the thread of the transition).</summary>
    public event Action<Actuation>? Actuated;

    /// <summary>Drives the outputs for one transition and says what it did.</summary>
    public Actuation Apply(AlertTransition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        Actuation result;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            switch (transition.State)
            {
                case AlertState.Raised:
                {
                    _active[transition.AlertId] = (transition.Severity, false);
                    var top = Top();
                    var outputs = _map.For(top);
                    // The relay belongs to the alert being raised: a critical raise switches it, a later info raise does not.
                    var wanted = _map.For(transition.Severity).RelaySeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
                    var relay = _outputs.Raise(outputs.Buzzer, outputs.Light, wanted);
                    result = new Actuation(transition, outputs.Buzzer, outputs.Light, relay);
                    break;
                }
                case AlertState.Acknowledged:
                {
                    if (_active.TryGetValue(transition.AlertId, out var a)) _active[transition.AlertId] = (a.Severity, true);
                    result = ShowRemaining(transition);
                    break;
                }
                default:
                {
                    _active.Remove(transition.AlertId);
                    if (_active.Count == 0)
                    {
                        _outputs.AllOff();
                        result = new Actuation(transition, BuzzerPattern.Off, LightPattern.Off, null);
                    }
                    else result = ShowRemaining(transition);
                    break;
                }
            }
        }
        Actuated?.Invoke(result);
        return result;
    }

    /// <summary>Stops following the engine and the button; the outputs are left as they are (their owner switches them off).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        if (_engine is null) return;
        _engine.Transition -= OnTransition;
        _outputs.Acknowledged -= OnButton;
    }

    private AlertSeverity Top()
    {
        var top = AlertSeverity.Info;
        foreach (var (severity, _) in _active.Values)
            if (severity > top) top = severity;
        return top;
    }

    /// <summary>The light of the most severe alert left; the buzzer only while one of them is unacknowledged; no relay.</summary>
    private Actuation ShowRemaining(AlertTransition transition)
    {
        var outputs = _map.For(Top());
        var unacknowledged = _active.Values.Any(a => !a.Acknowledged);
        var buzzer = unacknowledged ? outputs.Buzzer : BuzzerPattern.Off;
        if (unacknowledged) _outputs.Raise(buzzer, outputs.Light);
        else
        {
            _outputs.Silence();
            _outputs.Light?.Show(outputs.Light);
        }
        return new Actuation(transition, buzzer, outputs.Light, null);
    }

    private void OnTransition(AlertTransition transition)
    {
        lock (_gate)
            if (_disposed) return;
        Apply(transition);
    }

    private void OnButton() => _engine?.Acknowledge(_now(), "button");
}
