using BenchmarkDotNet.Attributes;
using GridEdge.Edge.Outbox;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using LiteDB;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Benchmarks;

/// <summary>
/// Durable appends per second: the outbox's group commit against LiteDB's one insert per transaction (the baseline,
/// one file sync per record) and LiteDB's InsertBulk (one transaction for everything, the ceiling), with the same
/// documents, on the same disk, in the same run.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
[MemoryDiagnoser]
public class OutboxBenchmarks
{
    private const int Records = 10_000;
    private string _dir = "";
    private Reading[] _readings = [];
    private BsonDocument[] _documents = [];
    private LiteDatabase? _db;
    private OutboxStore? _outbox;

    [GlobalSetup]
    public void Setup()
    {
        var at = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
        _readings = Enumerable.Range(0, Records)
            .Select(i => Reading.OfWindow($"s{i % 50:00}", Quantities.Pm2_5, new Aggregate(20 + i % 7, 35.2 + i % 11, 48.5, 60, 60), at.AddMinutes(i / 50), ClockQuality.NetworkSynced))
            .ToArray();
    }

    [IterationSetup]
    public void FreshFiles()
    {
        _dir = Path.Combine(Path.GetTempPath(), "gridedge-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        // The same document the outbox stores: _id = seq, the record's encoding and its size.
        _documents = _readings.Select((r, i) =>
        {
            var bytes = RecordEncoding.Encode(Streams.Readings, r);
            return new BsonDocument { ["_id"] = (long)i + 1, ["r"] = bytes, ["n"] = bytes.Length };
        }).ToArray();
        _db = new LiteDatabase(new ConnectionString { Filename = Path.Combine(_dir, "baseline.db"), Connection = ConnectionType.Direct });
        _outbox = new OutboxStore(new OutboxSettings(Path.Combine(_dir, "outbox")), NullLogger<OutboxStore>.Instance);
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _db?.Dispose();
        _outbox?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Records, Description = "LiteDB one insert per transaction")]
    public void LiteDbInsertEach()
    {
        var col = _db!.GetCollection("readings");
        foreach (var d in _documents) col.Insert(d);
    }

    // LiteDB 5.0.x does not fsync on commit (LiteDB issue #2818), so the plain baseline above is only as durable as the
    // page cache. This one is what "one durable insert per transaction" costs: the insert, then an fsync of the log.
    [Benchmark(OperationsPerInvoke = Records, Description = "LiteDB one insert per transaction + fsync")]
    public void LiteDbInsertEachDurable()
    {
        var col = _db!.GetCollection("readings");
        var log = Path.Combine(_dir, "baseline-log.db");
        foreach (var d in _documents)
        {
            col.Insert(d);
            FileSync.File(log);
        }
    }

    [Benchmark(OperationsPerInvoke = Records, Description = "LiteDB InsertBulk")]
    public void LiteDbInsertBulk() => _db!.GetCollection("readings").InsertBulk(_documents);

    [Benchmark(OperationsPerInvoke = Records, Description = "Outbox.AppendAsync, all 10,000 concurrent (group commit)")]
    public async Task OutboxAppendConcurrent()
    {
        var tasks = new Task<long>[Records];
        for (var i = 0; i < Records; i++) tasks[i] = _outbox!.AppendAsync(Streams.Readings, _readings[i]).AsTask();
        await Task.WhenAll(tasks);
    }

    [Benchmark(OperationsPerInvoke = Records, Description = "Outbox.AppendAsync, 64 in flight")]
    public async Task OutboxAppend64InFlight()
    {
        var next = -1;
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Records) await _outbox!.AppendAsync(Streams.Readings, _readings[i]);
        }
        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Worker()));
    }

    // What a terminal's check-in costs: one record with its idempotency key and answer (about 120 bytes) in the same commit.
    [Benchmark(OperationsPerInvoke = Records, Description = "Outbox.AppendAllAsync, one record with a dedupe key, 64 in flight")]
    public async Task OutboxAppendKeyed64InFlight()
    {
        var answer = new byte[120];
        var next = -1;
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Records)
                await _outbox!.AppendAllAsync(Streams.Readings, [_readings[i]], new DedupeEntry(new DedupeKey("bench", $"t-{i % 50}|r-{i}"), TimeSpan.FromDays(7), answer));
        }
        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Worker()));
    }
}
