using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Edge.Outbox;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Load;

/// <summary>
/// Check-ins accepted durably by one gateway process with many terminals posting at once over loopback HTTP (the replay
/// after a dead zone). The terminals are registered on a real server, whose directory reaches the gateway; the server is
/// then stopped, so the gateway's CPU goes to accepting (its uplink retries in the background). Baseline in the same
/// run: the same number of check-ins appended straight to an outbox in this process with the same concurrency, i.e.
/// what the gateway's store alone can do. Afterwards the gateway's outbox is opened and must hold exactly the accepted
/// check-ins.
/// </summary>
internal static class CheckInLoad
{
    private const string Village = OneVillageGrid.Village;

    public static async Task<int> RunAsync(int terminals, int seconds, bool uplinkUp, Action<string> log)
    {
        using var dir = new TempDirectory("load-checkins");
        var gw = new GatewayAccount("gw-load-ci", "pw-" + Guid.NewGuid().ToString("N")[..12]);
        using var server = new ServerHost(dir.File("server"), [gw], log);
        Directory.CreateDirectory(server.DataDirectory);
        await server.StartAsync();
        using var api = server.Http(TimeSpan.FromSeconds(30));
        var members = Enumerable.Range(1, terminals).Select(i => new { id = $"m-{i:D3}", name = $"member {i}", grid = Village }).ToArray();
        (await api.PutAsJsonAsync("/api/grids", OneVillageGrid.Document(gw.Id, members))).EnsureSuccessStatusCode();
        var tokens = new string[terminals];
        for (var i = 0; i < terminals; i++)
        {
            using var issued = await api.PostAsJsonAsync("/api/terminals", new { id = $"t-{i + 1:D3}", member = $"m-{i + 1:D3}" });
            issued.EnsureSuccessStatusCode();
            tokens[i] = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        }

        using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, log);
        // Every terminal posts as fast as it is answered: lift the per-terminal rate and the connection limit meant for real ones.
        edge.Start(0, "none", "--Serilog:MinimumLevel:Default=Warning", "--Edge:Terminals:RequestsPerMinute=1000000", "--Edge:Terminals:RequestBurst=1000000",
            $"--Edge:Terminals:MaxConnections={Math.Max(256, terminals + 16)}");
        await server.WaitForJsonAsync($"/api/gateways/{gw.Id}/terminal-directory", d => d.GetProperty("upToDate").GetBoolean(),
            "the gateway applying its terminal directory", TimeSpan.FromSeconds(60));
        // Uplink down (the default): the gateway's CPU goes to accepting. Up: it also drains to the server meanwhile.
        if (!uplinkUp) server.Kill();

        // Each terminal is one client with one connection, posting as fast as it is answered.
        var latencies = new List<double>[terminals];
        var refused = 0L;
        var stop = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, terminals).Select(t => Task.Run(async () =>
        {
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = edge.TerminalApi, Timeout = TimeSpan.FromSeconds(30) };
            var mine = latencies[t] = new List<double>(4096);
            var n = 0;
            while (stop.Elapsed < until)
            {
                n++;
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/checkins")
                {
                    Content = JsonContent.Create(new
                    {
                        memberId = $"m-{t + 1:D3}", terminalId = $"t-{t + 1:D3}", gridCode = Village,
                        latitude = 36.641 + (n % 100) * 0.0002, longitude = 117.111 + (t % 50) * 0.0003,
                        accuracyMeters = 5.0, fixTime = DateTimeOffset.UtcNow.AddSeconds(-5),
                    }),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[t]);
                request.Headers.Add("Idempotency-Key", $"ci-{t + 1:D3}-{n:D7}");
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.Created) mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                else Interlocked.Increment(ref refused);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = stop.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var accepted = all.Length;
        var rate = accepted / elapsed;
        double P(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
        var (edgeCpu, edgeRss) = (ProcStats.CpuSeconds(edge.Process.Id), ProcStats.Status(edge.Process.Id, "VmHWM:") / 1024.0);
        var written = ProcStats.Io(edge.Process.Id).WriteBytes;
        double? drained = null;
        if (uplinkUp)
        {
            // Everything accepted reaches the server's patrol ledger: how long after the last 201.
            var ledger = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = server.LedgerPath, Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly }.ToString();
            var drainDeadline = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < drainDeadline)
            {
                using var connection = new Microsoft.Data.Sqlite.SqliteConnection(ledger);
                connection.Open();
                using var count = connection.CreateCommand();
                count.CommandText = "SELECT COUNT(*) FROM checkins;";
                if ((long)count.ExecuteScalar()! >= accepted) { drained = stop.Elapsed.TotalSeconds - elapsed; break; }
                await Task.Delay(100);
            }
        }

        // Stop the gateway and count what its outbox holds.
        await edge.Process.StopAsync(TimeSpan.FromSeconds(30));
        long stored;
        using (var outbox = new OutboxStore(new OutboxSettings(edge.DataDirectory), NullLogger<OutboxStore>.Instance))
            stored = outbox.Backlog(Streams.CheckIns);

        // Baseline: the same check-ins appended straight to an outbox in this process with the same concurrency.
        var baseline = await OutboxBaselineAsync(dir.File("baseline"), terminals, accepted);

        Console.WriteLine($"check-ins: {terminals} terminals posting for {elapsed:F1} s to one gateway (uplink {(uplinkUp ? "up: the server ingests meanwhile" : "down")})");
        Console.WriteLine($"  accepted (201)     {accepted,10:N0}  {rate,10:N0}/s  latency p50 {P(0.50):F1} ms  p99 {P(0.99):F1} ms  max {P(1):F1} ms  refused {refused}");
        if (uplinkUp) Console.WriteLine($"  in the server's ledger {(drained is { } d ? $"all {accepted:N0}, {d:F1} s after the last 201" : "NOT ALL within 120 s")}");
        else Console.WriteLine($"  in the outbox      {stored,10:N0}  ({(stored == accepted ? "exactly the accepted ones" : "MISMATCH")})");
        Console.WriteLine($"  baseline: Outbox.AppendAsync in-process, {terminals} in flight: {baseline,10:N0}/s  -> HTTP path {rate / baseline:F2}x the store alone");
        Console.WriteLine($"  gateway process: {edgeCpu:F1} s CPU, peak RSS {edgeRss:F0} MB; target >= 2,000/s");
        Console.WriteLine($"  storage writes per accepted check-in (outbox, idempotency keys, terminal state, logs{(uplinkUp ? ", and reclaim" : "")}): {written / (double)Math.Max(accepted, 1):F0} B to the block device");
        return (uplinkUp ? drained is not null : stored == accepted) ? 0 : 1;
    }

    private static async Task<double> OutboxBaselineAsync(string directory, int concurrency, int count)
    {
        using var outbox = new OutboxStore(new OutboxSettings(directory), NullLogger<OutboxStore>.Instance);
        var next = 0;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(t => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) <= count)
            {
                var at = DateTimeOffset.UtcNow;
                await outbox.AppendAsync(Streams.CheckIns, new CheckIn($"ci-{n:D8}", $"m-{t + 1:D3}", $"t-{t + 1:D3}", Village, 36.65, 117.12, 5,
                    at.AddSeconds(-5), null, GeofenceResult.Inside, at, ClockQuality.NetworkSynced));
            }
        })));
        return count / stop.Elapsed.TotalSeconds;
    }
}
