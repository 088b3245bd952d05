using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Protocol.Wire;
using GridEdge.Testing;

namespace GridEdge.Integration.Tests;

/// <summary>
/// A gateway whose data directory is wiped (a replaced SD card, a reinstall) numbers from 1 again under the same gateway
/// id: its new outbox store has an identity of its own, so the server stores the new records instead of taking them for
/// redeliveries of the old store's.
/// </summary>
public class StoreIdentityPathTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }

    [Fact(Timeout = 240_000)]
    public async Task Every_reading_of_a_gateway_whose_data_directory_was_wiped_reaches_the_ledger()
    {
        using var dir = new TempDirectory("wiped");
        var gw = new GatewayAccount("gw-wiped", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        using var server = new ServerHost(dir.File("server"), [gw], Log);
        Directory.CreateDirectory(server.DataDirectory);
        await server.StartAsync();
        var ledger = new LedgerReader(server.LedgerPath);
        using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, Log);

        edge.Start(400, "load-old");
        await edge.Process.WaitForLineAsync(l => l.StartsWith("LOAD DONE"), Long);
        await edge.WaitForAcknowledgedAsync(Streams.Readings, 400, Long);
        await edge.Process.StopAsync(TimeSpan.FromSeconds(30));
        Directory.Delete(edge.DataDirectory, recursive: true);

        edge.Start(300, "load-new");
        await edge.Process.WaitForLineAsync(l => l.StartsWith("LOAD DONE"), Long);
        var appended = edge.Appended().ToList();
        await ledger.WaitForCountAsync(gw.Id, 300, Long, sensor: "load-new");

        Assert.Equal(1, appended.Min(a => a.Seq)); // the new store did start at 1 again
        var rows = ledger.Rows(gw.Id);
        Assert.Equal(700, rows.Count);
        var stored = rows.Select(r => (r.Sensor, r.Value)).ToHashSet();
        Assert.All(appended, a => Assert.Contains((a.Sensor, a.Value), stored));
        using var http = server.Http();
        var gaps = await http.GetFromJsonAsync<JsonElement>($"/api/gateways/{gw.Id}/gaps?stream=readings", Ct);
        Assert.Equal(0, gaps.GetProperty("missing").GetInt64());
        // The old store's acks the broker may still hold never remove the new store's records: all 300 are acked by the server.
        await edge.WaitForAcknowledgedAsync(Streams.Readings, 300, Long);
    }
}
