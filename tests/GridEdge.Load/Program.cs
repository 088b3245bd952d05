using GridEdge.Protocol.Hosting;
using System.CommandLine;
using Command = System.CommandLine.Command;
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
// same run. Build Release first: dotnet build -c Release GridEdge.sln, then
//   dotnet tests/GridEdge.Load/bin/Release/net10.0/GridEdge.Load.dll --help
var verbose = false;
var concurrency = 64;
void Log(string line) { if (verbose) Console.Error.WriteLine(line); }

const string Dll = "dotnet tests/GridEdge.Load/bin/Release/net10.0/GridEdge.Load.dll";
var cli = new HostCommandLine("GridEdge load figures: real hosts on loopback, each figure against a baseline measured in the same run. Build Release first (dotnet build -c Release GridEdge.sln).");
var verboseOption = new Option<bool>("--verbose") { Description = "Print the hosts' output to stderr", Recursive = true };
cli.Root.Add(verboseOption);

static Option<int> Count(string name, int fallback, string description) => new(name) { Description = description, DefaultValueFactory = _ => fallback };
Option<int> Records() => Count("--records", 72_000, "Records appended at the gateway (a day of 50 sensors' minute records)");
// Appends in flight at the gateway: the group commit folds them into one transaction and one fsync.
Option<int> Concurrency() => Count("--concurrency", 64, "Appends in flight at the gateway");

Command Define(string name, string description, Option[] options, Func<ParseResult, Task<int>> run, params string[] examples)
{
    var command = new Command(name, description);
    foreach (var option in options) command.Add(option);
    command.SetAction(result =>
    {
        verbose = result.GetValue(verboseOption);
        return run(result).GetAwaiter().GetResult();
    });
    cli.Add(command, [.. examples.Select(e => $"{Dll} {e}")]);
    return command;
}

Define("codec", "Bytes on the wire per minute-aggregate reading, JSON and binary, single and batched", [],
    _ => { Codec(); return Task.FromResult(0); }, "codec");
var e2eRecords = Records();
var e2eConcurrency = Concurrency();
var e2eWarmup = Count("--warmup", 0, "Records sent through first and not measured (both processes' JIT warm-up; the baseline is warmed the same way)");
Define("e2e", "Records per second from the gateway's outbox through the embedded broker into the SQLite ledger, against LiteDB InsertBulk",
    [e2eRecords, e2eConcurrency, e2eWarmup], async r => { concurrency = r.GetValue(e2eConcurrency); await EndToEnd(r.GetValue(e2eRecords), r.GetValue(e2eWarmup)); return 0; },
    "e2e --records 72000 --concurrency 64", "e2e --records 300000 --warmup 100000");
var backlogRecords = Records();
var backlogConcurrency = Concurrency();
Define("backlog", "A day's records queued with the uplink down, then the time to drain them into the ledger and the storage writes per record",
    [backlogRecords, backlogConcurrency], async r => { concurrency = r.GetValue(backlogConcurrency); await Backlog(r.GetValue(backlogRecords)); return 0; },
    "backlog --records 72000");
var rssSeconds = Count("--seconds", 60, "How long to sample the gateway's memory");
Define("rss", "Peak resident memory of a gateway with 50 simulated sensors", [rssSeconds], async r => { await PeakRss(r.GetValue(rssSeconds)); return 0; },
    "rss --seconds 60");
var monitors = Count("--monitors", 1000, "HJ 212 monitor connections to the gateway");
var hj212Seconds = Count("--seconds", 60, "How long the monitors send");
var intervalMs = Count("--interval-ms", 5000, "Milliseconds between one monitor's frames");
Define("hj212", "One gateway holding many HJ 212 monitor connections: acks, latency, readings in the ledger, memory growth",
    [monitors, hj212Seconds, intervalMs], r => GridEdge.Load.Hj212Load.RunAsync(r.GetValue(monitors), r.GetValue(hj212Seconds), r.GetValue(intervalMs) / 1000.0, Log),
    "hj212 --monitors 1000 --seconds 60 --interval-ms 5000");
var samples = Count("--samples", 100, "Threshold crossings timed");
var alertBacklog = Count("--backlog", 10_000, "Readings queued in the outbox ahead of each alert");
Define("alert-latency", "From a sample crossing a threshold at the gateway to the alert in the server's ledger, with and without a backlog",
    [samples, alertBacklog], r => GridEdge.Load.AlertLatency.RunAsync(r.GetValue(samples), r.GetValue(alertBacklog)),
    "alert-latency --samples 100 --backlog 10000");
var terminals = Count("--terminals", 50, "Terminals posting check-ins at once");
var checkinSeconds = Count("--seconds", 20, "How long they post");
var uplink = new Option<bool>("--uplink") { Description = "Keep the server up, so the gateway's uplink drains while it accepts" };
Define("checkins", "Check-ins accepted durably by one gateway from many terminals at once, against appends straight to an outbox",
    [terminals, checkinSeconds, uplink], r => GridEdge.Load.CheckInLoad.RunAsync(r.GetValue(terminals), r.GetValue(checkinSeconds), r.GetValue(uplink), Log),
    "checkins --terminals 50 --seconds 20 [--uplink]");
var checkins = Count("--checkins", 1_000_000, "Check-ins generated into the city ledger");
var ledger = new Option<string>("--ledger") { Description = "Keep the generated ledger at this path (and reuse it when it exists)", HelpName = "PATH" };
var keep = new Option<bool>("--keep") { Description = "Write the reports to the current folder" };
Define("report", "The city-wide weekly report (XLSX and CSV) from a city-scale ledger over HTTP, against a full scan of the check-ins",
    [checkins, ledger, keep], r => GridEdge.Load.CityReport.RunAsync(r.GetValue(checkins), r.GetValue(ledger), r.GetValue(keep)),
    "report --ledger /tmp/city-ledger.db --keep");
var scoreCheckins = Count("--checkins", 1_000_000, "Check-ins generated into the city ledger");
var scoreLedger = new Option<string>("--ledger") { Description = "The city ledger of `report` (generated there when missing, and kept)", HelpName = "PATH" };
Define("scores", "A county's assessment scores for a quarter (both shipped sheets) and the whole city's villages from the real server over HTTP, against the weekly report's GROUP BY baseline",
    [scoreCheckins, scoreLedger], r => GridEdge.Load.CountyScores.RunAsync(r.GetValue(scoreCheckins), r.GetValue(scoreLedger)),
    "scores --ledger /tmp/city-scores.db");
var engineCheckins = Count("--checkins", 1_000_000, "Check-ins generated into the city ledger");
var engineLedger = new Option<string>("--ledger") { Description = "Keep the generated SQLite ledger at this path (and reuse it when it exists)", HelpName = "PATH" };
var collateFix = new Option<bool>("--collate-fix") { Description = "Then give the copy's patrol_places.place_id COLLATE \"C\" (a proposed schema fix) and fetch the reports again" };
Define("report-engines", "The city-wide weekly report from the real server on PostgreSQL (fsync on) against the same on SQLite: the city ledger generated in SQLite and moved by `ledger copy`",
    [engineCheckins, engineLedger, collateFix], r => GridEdge.Load.ReportEngines.RunAsync(r.GetValue(engineCheckins), r.GetValue(engineLedger), r.GetValue(collateFix), Log),
    "report-engines --ledger /tmp/city-ledger.db");
var ingestRecords = Count("--records", 200_000, "Readings ingested, shared evenly by the gateways");
var ingestGateways = Count("--gateways", 8, "Gateways sending batches at once");
var ingestBatch = Count("--batch", 500, "Readings per batch (the edge's uplink sends 500)");
Define("pg-ingest", "Server ingest (decode, dedupe, commit, ack) into PostgreSQL with fsync on, against a binary COPY of the same rows; SQLite for reference",
    [ingestRecords, ingestGateways, ingestBatch], r => GridEdge.Load.PgIngest.RunAsync(r.GetValue(ingestRecords), r.GetValue(ingestGateways), r.GetValue(ingestBatch), Log),
    "pg-ingest --records 200000 --gateways 8");
var authRequests = Count("--requests", 2000, "GETs per variant");
var authRows = Count("--rows", 20_000, "Readings and check-ins in the ledger");
Define("auth-cost", "What access control costs on GET /api/readings and /api/checkins: API key (city-wide, township-scoped) and session, against the same query without it",
    [authRequests, authRows], r => GridEdge.Load.AuthorizationCost.RunAsync(r.GetValue(authRequests), r.GetValue(authRows)),
    "auth-cost --requests 2000");
var consoleLedger = new Option<string>("--ledger") { Description = "The city ledger of `report` (generated there when missing, and kept)", HelpName = "PATH" };
var consoleRuns = Count("--runs", 5, "Cold loads per figure (the median is shown)");
var consoleChromium = new Option<string>("--chromium") { Description = "The browser to drive", DefaultValueFactory = _ => "/usr/bin/chromium", HelpName = "PATH" };
Define("console", "The console in headless chromium on the city ledger: the grid map for a township and the whole city, the city's problem list",
    [consoleLedger, consoleRuns, consoleChromium], r => GridEdge.Load.ConsoleLoad.RunAsync(r.GetValue(consoleLedger), r.GetValue(consoleRuns), r.GetValue(consoleChromium)!),
    "console --ledger /tmp/city-ledger.db --runs 5");
var routeLedger = new Option<string>("--ledger") { Description = "The city ledger of `report` (generated there when missing, and kept)", HelpName = "PATH" };
var routeComplaints = Count("--complaints", 20_000, "Complaints routed");
Define("route", "Routing complaints to their village over the city's 5,209 outlines: the server's cell index against a scan of every outline",
    [routeLedger, routeComplaints], r => GridEdge.Load.ComplaintRouting.RunAsync(r.GetValue(routeLedger), r.GetValue(routeComplaints)),
    "route --ledger /tmp/city-console.db --complaints 20000");
var taskCount = Count("--tasks", 500, "Open tasks of the one member");
var taskRequests = Count("--requests", 2000, "GETs of the list (and of the baseline)");
Define("tasks", "A member's task list on the gateway with the uplink down: GET /api/v1/tasks against GET /api/v1/status on the same process",
    [taskCount, taskRequests], r => GridEdge.Load.TaskListLoad.RunAsync(r.GetValue(taskCount), r.GetValue(taskRequests), Log),
    "tasks --tasks 500 --requests 2000");
var allRecords = Records();
var allSeconds = Count("--seconds", 60, "How long rss samples the gateway's memory");
var allConcurrency = Concurrency();
Define("all", "codec, e2e, backlog and rss in turn", [allRecords, allSeconds, allConcurrency], async r =>
{
    concurrency = r.GetValue(allConcurrency);
    Codec();
    await EndToEnd(r.GetValue(allRecords));
    await Backlog(r.GetValue(allRecords));
    await PeakRss(r.GetValue(allSeconds));
    return 0;
}, "all --concurrency 1000");

return cli.Invoke(args, Console.Out, Console.Error);

void Codec()
{
    var readings = MinuteReadings.Aggregates(5000);
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

// With warm-up, the same insert into another file first, so LiteDB's code is compiled before the measured one.
static double InsertBulkPerSecond(int count, int warmup = 0)
{
    var dir = Directory.CreateTempSubdirectory("gridedge-bulk-").FullName;
    try
    {
        BsonDocument[] Documents(int n) => [.. MinuteReadings.Aggregates(n).Select((r, i) =>
        {
            var bytes = RecordEncoding.Encode(Streams.Readings, r);
            return new BsonDocument { ["_id"] = (long)i + 1, ["r"] = bytes, ["n"] = bytes.Length };
        })];
        if (warmup > 0)
        {
            using var first = new LiteDatabase(new ConnectionString { Filename = Path.Combine(dir, "warmup.db"), Connection = ConnectionType.Direct });
            first.GetCollection("readings").InsertBulk(Documents(warmup));
        }
        var docs = Documents(count);
        using var db = new LiteDatabase(new ConnectionString { Filename = Path.Combine(dir, "bulk.db"), Connection = ConnectionType.Direct });
        var sw = Stopwatch.StartNew();
        db.GetCollection("readings").InsertBulk(docs);
        return count / sw.Elapsed.TotalSeconds;
    }
    finally { Directory.Delete(dir, true); }
}

async Task EndToEnd(int count, int warmup = 0)
{
    var bulk = InsertBulkPerSecond(count, warmup);
    using var dir = new TempDirectory("load-e2e");
    var gw = new GatewayAccount("gw-load-1", "pw-" + Guid.NewGuid().ToString("N")[..10]);
    using var server = new ServerHost(dir.File("server"), [gw], Log);
    Directory.CreateDirectory(server.DataDirectory);
    await server.StartAsync();
    var ledger = new LedgerReader(server.LedgerPath);
    using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, Log);
    edge.Start(warmup + count, "load-e2e", "--Edge:Load:Print=false", $"--Edge:Load:Concurrency={concurrency}");
    await edge.Process.WaitForLineAsync(l => l.StartsWith("LOAD STARTED"), TimeSpan.FromSeconds(60));
    // The measured window starts once the warm-up records are in the ledger (at once without warm-up).
    if (warmup > 0) await ledger.WaitForCountAsync(gw.Id, warmup, TimeSpan.FromMinutes(5));
    var sw = Stopwatch.StartNew();
    var (edgeCpu0, serverCpu0) = (ProcStats.CpuSeconds(edge.Process.Id), ProcStats.CpuSeconds(server.Process.Id));
    var from = ledger.Count(gw.Id);
    await ledger.WaitForCountAsync(gw.Id, warmup + count, TimeSpan.FromMinutes(5));
    var measured = warmup + count - from;
    var e2e = measured / sw.Elapsed.TotalSeconds;
    var (edgeCpu, serverCpu) = (ProcStats.CpuSeconds(edge.Process.Id) - edgeCpu0, ProcStats.CpuSeconds(server.Process.Id) - serverCpu0);
    count = (int)measured;
    Console.WriteLine($"e2e: {count:N0} records appended at the edge ({concurrency} appends in flight{(warmup > 0 ? $", after {warmup:N0} not measured" : "")}) -> embedded broker -> SQLite ledger");
    Console.WriteLine($"  LiteDB InsertBulk of the same records (baseline) {bulk,10:N0} records/s");
    Console.WriteLine($"  edge -> broker -> ledger, live                  {e2e,10:N0} records/s = {e2e / bulk:F2} x InsertBulk (target >= 0.33)");
    Console.WriteLine($"  CPU over {sw.Elapsed.TotalSeconds:F1} s on {Environment.ProcessorCount} cores: edge {edgeCpu:F1} s = {edgeCpu * 1e6 / count:F1} µs per record (target <= 30), server {serverCpu:F1} s");
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
    var beforeDrain = ProcStats.Io(edge.Process.Id);
    await server.StartAsync();
    var sw = Stopwatch.StartNew();
    await new LedgerReader(server.LedgerPath).WaitForCountAsync(gw.Id, count, TimeSpan.FromMinutes(5));
    var drained = sw.Elapsed;
    await Task.Delay(3000); // the last acks, reclaim and checkpoint
    var after = ProcStats.Io(edge.Process.Id);
    var outboxBytes = Directory.GetFiles(edge.DataDirectory, "outbox*.db").Sum(f => new FileInfo(f).Length);
    var perCommit = edge.Process.Lines.First(l => l.StartsWith("LOAD DONE")).Split(' ').LastOrDefault(w => w.StartsWith("records-per-commit=")) ?? "";
    Console.WriteLine($"backlog: {count:N0} records queued while the uplink was down ({concurrency} appends in flight, {perCommit.Replace('=', ' ')})");
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
    var io = ProcStats.Io(edge.Process.Id);
    var stored = new LedgerReader(server.LedgerPath).Count(gw.Id);
    Console.WriteLine($"rss: edge process, 50 simulated sensors for {duration} s ({stored:N0} readings reached the ledger)");
    Console.WriteLine($"  peak RSS (VmHWM) {peak / 1024.0:F1} MB, last {samples[^1] / 1024.0:F1} MB, median {samples.Order().ElementAt(samples.Count / 2) / 1024.0:F1} MB (target <= 80 MB)");
    Console.WriteLine($"  storage writes per stored record in this steady state: {io.WriteBytes / (double)Math.Max(stored, 1):F0} B to the block device (includes the log file)");
}
