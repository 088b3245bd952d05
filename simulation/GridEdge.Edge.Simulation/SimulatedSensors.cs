using GridEdge.Edge.Alerts;
using GridEdge.Edge.Sensors;
using GridEdge.Edge.Time;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Simulation;

/// <summary>Simulated sensors (enabled by Edge:Simulation:Enabled) that sample every interval and append window aggregates to the readings stream.</summary>
public sealed class SimulatedSensors(Outbox.OutboxStore outbox, GatewayClock clock, IOptions<SimulationOptions> options, ILogger<SimulatedSensors> logger, AlertEngine? alerts = null)
    : BackgroundService, ISensorSource
{
    private readonly SimulationOptions _options = options.Value;
    private long _appended, _failed;

    public long Appended => Interlocked.Read(ref _appended);
    public long Failed => Interlocked.Read(ref _failed);

    public IEnumerable<string> SensorIds => _options.Enabled ? Enumerable.Range(1, _options.Sensors).Select(SensorId) : [];

    /// <summary>The sensor id of simulated point n (1-based).</summary>
    public static string SensorId(int n) => $"sim-{n:00}";

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!_options.Enabled) return;
        var interval = TimeSpan.FromMilliseconds(_options.SampleIntervalMs);
        var samplesPerWindow = Math.Max(1, (int)(_options.WindowSeconds * 1000L / _options.SampleIntervalMs));
        var episodes = _options.Episodes.Enabled ? new PollutionEpisodes(_options.Episodes, clock.Now().At) : null;
        var points = Enumerable.Range(1, _options.Sensors).Select(n => new Point(SensorId(n), new DustModel(n * 7919) { Episodes = episodes }, _options.Weather)).ToArray();
        logger.LogInformation("Simulating {Sensors} sensors: a sample every {SampleIntervalMs} ms, a {WindowSeconds} s aggregate every {Samples} samples",
            points.Length, _options.SampleIntervalMs, _options.WindowSeconds, samplesPerWindow);

        using var timer = new PeriodicTimer(interval);
        var taken = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var (now, quality) = clock.Now();
                foreach (var point in points) point.Sample(now, interval);
                if (++taken < samplesPerWindow) continue;
                taken = 0;
                var stamp = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
                var readings = points.SelectMany(p => p.TakeWindow(_options.WindowSeconds, stamp, quality)).ToList();
                await AppendAllAsync(readings, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task AppendAllAsync(List<Reading> readings, CancellationToken stop)
    {
        // The alert engine sees the readings first, in memory, so a local alarm never waits for the disk.
        if (alerts is not null) foreach (var reading in readings) alerts.Observe(reading);
        // Appending together lets the outbox put the whole window in one commit.
        var appends = readings.Select(r => outbox.AppendAsync(Streams.Readings, r, stop).AsTask()).ToArray();
        try
        {
            await Task.WhenAll(appends).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Appending simulated readings failed");
        }
        foreach (var append in appends)
        {
            if (append.IsCompletedSuccessfully) Interlocked.Increment(ref _appended);
            else Interlocked.Increment(ref _failed);
        }
    }

    private sealed class Point(string sensorId, DustModel model, bool weather)
    {
        private readonly WindowAggregator _pm25 = new(), _pm10 = new(), _smoke = new(decimals: 2), _temperature = new(), _humidity = new();

        public void Sample(DateTimeOffset at, TimeSpan interval)
        {
            var s = model.Sample(at, interval);
            _pm25.Add(s.Pm2_5);
            _pm10.Add(s.Pm10);
            _smoke.Add(s.Smoke);
            if (!weather) return;
            _temperature.Add(s.Temperature);
            _humidity.Add(s.Humidity);
        }

        public IEnumerable<Reading> TakeWindow(int windowSeconds, DateTimeOffset at, ClockQuality quality)
        {
            foreach (var (quantity, aggregator) in new[] { (Quantities.Pm2_5, _pm25), (Quantities.Pm10, _pm10), (Quantities.Smoke, _smoke), (Quantities.Temperature, _temperature), (Quantities.Humidity, _humidity) })
            {
                if (aggregator.Take(windowSeconds) is not { } window) continue;
                yield return quantity == Quantities.Smoke
                    ? Reading.OfWindow(sensorId, quantity, window, at, quality) with { Unit = "ratio" } // MQ-2: ratio to clean air
                    : Reading.OfWindow(sensorId, quantity, window, at, quality);
            }
        }
    }
}
