using System.Diagnostics;
using GridEdge.Edge.Alerts;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Testing;
using InProcessEdge = GridEdge.Edge.Hosting.EdgeHost;
using InProcessServer = GridEdge.Server.ServerHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Load;

/// <summary>
/// Latency from a sample crossing a threshold at the gateway to the alert in the server's ledger, on loopback, with
/// the real engine, outbox, uplink, embedded broker and SQLite ledger (both hosts in this process). Baseline: the same
/// with nothing queued; then with 10,000 readings appended to the outbox just before each sample, so the alert has a
/// reading backlog queued behind it.
/// </summary>
internal static class AlertLatency
{
    public static async Task<int> RunAsync(int samples, int backlog)
    {
        using var dir = new TempDirectory("alert-latency");
        var gateway = new GatewayAccount("gw-latency", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        var (httpPort, mqttPort) = (Loopback.FreePort(), Loopback.FreePort());
        var ledgerPath = dir.File("ledger.db");
        await using var server = InProcessServer.Build([], new Dictionary<string, string?>
        {
            ["Server:Http:Url"] = $"http://127.0.0.1:{httpPort}",
            ["Server:Broker:Port"] = mqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Server:Ledger:Path"] = ledgerPath,
            ["Server:Logs:Directory"] = dir.File("server-logs"),
            ["Server:Gateways:0:Id"] = gateway.Id,
            ["Server:Gateways:0:Password"] = gateway.Password,
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        await server.StartAsync();

        // One rule on the probe sensor: a reading of 200 raises at once, a reading of 0 clears at once.
        var rules = AlertRules.Defaults();
        rules.Dust.Clear();
        rules.Dust.Add(new LevelRule
        {
            Id = "latency_probe", Quantity = Quantities.Pm2_5, Sensor = "probe", WindowSeconds = 1, SustainSeconds = 0, HoldSeconds = 0, Clear = 50,
            Levels = [new AlertLevel { Severity = AlertSeverity.Critical, Raise = 100 }],
        });
        var rulesFile = dir.File("rules.json");
        File.WriteAllText(rulesFile, rules.ToJson());
        using var edge = InProcessEdge.Build([], new Dictionary<string, string?>
        {
            ["Edge:GatewayId"] = gateway.Id,
            ["Edge:DataDirectory"] = dir.File("edge"),
            ["Edge:Broker:Port"] = mqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Edge:Broker:Password"] = gateway.Password,
            ["Edge:Alerts:RulesFile"] = rulesFile,
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        await edge.StartAsync();
        var engine = edge.Services.GetRequiredService<AlertEngine>();
        var outbox = edge.Services.GetRequiredService<GridEdge.Edge.Outbox.OutboxStore>();

        var at = DateTimeOffset.UtcNow;
        var raised = 0;
        async Task<List<double>> Measure(int count, int queued)
        {
            var latencies = new List<double>(count);
            var backlogSeen = new List<long>(count);
            for (var i = 0; i < count; i++)
            {
                if (queued > 0)
                {
                    var appends = new Task<long>[queued];
                    for (var r = 0; r < queued; r++)
                        appends[r] = outbox.AppendAsync(Streams.Readings, Reading.Instant("backlog", Quantities.Pm2_5, 10, at, ClockQuality.NetworkSynced)).AsTask();
                    await Task.WhenAll(appends);
                }
                backlogSeen.Add(outbox.Backlog(Streams.Readings));
                at = at.AddSeconds(2);
                var sw = Stopwatch.StartNew();
                engine.Observe(Reading.Instant("probe", Quantities.Pm2_5, 200, at, ClockQuality.NetworkSynced));
                raised++;
                while (RaisedInLedger(ledgerPath, gateway.Id) < raised)
                {
                    if (sw.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"alert {raised} did not reach the ledger in 30 s");
                    await Task.Delay(1);
                }
                latencies.Add(sw.Elapsed.TotalMilliseconds);
                engine.Observe(Reading.Instant("probe", Quantities.Pm2_5, 0, at.AddSeconds(1), ClockQuality.NetworkSynced));
            }
            Console.WriteLine($"  readings queued in the outbox when the sample was taken: median {backlogSeen.Order().ElementAt(backlogSeen.Count / 2):N0}, min {backlogSeen.Min():N0}");
            return latencies;
        }

        Console.WriteLine($"alert latency: sample crossing a threshold -> alert in the server's ledger, {samples} samples each");
        var quiet = await Measure(samples, 0);
        Print("nothing queued (baseline)", quiet);
        var busy = await Measure(samples, backlog);
        Print($"{backlog:N0} readings appended just before each sample", busy);
        Console.WriteLine($"  p99 with the backlog = {Percentile(busy, 0.99) / Percentile(quiet, 0.99):F1} x the baseline's p99 (target p99 <= 250 ms)");

        await edge.StopAsync();
        await server.StopAsync();
        return 0;
    }

    private static long RaisedInLedger(string path, string gateway)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM alert_ledger WHERE gateway = $g AND raised_at IS NOT NULL";
        command.Parameters.AddWithValue("$g", gateway);
        try { return (long)command.ExecuteScalar()!; }
        catch (SqliteException) { return 0; }
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    private static void Print(string what, List<double> ms) =>
        Console.WriteLine($"  {what,-48} p50 {Percentile(ms, 0.5),7:F1} ms   p99 {Percentile(ms, 0.99),7:F1} ms   max {ms.Max(),7:F1} ms");
}
