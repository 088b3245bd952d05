using System.Diagnostics;
using System.Globalization;
using GridEdge.Edge.Outbox;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Load;
using GridEdge.Testing;
using LiteDB;

// The load command: whole-path figures with real processes on loopback, each against a baseline measured in the
// same run. Build Release first: dotnet build -c Release GridEdge.sln
//   dotnet tests/GridEdge.Load/bin/Release/net10.0/GridEdge.Load.dll [codec|e2e|backlog|rss|hj212|alert-latency|checkins|all] [--records N] [--seconds S] [--concurrency N]
var command = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
var records = Option("--records", 72_000);
var seconds = Option("--seconds", 60);
// Appends in flight at the gateway: the group commit folds them into one transaction and one fsync.
var concurrency = Option("--concurrency", 64);
var verbose = args.Contains("--verbose");
void Log(string line) { if (verbose) Console.Error.WriteLine(line); }

switch (command)
{
    case "codec": Codec(); break;
    case "e2e": await EndToEnd(records); break;
    case "backlog": await Backlog(records); break;
    case "rss": await PeakRss(seconds); break;
    case "hj212": return await GridEdge.Load.Hj212Load.RunAsync(Option("--monitors", 1000), seconds, Option("--interval-ms", 5000) / 1000.0, Log);
    case "alert-latency": return await GridEdge.Load.AlertLatency.RunAsync(Option("--samples", 100), Option("--backlog", 10_000));
    case "checkins": return await GridEdge.Load.CheckInLoad.RunAsync(Option("--terminals", 50), Option("--seconds", 20), args.Contains("--uplink"), Log);
    case "report": return await GridEdge.Load.CityReport.RunAsync(Option("--checkins", 1_000_000), args);
    case "all":
        Codec();
        await EndToEnd(records);
        await Backlog(records);
        await PeakRss(seconds);
        break;
    default:
        Console.Error.WriteLine($"unknown command '{command}': expected codec, e2e, backlog, rss, hj212, alert-latency, checkins or all");
        return 2;
}
return 0;

static Reading[] MinuteAggregates(int count)
{
    var random = new Random(72);
    var at = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
    var quantities = new[] { Quantities.Pm2_5, Quantities.Pm10 };
    return Enumerable.Range(0, count).Select(i =>
    {
        var avg = Math.Round(20 + 60 * random.NextDouble(), 1);
        return Reading.OfWindow($"s{i % 50:00}", quantities[i % 2], new Aggregate(Math.Round(avg * 0.9, 1), avg, Math.Round(avg * 1.15, 1), 60, 60),
            at.AddMinutes(i / 50), ClockQuality.NetworkSynced);
    }).ToArray();
}

void Codec()
{
    var readings = MinuteAggregates(5000);
    const string gw = "gw-370102-001";
    double PerReading(int batchSize, WireFormat format) =>
        readings.Chunk(batchSize).Sum(chunk => (double)WireCodec.Encode(new Batch(gw, Streams.Readings, 1, chunk), format).Length) / readings.Length;
    var jsonSingle = PerReading(1, WireFormat.Json);
    Console.WriteLine("codec: bytes on the wire per minute-aggregate reading (payload only, 5,000 readings of 50 sensors)");
    Console.WriteLine($"  JSON, one message per reading (baseline) {jsonSingle,8:F1}");
    foreach (var (size, format) in new[] { (1, WireFormat.Binary), (500, WireFormat.Json), (500, WireFormat.Binary) })
    {
        var b = PerReading(size, format);
        Console.WriteLine($"  {format,-6} batches of {size,-4}                 {b,8:F1}   ({jsonSingle / b:F1}x smaller)");
    }
}

static double InsertBulkPerSecond(int count)
{
    var dir = Directory.CreateTempSubdirectory("gridedge-bulk-").FullName;
    try
    {
        var docs = MinuteAggregates(count).Select((r, i) =>
        {
            var bytes = RecordEncoding.Encode(Streams.Readings, r);
            return new BsonDocument { ["_id"] = (long)i + 1, ["r"] = bytes, ["n"] = bytes.Length };
        }).ToArray();
        using var db = new LiteDatabase(new ConnectionString { Filename = Path.Combine(dir, "bulk.db"), Connection = ConnectionType.Direct });
        var sw = Stopwatch.StartNew();
        db.GetCollection("readings").InsertBulk(docs);
        return count / sw.Elapsed.TotalSeconds;
    }
    finally { Directory.Delete(dir, true); }
}

async Task EndToEnd(int count)
{
    var bulk = InsertBulkPerSecond(count);
    using var dir = new TempDirectory("load-e2e");
    var gw = new GatewayAccount("gw-load-1", "pw-" + Guid.NewGuid().ToString("N")[..10]);
    using var server = new ServerHost(dir.File("server"), [gw], Log);
    Directory.CreateDirectory(server.DataDirectory);
    await server.StartAsync();
    var ledger = new LedgerReader(server.LedgerPath);
    using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, Log);
    edge.Start(count, "load-e2e", "--Edge:Load:Print=false", $"--Edge:Load:Concurrency={concurrency}");
    await edge.Process.WaitForLineAsync(l => l.StartsWith("LOAD STARTED"), TimeSpan.FromSeconds(60));
    var sw = Stopwatch.StartNew();
    var (edgeCpu0, serverCpu0) = (ProcStats.CpuSeconds(edge.Process.Id), ProcStats.CpuSeconds(server.Process.Id));
    await ledger.WaitForCountAsync(gw.Id, count, TimeSpan.FromMinutes(5));
    var e2e = count / sw.Elapsed.TotalSeconds;
    var (edgeCpu, serverCpu) = (ProcStats.CpuSeconds(edge.Process.Id) - edgeCpu0, ProcStats.CpuSeconds(server.Process.Id) - serverCpu0);
    Console.WriteLine($"e2e: {count:N0} records appended at the edge ({concurrency} appends in flight) -> embedded broker -> SQLite ledger");
    Console.WriteLine($"  LiteDB InsertBulk of the same records (baseline) {bulk,10:N0} records/s");
    Console.WriteLine($"  edge -> broker -> ledger, live                  {e2e,10:N0} records/s = {e2e / bulk:F2} x InsertBulk (target >= 0.33)");
    Console.WriteLine($"  CPU over {sw.Elapsed.TotalSeconds:F1} s on {Environment.ProcessorCount} cores: edge {edgeCpu:F1} s, server {serverCpu:F1} s");
}

async Task Backlog(int count)
{
    using var dir = new TempDirectory("load-backlog");
    var gw = new GatewayAccount("gw-load-2", "pw-" + Guid.NewGuid().ToString("N")[..10]);
    using var server = new ServerHost(dir.File("server"), [gw], Log);
    Directory.CreateDirectory(server.DataDirectory);
    using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, Log);
    // The uplink is down (nothing listens on the broker port) while a day of 50 sensors' minute records queues up.
    edge.Start(count, "load-day", "--Edge:Load:Print=false", "--Edge:Uplink:ReconnectCapSeconds=1", $"--Edge:Load:Concurrency={concurrency}");
    await edge.Process.WaitForLineAsync(l => l.StartsWith("LOAD DONE"), TimeSpan.FromMinutes(5));
    var beforeDrain = ProcIo(edge.Process.Id);
    await server.StartAsync();
    var sw = Stopwatch.StartNew();
    await new LedgerReader(server.LedgerPath).WaitForCountAsync(gw.Id, count, TimeSpan.FromMinutes(5));
    var drained = sw.Elapsed;
    await Task.Delay(3000); // the last acks, reclaim and checkpoint
    var after = ProcIo(edge.Process.Id);
    var outboxBytes = Directory.GetFiles(edge.DataDirectory, "outbox*.db").Sum(f => new FileInfo(f).Length);
    Console.WriteLine($"backlog: {count:N0} records queued while the uplink was down ({concurrency} appends in flight)");
    Console.WriteLine($"  drained into the ledger {drained.TotalSeconds:F2} s after the server came up (target <= 10 s; includes the gateway's reconnect, capped at 1 s)");
    Console.WriteLine($"  edge storage writes per record, append to reclaim: {after.WriteBytes / (double)count:F0} B to the block device, {after.WriteChars / (double)count:F0} B through write() (target <= 1024); of that during drain and reclaim {(after.WriteBytes - beforeDrain.WriteBytes) / (double)count:F0} B; outbox files now {outboxBytes:N0} B");
}

async Task PeakRss(int duration)
{
    using var dir = new TempDirectory("load-rss");
    var gw = new GatewayAccount("gw-load-3", "pw-" + Guid.NewGuid().ToString("N")[..10]);
    using var server = new ServerHost(dir.File("server"), [gw], Log);
    Directory.CreateDirectory(server.DataDirectory);
    await server.StartAsync();
    using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, Log);
    // 50 simulated sensors sampled every 100 ms with 10 s windows: 10x the sample rate and 6x the record rate of a real gateway.
    edge.Start(0, "none", "--Edge:Simulation:Enabled=true", "--Edge:Simulation:Sensors=50", "--Edge:Simulation:SampleIntervalMs=100", "--Edge:Simulation:WindowSeconds=10");
    var samples = new List<long>();
    for (var i = 0; i < duration; i++)
    {
        await Task.Delay(1000);
        samples.Add(ProcStats.Status(edge.Process.Id, "VmRSS:"));
    }
    var peak = ProcStats.Status(edge.Process.Id, "VmHWM:");
    var io = ProcIo(edge.Process.Id);
    var stored = new LedgerReader(server.LedgerPath).Count(gw.Id);
    Console.WriteLine($"rss: edge process, 50 simulated sensors for {duration} s ({stored:N0} readings reached the ledger)");
    Console.WriteLine($"  peak RSS (VmHWM) {peak / 1024.0:F1} MB, last {samples[^1] / 1024.0:F1} MB, median {samples.Order().ElementAt(samples.Count / 2) / 1024.0:F1} MB (target <= 80 MB)");
    Console.WriteLine($"  storage writes per stored record in this steady state: {io.WriteBytes / (double)Math.Max(stored, 1):F0} B to the block device (includes the log file)");
}

static (long WriteBytes, long WriteChars) ProcIo(int pid)
{
    var lines = File.ReadAllLines($"/proc/{pid}/io");
    long Field(string name) => long.Parse(lines.First(l => l.StartsWith(name)).Split(':')[1].Trim(), CultureInfo.InvariantCulture);
    return (Field("write_bytes"), Field("wchar"));
}

