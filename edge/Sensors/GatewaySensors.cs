using GridEdge.Edge.Alerts;
using GridEdge.Edge.Hosting;
using GridEdge.Edge.Time;
using GridEdge.Hardware;
using GridEdge.Hardware.Ads1115;
using GridEdge.Hardware.Mq2;
using GridEdge.Hardware.Nmea;
using GridEdge.Hardware.Pms5003;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Sensors;

/// <summary>
/// The gateway's own sensors through the real drivers: the PMS5003 dust sensor, the MQ-2 smoke sensor behind an
/// ADS1115, and the GNSS receiver, which also disciplines the <see cref="GatewayClock"/>. Samples are folded into
/// window aggregates (Edge:Hardware:WindowSeconds) and appended to the readings stream. The buses come from
/// <see cref="IHardwareBuses"/>: the Pi's, or simulated ones a host registers instead, so the demo and the tests run the real parsing.
/// </summary>
public sealed class GatewaySensors(
    Outbox.OutboxStore outbox,
    GatewayClock clock,
    IHardwareBuses buses,
    IOptions<HardwareOptions> hardware,
    ILogger<GatewaySensors> logger,
    AlertEngine? alerts = null) : BackgroundService
{
    public const string DustSensorId = "pms5003", SmokeSensorId = "mq2", GnssSensorId = "gnss";

    private readonly HardwareOptions _options = hardware.Value;
    private readonly Lock _lock = new();
    private readonly WindowAggregator _pm1 = new(), _pm25 = new(), _pm10 = new(), _smokeRatio = new(decimals: 2), _smokeVolts = new(decimals: 3);
    private bool _smokeWarmingUp;
    private long _appended;

    /// <summary>Readings appended so far.</summary>
    public long Appended => Interlocked.Read(ref _appended);

    /// <summary>The dust sensor's driver once started (its status and counters), for health reporting.</summary>
    public Pms5003? Dust { get; private set; }

    /// <summary>The GNSS receiver once started (position, time, status).</summary>
    public GnssReceiver? Gnss { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!_options.Enabled) return;
        await Task.Yield();
        var loops = new List<Task> { WindowLoopAsync(stop) };
        if (_options.Dust.Enabled) loops.Add(Guard("dust sensor", () => RunDustAsync(stop), stop));
        if (_options.Smoke.Enabled) loops.Add(Guard("smoke sensor", () => RunSmokeAsync(stop), stop));
        if (_options.Gnss.Enabled) loops.Add(Guard("GNSS receiver", () => RunGnssAsync(stop), stop));
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    /// <summary>Runs one device loop; a device that fails is reopened after a pause instead of taking the host down.</summary>
    private async Task Guard(string device, Func<Task> run, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await run().ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The {Device} failed; reopening it in 10 s", device);
                try { await Task.Delay(TimeSpan.FromSeconds(10), stop).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task RunDustAsync(CancellationToken stop)
    {
        var pms = new Pms5003(buses.OpenDustStream(), _options.Dust.ToPms5003Options());
        Dust = pms;
        pms.StatusChanged += status => logger.Log(status.IsFault ? LogLevel.Warning : LogLevel.Information,
            "Dust sensor {Health}: {Message}", status.Health, status.Message);
        pms.ReadingReceived += reading =>
        {
            if (reading.Settling) return; // the fan has not yet drawn a representative sample
            var f = reading.Frame;
            lock (_lock)
            {
                _pm1.Add(f.Pm1_0Atmospheric);
                _pm25.Add(f.Pm2_5Atmospheric);
                _pm10.Add(f.Pm10Atmospheric);
            }
        };
        await pms.SetModeAsync(_options.Dust.Mode, stop).ConfigureAwait(false);
        if (_options.Dust.Mode == PmsMode.Passive) _ = PollPassiveAsync(pms, stop);
        await pms.RunAsync(stop).ConfigureAwait(false);
    }

    private static async Task PollPassiveAsync(Pms5003 pms, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false)) await pms.RequestReadAsync(stop).ConfigureAwait(false);
    }

    private async Task RunSmokeAsync(CancellationToken stop)
    {
        var adc = new Ads1115(buses.OpenSmokeAdc(), _options.Smoke.Channel, _options.Smoke.Range);
        var mq2 = new Mq2SmokeSensor(adc, _options.Smoke.ToMq2Options());
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.Smoke.SampleIntervalSeconds));
        do
        {
            var reading = mq2.Read();
            lock (_lock)
            {
                _smokeWarmingUp = reading.WarmingUp;
                _smokeVolts.Add(reading.Volts);
                if (reading.RatioToBaseline is { } ratio) _smokeRatio.Add(ratio);
            }
            if (!reading.WarmingUp && mq2.Baseline is null)
            {
                // No clean-air baseline yet: take one now. Install in clean air; delete the baseline file to recalibrate.
                var baseline = await mq2.CalibrateAsync(stop).ConfigureAwait(false);
                logger.LogInformation("Smoke sensor calibrated: clean-air baseline {Volts:F3} V, stored in {File}", baseline.Volts, _options.Smoke.BaselineFile);
            }
        } while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
    }

    private async Task RunGnssAsync(CancellationToken stop)
    {
        var gnss = new GnssReceiver(buses.OpenGnssStream(), _options.Gnss.ToReceiverOptions());
        Gnss = gnss;
        gnss.StatusChanged += status => logger.Log(status.IsFault ? LogLevel.Warning : LogLevel.Information,
            "GNSS receiver {Health}: {Message}", status.Health, status.Message);
        gnss.TimeReceived += time =>
        {
            if (time.IsValid) clock.ReportGnssTime(time.Utc);
        };
        await gnss.RunAsync(stop).ConfigureAwait(false);
    }

    private async Task WindowLoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.WindowSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false)) await AppendWindowAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Folds what each sensor sampled since the last window into aggregates and appends them together.</summary>
    internal async Task AppendWindowAsync(CancellationToken stop)
    {
        var (now, quality) = clock.Now();
        var at = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var readings = new List<Reading>();
        var seconds = _options.WindowSeconds;
        lock (_lock)
        {
            void Add(string sensor, string quantity, string unit, WindowAggregator aggregator, DataFlag flag = DataFlag.Normal)
            {
                if (aggregator.Take(seconds) is { } window) readings.Add(Reading.OfWindow(sensor, quantity, window, at, quality, flag) with { Unit = unit });
            }
            Add(DustSensorId, Quantities.Pm1, Quantities.MicrogramsPerCubicMetre, _pm1);
            Add(DustSensorId, Quantities.Pm2_5, Quantities.MicrogramsPerCubicMetre, _pm25);
            Add(DustSensorId, Quantities.Pm10, Quantities.MicrogramsPerCubicMetre, _pm10);
            var smokeFlag = _smokeWarmingUp ? DataFlag.WarmingUp : DataFlag.Normal;
            Add(SmokeSensorId, Quantities.Smoke, "ratio", _smokeRatio, smokeFlag);
            Add(SmokeSensorId, Quantities.Smoke, "V", _smokeVolts, smokeFlag);
        }
        if (readings.Count == 0) return;
        // The alert engine sees the readings first, in memory, so a local alarm never waits for the disk.
        if (alerts is not null) foreach (var reading in readings) alerts.Observe(reading);
        var appends = readings.Select(r => outbox.AppendAsync(Streams.Readings, r, stop).AsTask()).ToArray();
        try
        {
            await Task.WhenAll(appends).ConfigureAwait(false);
            Interlocked.Add(ref _appended, appends.Length);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Appending {Count} sensor readings failed", readings.Count);
        }
    }
}
