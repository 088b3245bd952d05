using System.Device.Gpio;
using GridEdge.Edge.Alerts;
using GridEdge.Edge.Tests.Time;
using GridEdge.Hardware.Outputs;
using GridEdge.Hardware.Simulation;
using GridEdge.Protocol.Records;
using static GridEdge.Edge.Tests.Alerts.Scenarios;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Tests.Alerts;

public sealed class AlertActuatorTests : IDisposable
{
    private const int BuzzerPin = 17, LightPin = 27, RelayPin = 22, ButtonPin = 23;
    private readonly ManualTimeProvider _time = new(Start.ToUniversalTime());
    private readonly RecordingGpioDriver _driver;
    private readonly GpioController _gpio;
    private readonly AlarmOutputs _outputs;

    public AlertActuatorTests()
    {
        _driver = new RecordingGpioDriver(_time);
        _gpio = new GpioController(_driver);
        _outputs = new AlarmOutputs(_gpio, new AlarmOutputsOptions
        {
            BuzzerPin = BuzzerPin, LightPin = LightPin, RelayPin = RelayPin, AcknowledgeButtonPin = ButtonPin,
            Relay = new RelayOptions { MaxOnTime = TimeSpan.FromSeconds(60), Cooldown = TimeSpan.FromSeconds(120), Polarity = OutputPolarity.ActiveLow },
        }, _time);
    }

    public void Dispose()
    {
        _outputs.Dispose();
        _gpio.Dispose();
    }

    /// <summary>Rules that raise on one reading: PM10 ≥ 100 info, ≥ 200 warning, ≥ 300 critical (window 60 s, no sustain, no hold).</summary>
    private static AlertRules Immediate()
    {
        var rules = AlertRules.Defaults();
        rules.Dust =
        [
            new LevelRule
            {
                Id = "pm10_now", Quantity = Quantities.Pm10, WindowSeconds = 60, Clear = 50,
                Levels =
                [
                    new AlertLevel { Severity = AlertSeverity.Info, Raise = 100 },
                    new AlertLevel { Severity = AlertSeverity.Warning, Raise = 200 },
                    new AlertLevel { Severity = AlertSeverity.Critical, Raise = 300 },
                ],
            },
        ];
        rules.SensorFault = [];
        return rules;
    }

    private bool RelayOn => _driver.GetValue(RelayPin) == PinValue.Low; // active-low board
    private bool LightOn => _driver.GetValue(LightPin) == PinValue.High;
    private bool BuzzerOn => _driver.GetValue(BuzzerPin) == PinValue.High;

    [Fact]
    public void A_critical_raise_switches_the_pins_and_the_last_clear_switches_everything_off()
    {
        var engine = new AlertEngine(Immediate());
        using var actuator = new AlertActuator(_outputs, engine, () => _time.GetUtcNow());
        var actuations = new List<Actuation>();
        actuator.Actuated += actuations.Add;
        Assert.False(RelayOn || LightOn || BuzzerOn);
        _driver.ClearHistory();

        engine.Observe(Pm10("s", 0, 350));

        // Both patterns start "on" synchronously, inside Observe.
        Assert.True(LightOn);
        Assert.True(BuzzerOn);
        Assert.True(RelayOn);
        Assert.NotEmpty(_driver.ValueChanges(LightPin));
        var a = Assert.Single(actuations);
        Assert.Equal((BuzzerPattern.FastBeep, LightPattern.FastBlink), (a.Buzzer, a.Light));
        Assert.Equal(new RelayResult(RelayActivation.Activated, TimeSpan.FromSeconds(60), TimeSpan.Zero), a.Relay);
        Assert.Equal((BuzzerPattern.FastBeep, LightPattern.FastBlink), (_outputs.Buzzer!.Pattern, _outputs.Light!.Pattern));

        engine.Observe(Pm10("s", 1, 20));

        Assert.Equal(AlertState.Cleared, actuations[^1].Transition.State);
        Assert.False(RelayOn || LightOn || BuzzerOn);
        Assert.Equal((BuzzerPattern.Off, LightPattern.Off), (_outputs.Buzzer.Pattern, _outputs.Light.Pattern));
    }

    [Fact]
    public void The_relay_cool_down_is_respected_and_reported()
    {
        var engine = new AlertEngine(Immediate());
        using var actuator = new AlertActuator(_outputs, engine, () => _time.GetUtcNow());
        var actuations = new List<Actuation>();
        actuator.Actuated += actuations.Add;

        engine.Observe(Pm10("s", 0, 350));
        engine.Observe(Pm10("s", 1, 20)); // cleared: relay off, the 120 s cool-down starts
        _time.Advance(TimeSpan.FromSeconds(30));
        engine.Observe(Pm10("s", 2, 350));

        var refused = actuations[^1];
        Assert.Equal(AlertState.Raised, refused.Transition.State);
        Assert.Equal(RelayActivation.CoolingDown, refused.Relay!.Value.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(90), refused.Relay.Value.CooldownRemaining);
        Assert.False(RelayOn);
        Assert.True(LightOn); // the rest of the alarm still shows

        engine.Observe(Pm10("s", 3, 20));
        _time.Advance(TimeSpan.FromSeconds(121));
        engine.Observe(Pm10("s", 4, 350));

        Assert.Equal(RelayActivation.Activated, actuations[^1].Relay!.Value.Outcome);
        Assert.True(RelayOn);
    }

    [Fact]
    public void Only_a_severity_that_asks_for_the_relay_switches_it()
    {
        var engine = new AlertEngine(Immediate());
        using var actuator = new AlertActuator(_outputs, engine, () => _time.GetUtcNow());
        var actuations = new List<Actuation>();
        actuator.Actuated += actuations.Add;

        engine.Observe(Pm10("s", 0, 220));

        Assert.Null(Assert.Single(actuations).Relay);
        Assert.False(RelayOn);
        Assert.True(BuzzerOn); // warning: slow beep starts on
        Assert.Equal(BuzzerPattern.SlowBeep, _outputs.Buzzer!.Pattern);

        engine.Observe(Pm10("s", 1, 320)); // escalation to critical

        Assert.Equal(RelayActivation.Activated, actuations[^1].Relay!.Value.Outcome);
        Assert.Equal(BuzzerPattern.FastBeep, _outputs.Buzzer.Pattern);
    }

    [Fact]
    public void The_acknowledge_button_silences_the_buzzer_and_records_an_acknowledged_transition()
    {
        var engine = new AlertEngine(Immediate());
        using var actuator = new AlertActuator(_outputs, engine, () => _time.GetUtcNow());
        var transitions = new List<AlertTransition>();
        engine.Transition += transitions.Add;
        engine.Observe(Pm10("s", 0, 220));
        engine.Observe(Reading.Instant("t", Quantities.Pm10, 150, At(0), ClockQuality.NetworkSynced));
        Assert.Equal(BuzzerPattern.SlowBeep, _outputs.Buzzer!.Pattern);

        _driver.SetInput(ButtonPin, PinValue.Low); // pressed: falling edge

        var acks = transitions.Where(t => t.State == AlertState.Acknowledged).ToList();
        Assert.Equal(2, acks.Count);
        Assert.All(acks, t => Assert.Equal(("button", _time.GetUtcNow()), (t.AcknowledgedBy, t.Time)));
        Assert.Equal(BuzzerPattern.Off, _outputs.Buzzer.Pattern);
        Assert.False(BuzzerOn);
        Assert.Equal(LightPattern.FastBlink, _outputs.Light!.Pattern); // the light stays until the alerts clear
        Assert.All(engine.Active, a => Assert.True(a.Acknowledged));

        // A new alert after the acknowledgement sounds again.
        engine.Observe(Pm10("u", 0, 120));
        Assert.Equal(BuzzerPattern.SlowBeep, _outputs.Buzzer.Pattern);
    }

    [Fact]
    public void When_one_of_two_alerts_clears_the_outputs_show_the_one_left()
    {
        var engine = new AlertEngine(Immediate());
        using var actuator = new AlertActuator(_outputs, engine, () => _time.GetUtcNow());

        engine.Observe(Pm10("a", 0, 320)); // critical
        engine.Observe(Pm10("b", 0, 120)); // info
        Assert.Equal(BuzzerPattern.FastBeep, _outputs.Buzzer!.Pattern);

        engine.Observe(Pm10("a", 1, 10));

        Assert.Equal((BuzzerPattern.Off, LightPattern.SlowBlink), (_outputs.Buzzer.Pattern, _outputs.Light!.Pattern)); // info: light only
        Assert.True(LightOn);

        engine.Observe(Pm10("b", 1, 10));
        Assert.False(LightOn || BuzzerOn || RelayOn);
    }

    [Fact]
    public void A_detached_actuator_leaves_the_outputs_alone()
    {
        var engine = new AlertEngine(Immediate());
        var actuator = new AlertActuator(_outputs, engine, () => _time.GetUtcNow());
        actuator.Dispose();

        engine.Observe(Pm10("s", 0, 350));

        Assert.False(LightOn || BuzzerOn || RelayOn);
    }
}
