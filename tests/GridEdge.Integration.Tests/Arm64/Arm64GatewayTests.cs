using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using GridEdge.Edge.Tools;
using GridEdge.Protocol.Hj212;
using GridEdge.Testing;

namespace GridEdge.Integration.Tests.Arm64;

/// <summary>
/// The linux-arm64 gateway a Pi runs (published by tests/arm64/publish.sh), under qemu-user against the x64 server on
/// loopback: it connects, stores a dust monitor's 1,000 readings and the shipped captures in the server's ledger, takes
/// a terminal's check-in, and decodes the captures as the x64 build does. Emulated times say nothing about a Pi's speed;
/// that it starts and works, and its memory, do. Skipped, with the reason, where the publish or qemu is missing.
/// </summary>
public class Arm64GatewayTests(ITestOutputHelper output)
{
    // JIT under qemu is some 10-20 times slower than native: generous, finite waits.
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);
    private const string Monitor = "GE0001DUST0001", MonitorPw = "123456";
    private const int Minutes = 125;
    private static readonly string[] Codes = ["a34004", "a34002", "a34001", "LA", "a01001", "a01002", "a01006", "a01007"];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }

    [Fact(Timeout = 300_000)]
    public async Task The_arm64_gateway_under_emulation_delivers_a_monitors_readings_the_captures_and_a_check_in_to_the_x64_server()
    {
        var command = PublishedArm64Gateway.Command(out var reason);
        if (command is null) Assert.Skip("the arm64 gateway cannot run here: " + reason);
        var whole = Stopwatch.StartNew();
        using var dir = new TempDirectory("arm64");
        var gw = new GatewayAccount("gw-arm64", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        using var server = new ServerHost(dir.File("server"), [gw], Log);
        Directory.CreateDirectory(server.DataDirectory);
        await server.StartAsync();
        string token;
        using (var http = server.Http()) token = await OneVillageGrid.RegisterMemberWithTerminalAsync(http, gw.Id, Ct);

        var captures = ShippedCaptures.Load();
        var hj212Port = Loopback.FreePort();
        string[] monitors = [.. captures.Monitors.Prepend(KeyValuePair.Create(Monitor, MonitorPw)).SelectMany((m, i) => new[]
        {
            $"--Edge:Hj212:Monitors:{i}:Mn={m.Key}", $"--Edge:Hj212:Monitors:{i}:Pw={m.Value}",
        })];
        using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, Log) { Command = command };
        var started = Stopwatch.StartNew();
        edge.Start(0, "none", ["--Edge:Hj212:Host=127.0.0.1", $"--Edge:Hj212:Port={hj212Port}", .. monitors]);

        // Start to the first acknowledged batch: the monitor's first minute, sent as soon as the listener accepts.
        await Loopback.WaitForListenerAsync(hj212Port, Long, () => edge.Process.HasExited);
        var listening = started.Elapsed;
        using var monitor = new MonitorConnection(hj212Port, Long);
        var firstMinute = DateTimeOffset.UtcNow.ToOffset(Hj212MonitorProfile.ChinaStandardTime).AddMinutes(-Minutes);
        firstMinute = firstMinute.AddSeconds(-firstMinute.Second).AddMilliseconds(-firstMinute.Millisecond);
        Assert.Contains("CN=9014", await monitor.SendAsync(MinuteFrame(firstMinute, 0), Ct));
        await edge.WaitForAcknowledgedAsync("readings", Codes.Length, Long);
        var firstAck = started.Elapsed;

        for (var i = 1; i < Minutes; i++) Assert.Contains("CN=9014", await monitor.SendAsync(MinuteFrame(firstMinute.AddMinutes(i), i), Ct));
        using var field = new TcpClient();
        await field.ConnectAsync(IPAddress.Loopback, hj212Port, Ct);
        await field.GetStream().WriteAsync(captures.Wire, Ct);

        // A terminal checks in at the gateway once the server's directory (its token) reached it.
        await server.WaitForJsonAsync($"/api/gateways/{gw.Id}/terminal-directory", d => d.GetProperty("upToDate").GetBoolean(),
            "the arm64 gateway applying its terminal directory", Long, Ct);
        using var terminal = new HttpClient { BaseAddress = edge.TerminalApi, Timeout = TimeSpan.FromSeconds(30) };
        var fixTime = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()).ToOffset(TimeSpan.FromHours(8));
        var checkIn = new
        {
            memberId = "m-wang-li", terminalId = "t-0042", gridCode = OneVillageGrid.Village, latitude = 36.65, longitude = 117.12,
            accuracyMeters = 6.5, fixTime, note = "东侧工地围挡完好",
        };
        using (var response = await terminal.SendAsync(TerminalRequests.Post("/api/v1/checkins", token, "ci-arm64-1", checkIn), Ct))
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var ledger = new LedgerReader(server.LedgerPath);
        var expected = Minutes * Codes.Length + captures.Readings.Count;
        await ledger.WaitForCountAsync(gw.Id, expected, Long);
        var checkIns = await server.WaitForJsonAsync($"/api/checkins?gateway={gw.Id}", c => c.GetProperty("items").GetArrayLength() > 0,
            "the check-in in the patrol ledger", Long, Ct);
        var gateway = (await server.GetJsonAsync("/api/gateways")).EnumerateArray().Single(g => g.GetProperty("id").GetString() == gw.Id);
        var arm64Decode = await RunAsync("decode arm64", command, ["decode", "--format", "hj212", captures.Path]);
        var x64Decode = new StringWriter();
        Assert.Equal(0, DecodeCommand.Run("hj212", captures.Path, x64Decode, TextWriter.Null));
        var peakRssKb = ProcStatus.PeakRssKb(edge.Process.Id);
        var guestRssKb = EmulatedMemory.GuestRssKb(edge.Process.Id);

        Log($"arm64 gateway under qemu: HJ 212 listener up {listening.TotalSeconds:F1} s after start, first batch acknowledged " +
            $"{firstAck.TotalSeconds:F1} s after start; the gateway's own RSS {guestRssKb / 1024} MB at the end (qemu's peak RSS with its " +
            $"translated code and heap {peakRssKb / 1024} MB); {Minutes * Codes.Length} monitor readings, {captures.Readings.Count} from the " +
            $"captures; whole test {whole.Elapsed.TotalSeconds:F0} s");
        Assert.True(gateway.GetProperty("online").GetBoolean(), gateway.GetRawText());
        Assert.Equal(expected, ledger.Count(gw.Id));
        Assert.Equal(Minutes * Codes.Length, ledger.Count(gw.Id, Monitor));
        Assert.Contains(("pm2_5", "µg/m³", 30.0, firstMinute.ToUnixTimeMilliseconds()), ledger.Readings(gw.Id, Monitor));
        Assert.Contains(("pressure", "hPa", 1013.0, firstMinute.ToUnixTimeMilliseconds()), ledger.Readings(gw.Id, Monitor));
        foreach (var mn in captures.Readings.Select(r => r.SensorId).Distinct())
        {
            var want = captures.Readings.Where(r => r.SensorId == mn).Select(r => (r.Quantity, r.Unit, r.Value, r.Timestamp.ToUnixTimeMilliseconds())).Order();
            Assert.Equal(want, ledger.Readings(gw.Id, mn).Order());
        }
        var stored = Assert.Single(checkIns.GetProperty("items").EnumerateArray());
        Assert.Equal("东侧工地围挡完好", stored.GetProperty("note").GetString());
        Assert.Equal(0, arm64Decode.Status);
        Assert.Equal(x64Decode.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), arm64Decode.Lines);
    }

    // Minute data (CN 2051, Flag 5: HJ 212-2017, acknowledgement wanted) of 8 codes: 8 readings a frame.
    private static byte[] MinuteFrame(DateTimeOffset minute, int i)
    {
        var values = new[] { 30.0 + i * 0.1, 60.0 + i * 0.1, 90.0 + i * 0.1, 55.0, 12.5, 40.0, 101.3, 2.1 };
        var cp = $"DataTime={minute:yyyyMMddHHmmss};" + string.Join(";", Codes.Zip(values, (code, v) => string.Create(CultureInfo.InvariantCulture, $"{code}-Avg={v:0.0#},{code}-Flag=N")));
        return Hj212Encoder.Frame(Hj212Encoder.Segment($"{minute:yyyyMMddHHmmss}123", "22", Hj212Commands.MinuteData, MonitorPw, Monitor, 5, cp));
    }

    private async Task<(int Status, List<string> Lines)> RunAsync(string name, IReadOnlyList<string> command, string[] args)
    {
        using var process = HostProcess.Start(name, command[0], [.. command.Skip(1), .. args], Log);
        var status = await process.WaitForExitAsync(Long);
        return (status, [.. process.Lines]);
    }
}
