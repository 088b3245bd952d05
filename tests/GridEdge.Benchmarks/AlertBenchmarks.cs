using System.Device.Gpio;
using System.Diagnostics;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using GridEdge.Edge.Alerts;
using GridEdge.Hardware.Outputs;
using GridEdge.Hardware.Simulation;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Benchmarks;

/// <summary>
/// Latency of a local alarm: from <see cref="AlertEngine.Observe"/> of the PM10 reading that completes the sustain time
/// of the default critical dust level to the signal-light pin changing on a <see cref="RecordingGpioDriver"/>, through
/// the real engine, actuator and <see cref="AlarmOutputs"/>. Target p99 ≤ 10 ms. Each iteration is one alarm: a fresh
/// engine primed with five minutes above the level (setup, not timed), then the crossing reading (timed).
/// </summary>
[Config(typeof(AlertBenchmarksConfig))]
public class AlertBenchmarks
{
    private const int LightPin = 27, BuzzerPin = 17, RelayPin = 22;
    private static readonly DateTimeOffset Start = new(2025, 10, 12, 8, 0, 0, TimeSpan.FromHours(8));
    private readonly AlertRules _rules = AlertRules.Defaults();
    private readonly List<double> _microseconds = [];
    private RecordingGpioDriver _driver = null!;
    private GpioController _gpio = null!;
    private AlarmOutputs _outputs = null!;
    private AlertEngine _engine = null!;
    private AlertActuator? _actuator;
    private Reading _crossing = null!;

    [GlobalSetup]
    public void Setup()
    {
        _driver = new RecordingGpioDriver();
        _gpio = new GpioController(_driver);
        _outputs = new AlarmOutputs(_gpio, new AlarmOutputsOptions
        {
            BuzzerPin = BuzzerPin, LightPin = LightPin, RelayPin = RelayPin,
            // No cool-down here: every iteration is a new alarm that switches the relay too.
            Relay = new RelayOptions { MaxOnTime = TimeSpan.FromSeconds(60), Cooldown = TimeSpan.Zero },
        });
        _crossing = Reading.Instant("site-1", Quantities.Pm10, 400, Start.AddMinutes(5), ClockQuality.NetworkSynced);
    }

    [IterationSetup]
    public void Arm()
    {
        _actuator?.Dispose();
        _outputs.AllOff();
        _driver.ClearHistory();
        _engine = new AlertEngine(_rules);
        _actuator = new AlertActuator(_outputs, _engine, () => DateTimeOffset.UtcNow);
        // Minutes 0-4 at 400 µg/m³: above the critical level, not yet for the 5-minute sustain time.
        for (var m = 0; m < 5; m++)
            if (_engine.Observe(Reading.Instant("site-1", Quantities.Pm10, 400 + m * 0.1, Start.AddMinutes(m), ClockQuality.NetworkSynced)).Count != 0)
                throw new InvalidOperationException("primed too far: an alert was raised during setup");
    }

    [Benchmark(Description = "Observe(crossing reading) -> light pin on")]
    public void ReadingToPin()
    {
        var started = Stopwatch.GetTimestamp();
        _engine.Observe(_crossing);
        while (_driver.GetValue(LightPin) != PinValue.High) Thread.SpinWait(1);
        _microseconds.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        if (_driver.GetValue(RelayPin) != PinValue.Low) throw new InvalidOperationException("the relay (active-low) did not switch on");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _actuator?.Dispose();
        _outputs.Dispose();
        _gpio.Dispose();
        if (_microseconds.Count == 0) return;
        var sorted = _microseconds.Order().ToArray();
        double P(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
        // Stopwatch around Observe → pin in the same process, over every invocation (warm-up included), as a cross-check of the table.
        Console.WriteLine($"// AlertBenchmarks stopwatch: n={sorted.Length} p50={P(50):F1} µs p99={P(99):F1} µs max={sorted[^1]:F1} µs");
    }
}

/// <summary>One invocation per iteration (each is one alarm), many iterations, no outlier removal, and the p50 / p95 / p99 columns.</summary>
public sealed class AlertBenchmarksConfig : ManualConfig
{
    public AlertBenchmarksConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(50).WithIterationCount(1000).WithInvocationCount(1).WithUnrollFactor(1)
            // A latency tail is the point: keep the slow iterations in the percentiles.
            .WithOutlierMode(Perfolizer.Mathematics.OutlierDetection.OutlierMode.DontRemove));
        AddColumn(StatisticColumn.P50, StatisticColumn.P95, new PercentileColumn(99));
    }
}

/// <summary>A percentile of the measurements that BenchmarkDotNet does not ship as a column (p99).</summary>
public sealed class PercentileColumn(int percentile) : IColumn
{
    public string Id => $"{nameof(PercentileColumn)}.P{percentile}";
    public string ColumnName => $"P{percentile}";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Statistics;
    public int PriorityInCategory => 100;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Time;
    public string Legend => $"{percentile}th percentile of the measurements";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (statistics is null) return "NA";
        var nanoseconds = statistics.Percentiles.Percentile(percentile);
        return $"{nanoseconds / 1000.0:N2} μs";
    }

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
