using GridEdge.Protocol.Wire;
using GridEdge.Testing;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace GridEdge.Integration.Tests;

/// <summary>
/// The whole data path as a user runs it: a gateway process and a server process on loopback, with the server's
/// embedded broker or Mosquitto between them, and the ledger and outbox files checked directly.
/// </summary>
public class DataPathTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    private void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }

    [Theory(Timeout = 180_000)]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Records_appended_at_the_edge_reach_the_ledger_once_through_the_embedded_broker(string engine)
    {
        using var dir = new TempDirectory("e2e-embedded");
        var gw = new GatewayAccount("gw-e2e-1", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        await using var engineLedger = await ServerLedger.StartAsync(engine, Log);
        using var server = new ServerHost(dir.File("server"), [gw], Log) { ExtraArgs = engineLedger.Args };
        Directory.CreateDirectory(server.DataDirectory);
        await server.StartAsync();
        using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, Log);

        edge.Start(3000, "load-a");
        await edge.Process.WaitForLineAsync(l => l.StartsWith("LOAD DONE"), Long);
        await LedgerReader.Of(server).WaitForCountAsync(gw.Id, 3000, Long);

        AssertEachAppendStoredOnce(edge.Appended().ToList(), LedgerReader.Of(server).Rows(gw.Id), expectedCount: 3000);
        await AssertOutboxDrainedAsync(edge, 3000);
    }

    [Fact(Timeout = 180_000)]
    public async Task Records_appended_at_the_edge_reach_the_ledger_once_through_mosquitto()
    {
        using var dir = new TempDirectory("e2e-mosquitto");
        var gw = new GatewayAccount("gw-e2e-2", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        using var broker = await ExternalBroker.StartAsync(dir, [gw], Log);
        using var server = new ServerHost(dir.File("server"), [gw], Log, broker);
        Directory.CreateDirectory(server.DataDirectory);
        await server.StartAsync();
        using var edge = new EdgeHost(dir.File("edge"), gw, broker.Port, Log);

        edge.Start(3000, "load-m");
        await edge.Process.WaitForLineAsync(l => l.StartsWith("LOAD DONE"), Long);
        await LedgerReader.Of(server).WaitForCountAsync(gw.Id, 3000, Long);

        AssertEachAppendStoredOnce(edge.Appended().ToList(), LedgerReader.Of(server).Rows(gw.Id), expectedCount: 3000);
        await AssertOutboxDrainedAsync(edge, 3000);
    }

    [Theory(Timeout = 240_000)]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Killing_the_server_mid_stream_loses_and_duplicates_nothing(string engine)
    {
        using var dir = new TempDirectory("kill-server");
        var gw = new GatewayAccount("gw-kill-s", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        await using var engineLedger = await ServerLedger.StartAsync(engine, Log);
        using var server = new ServerHost(dir.File("server"), [gw], Log) { ExtraArgs = engineLedger.Args };
        Directory.CreateDirectory(server.DataDirectory);
        await server.StartAsync();
        var ledger = LedgerReader.Of(server);
        using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, Log);
        const int total = 20_000;

        edge.Start(total, "load-s", "--Edge:Load:Concurrency=16");
        for (var round = 1; round <= 2; round++)
        {
            await ledger.WaitForCountAsync(gw.Id, round * 3000, Long);
            var reconnects = edge.Process.Lines.Count(IsReconnecting);
            server.Kill();
            Log($"killed the server with {ledger.Count(gw.Id)} readings stored");
            // The server starts again only once the gateway has lost it and is retrying.
            await Eventually.True(() => edge.Process.Lines.Count(IsReconnecting) > reconnects, "the gateway to notice the server is gone", Long);
            await server.StartAsync();
        }
        await edge.Process.WaitForLineAsync(l => l.StartsWith("LOAD DONE"), Long);
        await ledger.WaitForCountAsync(gw.Id, total, Long);

        AssertEachAppendStoredOnce(edge.Appended().ToList(), ledger.Rows(gw.Id), expectedCount: total);
        await AssertOutboxDrainedAsync(edge, total);
    }

    [Theory(Timeout = 300_000)]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Killing_the_edge_mid_stream_keeps_every_append_that_returned(string engine)
    {
        using var dir = new TempDirectory("kill-edge");
        var gw = new GatewayAccount("gw-kill-e", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        await using var engineLedger = await ServerLedger.StartAsync(engine, Log);
        using var server = new ServerHost(dir.File("server"), [gw], Log) { ExtraArgs = engineLedger.Args };
        Directory.CreateDirectory(server.DataDirectory);
        await server.StartAsync();
        var ledger = LedgerReader.Of(server);
        using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, Log);
        var returned = new List<(long Seq, string Sensor, double Value)>();
        var random = new Random(855);

        for (var run = 1; run <= 4; run++)
        {
            // Each run numbers its values from 1 under its own sensor id, so a record stored twice under two
            // sequence numbers would show as a repeated (sensor, value).
            var last = run == 4;
            edge.Start(last ? 2000 : 50_000, $"load-k{run}");
            if (last)
            {
                await edge.Process.WaitForLineAsync(l => l.StartsWith("LOAD DONE"), Long);
            }
            else
            {
                // Killed at a random point of the load: after some hundreds to some thousands of appends returned.
                var killAfter = random.Next(300, 5000);
                await Eventually.True(() => edge.Process.Lines.Count(l => l.StartsWith("APPENDED ", StringComparison.Ordinal)) >= killAfter, $"{killAfter} appends in run {run}", Long);
                edge.Process.Kill();
            }
            var appended = edge.Appended().ToList();
            Log($"run {run}: {appended.Count} appends returned before {(last ? "the end" : "SIGKILL")}");
            returned.AddRange(appended);
        }

        // Everything that returned must arrive; records committed without their line being printed may arrive too.
        List<(long Seq, string Sensor, double Value)> rows = [];
        await Eventually.True(() =>
        {
            rows = ledger.Rows(gw.Id);
            var stored = rows.Select(r => r.Seq).ToHashSet();
            return returned.All(r => stored.Contains(r.Seq));
        }, $"all {returned.Count} returned appends to reach the ledger", Long);
        AssertEachAppendStoredOnce(returned, rows, expectedCount: null);
        Assert.True(returned.Count > 2000, "the killed runs appended nothing before SIGKILL");
    }

    [Fact(Timeout = 120_000)]
    public async Task Mosquitto_refuses_a_gateway_publishing_under_another_gateways_id()
    {
        using var dir = new TempDirectory("acl");
        var intruder = new GatewayAccount("gw-intruder", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        var victim = new GatewayAccount("gw-victim", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        using var broker = await ExternalBroker.StartAsync(dir, [intruder, victim], Log);
        using var server = new ServerHost(dir.File("server"), [intruder, victim], Log, broker);
        Directory.CreateDirectory(server.DataDirectory);
        await server.StartAsync();

        var outcome = await Impostor.PublishAsAsync(broker.Port, intruder, targetGatewayId: victim.Id);
        using var edge = new EdgeHost(dir.File("edge"), intruder, broker.Port, Log);
        edge.Start(10, "load-i");
        await LedgerReader.Of(server).WaitForCountAsync(intruder.Id, 10, Long);

        Assert.NotEqual(MQTTnet.MqttClientPublishReasonCode.Success, outcome);
        Assert.Equal(0, LedgerReader.Of(server).Count(victim.Id));
    }

    private static void AssertEachAppendStoredOnce(List<(long Seq, string Sensor, double Value)> appended, List<(long Seq, string Sensor, double Value)> rows, int? expectedCount)
    {
        if (expectedCount is { } n) Assert.Equal(n, appended.Count);
        var bySeq = rows.ToDictionary(r => r.Seq);
        foreach (var a in appended)
        {
            Assert.True(bySeq.TryGetValue(a.Seq, out var row), $"seq {a.Seq} ({a.Sensor} = {a.Value}) returned from Append but is not in the ledger");
            Assert.Equal((a.Sensor, a.Value), (row.Sensor, row.Value));
        }
        var repeated = rows.GroupBy(r => (r.Sensor, r.Value)).Where(g => g.Count() > 1).Select(g => g.Key).FirstOrDefault();
        Assert.True(repeated == default, $"{repeated} is stored more than once");
        if (expectedCount is { } m) Assert.Equal(m, rows.Count);
    }

    private static bool IsReconnecting(string line) => line.Contains("Reconnecting to", StringComparison.Ordinal);

    private static async Task AssertOutboxDrainedAsync(EdgeHost edge, long appended)
    {
        // The server acks right after each commit: once the gateway says every record was acked and removed, stop it
        // and look in its outbox file.
        await edge.WaitForAcknowledgedAsync(Streams.Readings, appended, Long);
        await edge.Process.StopAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, OutboxProbe.Backlog(edge.DataDirectory));
    }
}
