using System.Device.Gpio;
using GridEdge.Hardware.Outputs;
using GridEdge.Hardware.Simulation;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Hardware.Tests;

public sealed class OutputsTests
{
    private const int BuzzerPin = 17, LightPin = 27, RelayPin = 22, ButtonPin = 23;

    private static AlarmOutputsOptions Options() => new()
    {
        BuzzerPin = BuzzerPin,
        LightPin = LightPin,
        RelayPin = RelayPin,
        AcknowledgeButtonPin = ButtonPin,
        Relay = new RelayOptions { MaxOnTime = TimeSpan.FromSeconds(60), Cooldown = TimeSpan.FromSeconds(120), Polarity = OutputPolarity.ActiveLow },
    };

    [Fact]
    public void Outputs_open_at_their_off_level_before_becoming_outputs()
    {
        var driver = new RecordingGpioDriver();
        using var controller = new GpioController(driver);
        using var alarm = new AlarmOutputs(controller, Options());

        Assert.Equal(PinValue.High, driver.GetValue(RelayPin)); // active-low relay: off = high
        Assert.Equal(PinValue.Low, driver.GetValue(BuzzerPin));
        Assert.Equal(PinValue.Low, driver.GetValue(LightPin));
        foreach (var pin in new[] { RelayPin, BuzzerPin, LightPin })
        {
            var changes = driver.Changes.Where(c => c.Pin == pin).ToList();
            var firstOutput = changes.FindIndex(c => c.Kind == PinChangeKind.Mode && c.Mode == PinMode.Output);
            Assert.True(firstOutput > 0);
            // No value other than "off" is ever written up to and including the moment it becomes an output.
            Assert.All(changes.Take(firstOutput).Where(c => c.Kind == PinChangeKind.Value), c => Assert.Equal(pin == RelayPin ? PinValue.High : PinValue.Low, c.Value));
        }
        Assert.Equal(PinMode.InputPullUp, driver.GetMode(ButtonPin));
    }

    [Fact]
    public void Force_safe_turns_off_outputs_a_crashed_process_left_on()
    {
        var driver = new RecordingGpioDriver();
        var crashed = new GpioController(driver);
        crashed.OpenPin(RelayPin, PinMode.Output, PinValue.Low);   // relay on (active-low)
        crashed.OpenPin(BuzzerPin, PinMode.Output, PinValue.High); // buzzer on

        using var restarted = new GpioController(driver);
        AlarmOutputs.ForceSafe(restarted, Options());

        Assert.Equal(PinValue.High, driver.GetValue(RelayPin));
        Assert.Equal(PinValue.Low, driver.GetValue(BuzzerPin));
        Assert.Equal(PinValue.Low, driver.GetValue(LightPin));
    }

    [Fact]
    public async Task The_slow_beep_pattern_follows_the_clock_and_stop_silences_it_for_good()
    {
        var time = new ManualTimeProvider();
        var driver = new RecordingGpioDriver(time);
        using var controller = new GpioController(driver);
        using var buzzer = new Buzzer(controller, BuzzerPin, OutputPolarity.ActiveHigh, time);

        buzzer.Play(BuzzerPattern.SlowBeep);
        Assert.Equal(PinValue.High, driver.GetValue(BuzzerPin));
        await Eventually.True(() => time.ActiveTimers == 1, "the loop waits 500 ms");
        time.Advance(TimeSpan.FromMilliseconds(500));
        await Eventually.True(() => driver.GetValue(BuzzerPin) == PinValue.Low, "off after 0.5 s");
        await Eventually.True(() => time.ActiveTimers == 1, "the loop waits 1500 ms");
        time.Advance(TimeSpan.FromMilliseconds(1499));
        Assert.Equal(PinValue.Low, driver.GetValue(BuzzerPin));
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.True(() => driver.GetValue(BuzzerPin) == PinValue.High, "on again after 2 s");

        buzzer.Stop();
        Assert.Equal(PinValue.Low, driver.GetValue(BuzzerPin));
        var writes = driver.ValueChanges(BuzzerPin).Count;
        // The pattern's loop has let go of its wait: nothing is left that a later tick could wake.
        await Eventually.True(() => time.ActiveTimers == 0, "the pattern loop to end");
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(writes, driver.ValueChanges(BuzzerPin).Count);
        Assert.Equal(BuzzerPattern.Off, buzzer.Pattern);
    }

    [Fact]
    public async Task Sos_sounds_three_short_three_long_three_short()
    {
        var time = new ManualTimeProvider();
        var driver = new RecordingGpioDriver(time);
        using var controller = new GpioController(driver);
        using var buzzer = new Buzzer(controller, BuzzerPin, OutputPolarity.ActiveHigh, time);
        driver.ClearHistory();
        buzzer.Play(BuzzerPattern.Sos);
        int[] steps = [200, 200, 200, 200, 200, 600, 600, 200, 600, 200, 600, 600, 200, 200, 200, 200, 200];
        for (var step = 0; step < steps.Length; step++)
        {
            await Eventually.True(() => time.ActiveTimers == 1, $"step {step}");
            var count = driver.ValueChanges(BuzzerPin).Count;
            time.Advance(TimeSpan.FromMilliseconds(steps[step]));
            await Eventually.True(() => driver.ValueChanges(BuzzerPin).Count == count + 1, $"step {step} done");
        }
        var changes = driver.ValueChanges(BuzzerPin);
        var onDurations = changes.Zip(changes.Skip(1)).Where(p => p.First.Value == PinValue.High).Select(p => (p.Second.Timestamp - p.First.Timestamp).TotalMilliseconds).ToList();
        Assert.Equal([200.0, 200, 200, 600, 600, 600, 200, 200, 200], onDurations);
    }

    [Fact]
    public void The_relay_switches_itself_off_at_the_maximum_on_time_and_then_cools_down()
    {
        var time = new ManualTimeProvider();
        var driver = new RecordingGpioDriver(time);
        using var controller = new GpioController(driver);
        using var relay = new Relay(controller, RelayPin, new RelayOptions { MaxOnTime = TimeSpan.FromSeconds(60), Cooldown = TimeSpan.FromSeconds(120) }, time);
        var switches = new List<(bool, RelaySwitchReason)>();
        relay.Switched += (on, why) => switches.Add((on, why));

        var first = relay.Activate(TimeSpan.FromMinutes(10));
        Assert.Equal(RelayActivation.Activated, first.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(60), first.OnFor);
        Assert.Equal(PinValue.Low, driver.GetValue(RelayPin));
        Assert.Equal(RelayActivation.AlreadyOn, relay.Activate().Outcome);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(relay.IsOn);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(relay.IsOn);
        Assert.Equal(PinValue.High, driver.GetValue(RelayPin));
        Assert.Equal([(true, RelaySwitchReason.Activated), (false, RelaySwitchReason.MaxOnTimeReached)], switches);

        var refused = relay.Activate();
        Assert.Equal(RelayActivation.CoolingDown, refused.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(120), refused.CooldownRemaining);
        Assert.Equal(PinValue.High, driver.GetValue(RelayPin));
        time.Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(RelayActivation.CoolingDown, relay.Activate().Outcome);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(RelayActivation.Activated, relay.Activate(TimeSpan.FromSeconds(5)).Outcome);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(relay.IsOn);
    }

    [Fact]
    public void Dispose_drives_every_output_to_its_safe_state()
    {
        var time = new ManualTimeProvider();
        var driver = new RecordingGpioDriver(time);
        using var controller = new GpioController(driver);
        var alarm = new AlarmOutputs(controller, Options(), time);
        var relay = alarm.Raise(BuzzerPattern.Continuous, LightPattern.Steady, TimeSpan.FromSeconds(30));
        Assert.Equal(RelayActivation.Activated, relay!.Value.Outcome);
        Assert.Equal(PinValue.High, driver.GetValue(BuzzerPin));
        Assert.Equal(PinValue.High, driver.GetValue(LightPin));
        Assert.Equal(PinValue.Low, driver.GetValue(RelayPin));

        alarm.Dispose();

        Assert.Equal(PinValue.Low, driver.GetValue(BuzzerPin));
        Assert.Equal(PinValue.Low, driver.GetValue(LightPin));
        Assert.Equal(PinValue.High, driver.GetValue(RelayPin));
        Assert.Equal(0, time.ActiveTimers);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(PinValue.High, driver.GetValue(RelayPin));
    }

    [Fact]
    public void The_acknowledge_button_is_debounced()
    {
        var time = new ManualTimeProvider();
        var driver = new RecordingGpioDriver(time);
        using var controller = new GpioController(driver);
        using var alarm = new AlarmOutputs(controller, Options(), time);
        var presses = 0;
        alarm.Acknowledged += () => presses++;

        driver.SetInput(ButtonPin, PinValue.Low);
        driver.SetInput(ButtonPin, PinValue.High);
        time.Advance(TimeSpan.FromMilliseconds(5));
        driver.SetInput(ButtonPin, PinValue.Low); // contact bounce
        Assert.Equal(1, presses);
        driver.SetInput(ButtonPin, PinValue.High);
        time.Advance(TimeSpan.FromSeconds(1));
        driver.SetInput(ButtonPin, PinValue.Low);
        Assert.Equal(2, presses);
    }

    [Fact]
    public void A_pin_used_twice_is_refused_naming_both_settings()
    {
        var options = Options();
        options.LightPin = BuzzerPin;
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("LightPin and BuzzerPin are both GPIO 17", e.Message);
    }

    [Fact]
    public void The_hardware_section_maps_onto_the_alarm_outputs_and_reports_bad_keys()
    {
        var hardware = new HardwareOptions();
        Assert.Empty(hardware.Validate());
        var alarm = hardware.Alarm.ToAlarmOutputsOptions();
        Assert.Equal(OutputPolarity.ActiveLow, alarm.Relay.Polarity);
        hardware.Alarm.RelayPin = 40;
        hardware.Smoke.I2cAddress = 0x20;
        var errors = hardware.Validate();
        Assert.Contains(errors, e => e.Contains("Hardware:Smoke:I2cAddress is '32'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("RelayPin", StringComparison.Ordinal));
    }
}
