using System.Net.Sockets;
using System.Text;
using GridEdge.Protocol.Hj212;
using GridEdge.Testing;

namespace GridEdge.Integration.Tests;

/// <summary>A third-party dust monitor speaking HJ 212-2017 to a real gateway process, through to the server's ledger.</summary>
public class Hj212MonitorTests(ITestOutputHelper output)
{
    private void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }

    [Fact(Timeout = 120_000)]
    public async Task A_monitors_minute_data_is_acknowledged_and_stored_once_with_the_right_quantities()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory("hj212-e2e");
        var gw = new GatewayAccount("gw-hj212", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        using var server = new ServerHost(dir.File("server"), [gw], Log);
        Directory.CreateDirectory(server.DataDirectory);
        await server.StartAsync();
        var hj212Port = Loopback.FreePort();
        using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, Log);
        edge.Start(0, "none", "--Edge:Hj212:Host=127.0.0.1", $"--Edge:Hj212:Port={hj212Port}",
            "--Edge:Hj212:Monitors:0:Mn=GE0001DUST0001", "--Edge:Hj212:Monitors:0:Pw=123456", "--Edge:Hj212:Monitors:0:Station=site 3");
        await Loopback.WaitForListenerAsync(hj212Port, TimeSpan.FromSeconds(30), () => edge.Process.HasExited);

        // Minute data (CN 2051), Flag 5 = HJ 212-2017 with an acknowledgement wanted; DataTime is Beijing time.
        var cp = "DataTime=20261126103000;a34004-Min=30.1,a34004-Avg=35.2,a34004-Max=40.3,a34004-Flag=N;"
               + "a34002-Min=55.0,a34002-Avg=61.0,a34002-Max=70.0,a34002-Flag=N;a01006-Avg=101.3,a01006-Flag=N";
        var frame = Hj212Encoder.Frame(Hj212Encoder.Segment("20261126103005123", "22", 2051, "123456", "GE0001DUST0001", 5, cp));
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", hj212Port, ct);
        var stream = client.GetStream();
        var first = await SendAndReadReplyAsync(stream, frame, ct);
        // The monitor did not hear our ack and sends the same frame again: acknowledged again, not stored twice.
        var second = await SendAndReadReplyAsync(stream, frame, ct);

        // A later minute, as a marker: the gateway handles one connection's frames in order and the uplink sends a stream's
        // records in order, so once the marker's 3 readings are stored, a duplicate of the first minute would be too.
        var marker = Hj212Encoder.Frame(Hj212Encoder.Segment("20261126103105123", "22", 2051, "123456", "GE0001DUST0001", 5,
            "DataTime=20261126103100;a34004-Avg=36.0,a34004-Flag=N;a34002-Avg=62.0,a34002-Flag=N;a01006-Avg=101.4,a01006-Flag=N"));
        Assert.Contains("CN=9014", await SendAndReadReplyAsync(stream, marker, ct));

        var ledger = new LedgerReader(server.LedgerPath);
        await ledger.WaitForCountAsync(gw.Id, 6, TimeSpan.FromSeconds(60), "GE0001DUST0001");
        var expectedTime = new DateTimeOffset(2026, 11, 26, 10, 30, 0, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds();
        var all = ledger.Readings(gw.Id, "GE0001DUST0001");
        var rows = all.Where(r => r.UnixMs == expectedTime).ToList();

        Assert.Contains("CN=9014", first);
        Assert.Contains("QN=20261126103005123", first);
        Assert.Contains("CN=9014", second);
        Assert.Equal((3, 6), (rows.Count, all.Count));
        Assert.Contains(("pm2_5", "µg/m³", 35.2, expectedTime), rows);
        Assert.Contains(("pm10", "µg/m³", 61.0, expectedTime), rows);
        Assert.Contains(("pressure", "hPa", 1013.0, expectedTime), rows);
        var monitors = await server.GetJsonAsync($"/api/gateways/{gw.Id}/monitors");
        Assert.Contains("GE0001DUST0001", monitors.GetRawText());
    }

    private static async Task<string> SendAndReadReplyAsync(NetworkStream stream, byte[] frame, CancellationToken ct)
    {
        await stream.WriteAsync(frame, ct);
        var buffer = new byte[1024];
        var reply = new StringBuilder();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!reply.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            if (n == 0) throw new IOException("the gateway closed the connection");
            reply.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return reply.ToString();
    }
}
