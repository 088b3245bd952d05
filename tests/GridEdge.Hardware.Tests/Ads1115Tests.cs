using GridEdge.Hardware.Ads1115;
using GridEdge.Hardware.Mq2;
using GridEdge.Hardware.Simulation;

namespace GridEdge.Hardware.Tests;

public sealed class Ads1115Tests
{
    [Fact]
    public void The_constructor_writes_single_shot_config_with_the_comparator_disabled()
    {
        var device = new SimulatedAds1115();
        using var adc = new Ads1115Adc(device, InputMultiplexer.AIN0, MeasuringRange.FS4096, DataRate.SPS128);
        // OS=0 | MUX=100 (AIN0-GND) | PGA=001 (±4.096) | MODE=1 | DR=100 (128 SPS) | COMP 000 | COMP_QUE=11
        Assert.Equal(0b0_100_001_1_100_000_11, device.LastConfigWritten);
        Assert.Equal(0x4383, device.LastConfigWritten);
        Assert.Equal(0xC383, adc.ReadRegister(Ads1115Register.Config)); // OS reads 1: idle
    }

    [Theory]
    [InlineData(MeasuringRange.FS6144, 6.144)]
    [InlineData(MeasuringRange.FS4096, 4.096)]
    [InlineData(MeasuringRange.FS2048, 2.048)]
    [InlineData(MeasuringRange.FS1024, 1.024)]
    [InlineData(MeasuringRange.FS0512, 0.512)]
    [InlineData(MeasuringRange.FS0256, 0.256)]
    public void Each_range_reads_half_scale_as_half_its_full_scale_voltage(MeasuringRange range, double fullScale)
    {
        var device = new SimulatedAds1115();
        device.SetInputVoltage(2, fullScale / 2);
        using var adc = new Ads1115Adc(device, InputMultiplexer.AIN2, range);
        Assert.Equal(16384, adc.ReadRaw());
        Assert.Equal(fullScale / 2, adc.ReadVoltage(), 9);
        Assert.Equal(fullScale / 2, Ads1115Adc.RawToVoltage(16384, range), 9);
    }

    [Fact]
    public void A_voltage_beyond_the_range_clips_to_full_scale()
    {
        var device = new SimulatedAds1115();
        device.SetInputVoltage(0, 5.0);
        using var adc = new Ads1115Adc(device, measuringRange: MeasuringRange.FS4096);
        Assert.Equal(short.MaxValue, adc.ReadRaw());
    }

    [Fact]
    public void Differential_inputs_read_negative_codes()
    {
        var device = new SimulatedAds1115();
        device.SetInputVoltage(0, 0.5);
        device.SetInputVoltage(1, 1.5);
        using var adc = new Ads1115Adc(device, InputMultiplexer.AIN0_AIN1, MeasuringRange.FS2048);
        Assert.Equal(-1.0, adc.ReadVoltage(), 3);
        Assert.True(adc.ReadRaw() < 0);
    }

    [Fact]
    public void Each_single_shot_read_starts_one_conversion_and_waits_for_the_ready_bit()
    {
        var device = new SimulatedAds1115 { BusyReadsPerConversion = 2 };
        var volts = 1.0;
        device.SetInputVoltage(1, () => volts);
        using var adc = new Ads1115Adc(device, InputMultiplexer.AIN1, dataRate: DataRate.SPS860);
        Assert.Equal(1.0, adc.ReadVoltage(), 3);
        volts = 2.0;
        Assert.Equal(2.0, adc.ReadVoltage(), 3);
        Assert.Equal(2, device.Conversions);
        Assert.NotEqual(0, device.LastConfigWritten & Ads1115Config.OperationalStatus);
    }

    [Fact]
    public void Switching_inputs_rewrites_the_mux_and_continuous_mode_reads_without_starting()
    {
        var device = new SimulatedAds1115();
        device.SetInputVoltage(0, 0.25);
        device.SetInputVoltage(3, 0.75);
        using var adc = new Ads1115Adc(device, deviceMode: DeviceMode.Continuous);
        Assert.Equal(0.25, adc.ReadVoltage(InputMultiplexer.AIN0), 3);
        Assert.Equal(0.75, adc.ReadVoltage(InputMultiplexer.AIN3), 3);
        Assert.Equal(InputMultiplexer.AIN3, adc.InputMultiplexer);
        Assert.Equal(0, device.LastConfigWritten & Ads1115Config.OperationalStatus);
    }
}

public sealed class Mq2Tests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gridedge-mq2-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private (Mq2SmokeSensor Sensor, SimulatedAds1115 Device, ManualTimeProvider Time) Create(Func<double> volts, string? file = null, TimeSpan? warmUp = null)
    {
        var time = new ManualTimeProvider();
        var device = new SimulatedAds1115();
        device.SetInputVoltage(0, volts);
        var adc = new Ads1115Adc(device);
        var sensor = new Mq2SmokeSensor(adc, new Mq2Options
        {
            WarmUp = warmUp ?? TimeSpan.FromMinutes(3),
            BaselineFile = file,
            CalibrationSamples = 10,
            CalibrationInterval = TimeSpan.Zero,
        }, time);
        return (sensor, device, time);
    }

    [Fact]
    public void Readings_are_flagged_until_the_heater_has_warmed_up()
    {
        var (sensor, _, time) = Create(() => 0.4);
        var r = sensor.Read();
        Assert.True(r.WarmingUp);
        Assert.Equal(0.4, r.Volts, 3);
        Assert.Null(r.RatioToBaseline);
        time.Advance(TimeSpan.FromMinutes(3));
        Assert.False(sensor.Read().WarmingUp);
    }

    [Fact]
    public async Task Calibration_is_refused_while_warming_up()
    {
        var (sensor, _, _) = Create(() => 0.4);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => sensor.CalibrateAsync(TestContext.Current.CancellationToken));
        Assert.Contains("warming up", e.Message);
    }

    [Fact]
    public async Task The_baseline_is_the_mean_of_the_samples_is_stored_and_gives_the_ratio()
    {
        var file = Path.Combine(_dir, "mq2-baseline.json");
        var samples = new Queue<double>([0.38, 0.42, 0.40, 0.40, 0.39, 0.41, 0.40, 0.40, 0.40, 0.40]);
        var (sensor, device, time) = Create(() => samples.Count > 0 ? samples.Dequeue() : 1.2, file, TimeSpan.Zero);

        var baseline = await sensor.CalibrateAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0.40, baseline.Volts, 3);
        Assert.Equal(10, baseline.Samples);
        Assert.Equal("AIN0", baseline.Channel);
        Assert.Equal(time.GetUtcNow(), baseline.CalibratedAt);
        Assert.True(File.Exists(file));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
        var smoke = sensor.Read();
        Assert.Equal(1.2, smoke.Volts, 3);
        Assert.Equal(3.0, smoke.RatioToBaseline!.Value, 2);

        // A restarted gateway reads the stored baseline.
        var again = new Mq2SmokeSensor(new Ads1115Adc(device), new Mq2Options { BaselineFile = file, WarmUp = TimeSpan.Zero }, time);
        Assert.Equal(baseline, again.Baseline);
    }

    [Fact]
    public void A_damaged_baseline_file_is_refused_naming_the_file()
    {
        Directory.CreateDirectory(_dir);
        var file = Path.Combine(_dir, "mq2-baseline.json");
        File.WriteAllText(file, "{ \"volts\": ");
        var e = Assert.Throws<InvalidDataException>(() => Create(() => 0.4, file));
        Assert.Contains(file, e.Message);
    }

    [Fact]
    public void A_baseline_from_another_input_is_not_used()
    {
        var file = Path.Combine(_dir, "mq2-baseline.json");
        Mq2BaselineFile.Save(file, new Mq2Baseline(0.4, 10, DateTimeOffset.UnixEpoch, "AIN3"));
        var (sensor, _, _) = Create(() => 0.4, file);
        Assert.Null(sensor.Baseline);
    }

    [Fact]
    public async Task A_disconnected_sensor_cannot_be_calibrated()
    {
        var (sensor, _, _) = Create(() => 0.0, null, TimeSpan.Zero);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => sensor.CalibrateAsync(TestContext.Current.CancellationToken));
        Assert.Contains("connected", e.Message);
    }
}
