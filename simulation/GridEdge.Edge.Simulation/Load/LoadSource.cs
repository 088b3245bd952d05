using System.Globalization;
using GridEdge.Edge.Alerts;
using GridEdge.Edge.Sensors;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Load;

/// <summary>
/// A load generator for the crash tests: when Edge:Load:Count is above 0 it appends that many readings (values
/// StartValue, StartValue+1, …) as fast as the outbox takes them, and prints <c>APPENDED {stream} {seq} {sensorId} {value}</c>
/// for every append that returned (unless Edge:Load:Print is false, for measurements), then <c>LOAD DONE {count}</c>. A line is printed only after the commit, so every
/// printed record must reach the ledger exactly once, whatever kills the process.
/// </summary>
public sealed class LoadSource : BackgroundService, ISensorSource
{
    private readonly Outbox.OutboxStore _outbox;
    private readonly LoadOptions _options;
    private readonly ILogger<LoadSource> _logger;
    private readonly TextWriter _output;
    private readonly AlertEngine? _alerts;
    private readonly Lock _outputLock = new();

    public LoadSource(Outbox.OutboxStore outbox, IOptions<LoadOptions> options, ILogger<LoadSource> logger, AlertEngine? alerts = null)
        : this(outbox, options, logger, Console.Out, alerts) { }

    /// <param name="alerts">When given, every reading is observed by the alert engine before it is appended, as the sensors do.</param>
    public LoadSource(Outbox.OutboxStore outbox, IOptions<LoadOptions> options, ILogger<LoadSource> logger, TextWriter output, AlertEngine? alerts = null)
    {
        _alerts = alerts;
        _outbox = outbox;
        _options = options.Value;
        _logger = logger;
        _output = output;
    }

    public IEnumerable<string> SensorIds => _options.Count > 0 ? [_options.SensorId] : [];

    /// <summary>Appends that returned so far.</summary>
    public long Appended => Interlocked.Read(ref _appended);
    private long _appended;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (_options.Count <= 0) return;
        await Task.Yield();
        var last = _options.StartValue + _options.Count - 1;
        var next = _options.StartValue - 1;
        _logger.LogInformation("Load: appending {Count} readings of {SensorId}, values {First}-{Last}, {Concurrency} at a time",
            _options.Count, _options.SensorId, _options.StartValue, last, _options.Concurrency);
        var started = DateTimeOffset.UtcNow;
        WriteLine(string.Create(CultureInfo.InvariantCulture, $"LOAD STARTED {_options.Count}"));

        async Task Worker()
        {
            while (!stop.IsCancellationRequested)
            {
                var value = Interlocked.Increment(ref next);
                if (value > last) return;
                var reading = Reading.Instant(_options.SensorId, Quantities.Pm2_5, value, DateTimeOffset.UtcNow, ClockQuality.NetworkSynced);
                _alerts?.Observe(reading);
                var seq = await _outbox.AppendAsync(Streams.Readings, reading, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Increment(ref _appended);
                if (_options.Print) WriteLine(string.Create(CultureInfo.InvariantCulture, $"APPENDED {Streams.Readings} {seq} {_options.SensorId} {value}"));
            }
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, _options.Concurrency).Select(_ => Task.Run(Worker, CancellationToken.None))).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Load: an append failed after {Appended} appends", Appended);
            return;
        }
        if (stop.IsCancellationRequested)
        {
            _logger.LogWarning("Load: stopped after {Appended} of {Count} appends", Appended, _options.Count);
            return;
        }
        var seconds = (DateTimeOffset.UtcNow - started).TotalSeconds;
        _logger.LogInformation("Load: {Count} appends in {Seconds:F2} s ({Rate:F0}/s), {RecordsPerCommit:F1} records per commit",
            Appended, seconds, Appended / Math.Max(seconds, 1e-6), _outbox.Counters.RecordsPerCommit);
        WriteLine(string.Create(CultureInfo.InvariantCulture, $"LOAD DONE {Appended} records-per-commit={_outbox.Counters.RecordsPerCommit:F1}"));
    }

    private void WriteLine(string line)
    {
        lock (_outputLock)
        {
            _output.WriteLine(line);
            _output.Flush();
        }
    }
}
