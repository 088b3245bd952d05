using GridEdge.Protocol.Wire;
using GridEdge.Testing;

namespace GridEdge.Integration.Tests;

/// <summary>
/// An alert raised at the edge while the uplink is down reaches the server's alert ledger ahead of the reading backlog
/// queued before it, and every record arrives exactly once (issue 4).
/// </summary>
public class AlertPathTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    private void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }

    [Theory(Timeout = 180_000)]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task An_alert_raised_during_an_outage_overtakes_the_reading_backlog(string engine)
    {
        using var dir = new TempDirectory("alert-path");
        var gw = new GatewayAccount("gw-alert-1", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        await using var engineLedger = await ServerLedger.StartAsync(engine, Log);
        using var server = new ServerHost(dir.File("server"), [gw], Log) { ExtraArgs = engineLedger.Args };
        Directory.CreateDirectory(server.DataDirectory);
        var rules = LoadDustRule.Write(dir);
        const int total = 5000;
        using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, Log);

        // The server is not running yet: everything queues in the gateway's outbox.
        edge.Start(total, "load-x", $"--Edge:Alerts:RulesFile={rules}", "--Edge:Alerts:TickSeconds=3600");
        await edge.Process.WaitForLineAsync(l => l.StartsWith("LOAD DONE", StringComparison.Ordinal), Long);
        await edge.Process.WaitForLineAsync(l => l.Contains("stored as", StringComparison.Ordinal) && l.Contains("alerts", StringComparison.Ordinal), Long);
        var ledger = LedgerReader.Of(server);

        await server.StartAsync();
        await ledger.WaitForCountAsync(gw.Id, total, Long);
        await Eventually.True(() => ledger.AlertTransitions(gw.Id).Count > 0, "the alert transition in the ledger", Long);

        var transitions = ledger.AlertTransitions(gw.Id);
        var raise = Assert.Single(transitions);
        Assert.Equal((1L, 0), (raise.Seq, raise.State));
        Assert.StartsWith("load-dust|load-x|pm2_5|", raise.AlertId);
        var (firstReading, lastReading) = ledger.ReadingsReceived(gw.Id);
        Log($"alert received at {raise.ReceivedAt}, readings from {firstReading} to {lastReading}");
        Assert.True(raise.ReceivedAt <= firstReading, $"the alert arrived at {raise.ReceivedAt}, after the first reading ({firstReading})");
        Assert.True(raise.ReceivedAt < lastReading, $"the alert arrived at {raise.ReceivedAt}, not before the backlog was complete ({lastReading})");
        var alert = Assert.Single(ledger.Alerts(gw.Id));
        Assert.Equal((raise.AlertId, "load-dust"), (alert.AlertId, alert.Rule));
        Assert.NotNull(alert.RaisedAt);
        Assert.Null(alert.ClearedAt);

        // Every reading once: seqs 1..total, each value once.
        var rows = ledger.Rows(gw.Id);
        Assert.Equal(total, rows.Count);
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), rows.Select(r => r.Seq));
        Assert.Equal(total, rows.Select(r => r.Value).Distinct().Count());

        // Every record acknowledged back to the gateway: nothing is left for it to resend as a duplicate.
        await edge.WaitForAcknowledgedAsync(Streams.Readings, total, Long);
        await edge.WaitForAcknowledgedAsync(Streams.Alerts, 1, Long);
        await edge.Process.StopAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, OutboxProbe.Backlog(edge.DataDirectory));
        Assert.Single(ledger.AlertTransitions(gw.Id));
    }
}
