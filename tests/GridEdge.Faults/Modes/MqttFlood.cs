using System.Diagnostics;
using System.Net.Sockets;
using GridEdge.Faults.Rig;
using GridEdge.Protocol.Wire;
using GridEdge.Testing;

namespace GridEdge.Faults.Modes;

/// <summary>
/// Pre-authentication floods against the server's embedded broker while a real gateway delivers load readings through
/// it: CONNECTs declaring 256 MB and then streaming, an authenticated client's oversized PUBLISH, then <c>idle</c>
/// sockets that never send CONNECT while a gateway logs in anew. Reports the server's memory, how far the huge packets
/// got, whether the login got its CONNACK, how many idle sockets the broker closed, and whether the gateway's records
/// kept reaching the ledger.
/// </summary>
public sealed class MqttFlood(int idle, int hugeMb, int closeWaitSeconds, Action<string> log)
{
    private const int HugeConnects = 4;
    private const string LoadSensor = "fault-mqtt";

    public async Task<FaultAccount> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var flooder = new GatewayAccount("gw-fault-flood", "pw-" + Guid.NewGuid().ToString("N")[..12]);
        using var grid = await FaultGrid.StartAsync("mqtt-flood", 1, log, flooder);
        using var edge = grid.NewEdge();
        edge.Start(50_000_000, LoadSensor, FaultGrid.EdgeArguments(Loopback.FreePort(), "--Edge:Load:Print=false", "--Edge:Load:Concurrency=2"));
        var ledger = grid.Ledger;
        await ledger.WaitForCountAsync(grid.Gateway.Id, 100, TimeSpan.FromSeconds(60), LoadSensor);
        var serverPid = grid.Server.Process.Id;
        var port = grid.Server.MqttPort;
        var rssBefore = ProcStatus.RssKb(serverPid);
        var storedBefore = ledger.Count(grid.Gateway.Id, LoadSensor);
        var tally = new AnswerTally();

        long peak = rssBefore ?? 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, ProcStatus.RssKb(serverPid) ?? 0);
                try { await Task.Delay(200, sampling.Token); } catch (OperationCanceledException) { }
            }
        });

        // 1. CONNECTs declaring 256 MB, then streaming toward it; 2. an authenticated oversized PUBLISH.
        var huge = await Task.WhenAll(Enumerable.Range(0, HugeConnects).Select(async _ =>
        {
            using var client = await RawMqtt.OpenAsync(port, ct);
            return await RawMqtt.StreamAsync(client.GetStream(), RawMqtt.ConnectHeader(RawMqtt.MaxRemainingLength), hugeMb * 1024L * 1024, ct);
        }));
        foreach (var (written, outcome) in huge) tally.Add($"huge CONNECT {outcome}");
        var (loggedIn, login) = await LoginAsync(port, flooder, ct);
        var publish = loggedIn is null ? (0L, login) : await OversizedPublishAsync(loggedIn, flooder.Id, ct);
        loggedIn?.Dispose();
        tally.Add($"oversized PUBLISH {publish.Item2}");

        // 3. Sockets that never send CONNECT; meanwhile a gateway logging in anew must still get its CONNACK.
        var sockets = new List<TcpClient>(idle);
        var refusedOpen = 0;
        for (var i = 0; i < idle; i++)
        {
            try { sockets.Add(await RawMqtt.OpenAsync(port, ct)); }
            catch (SocketException) { refusedOpen++; }
        }
        var opened = clock.Elapsed;
        var (duringFlood, loginDuringFlood) = await LoginAsync(port, flooder, ct);
        duringFlood?.Dispose();
        tally.Add($"login during the idle flood: {loginDuringFlood}");

        // The idle sockets must be closed by the broker within its CONNECT timeout.
        var closed = 0;
        var deadline = opened + TimeSpan.FromSeconds(closeWaitSeconds);
        while (true)
        {
            closed = sockets.Count(RawMqtt.ClosedByPeer);
            if (closed == sockets.Count || clock.Elapsed > deadline) break;
            await Task.Delay(500, ct);
        }
        var storedAfter = ledger.Count(grid.Gateway.Id, LoadSensor);
        await sampling.CancelAsync();
        await sampler;
        var rssAfter = ProcStatus.RssKb(serverPid);
        var crashed = grid.Server.Process.HasExited;
        foreach (var s in sockets) s.Dispose();

        var hugeAccepted = huge.Count(h => h.Outcome == "all sent");
        var delivered = storedAfter > storedBefore;
        return new FaultAccount("mqtt-flood")
        {
            Seconds = clock.Elapsed.TotalSeconds,
            Attack = $"{HugeConnects} CONNECTs declaring 256 MB and sending {hugeMb} MB, a {hugeMb} MB PUBLISH after a valid login, then {idle:N0} sockets never sending CONNECT",
            Appended = storedAfter - storedBefore,
            Crashes = crashed ? 1 : 0,
            RssBeforeKb = rssBefore,
            RssAfterKb = rssAfter,
            RssPeakKb = peak,
            Answers = tally.Counts,
            Checks =
            [
                new("0 crashes", !crashed, crashed ? "the server process exited" : "the server process is running"),
                new("idle connections closed", closed == sockets.Count, $"{closed:N0} of {sockets.Count:N0} closed by the broker within {closeWaitSeconds} s ({refusedOpen} refused at connect)"),
                new("huge CONNECT refused early", hugeAccepted == 0, string.Join("; ", huge.Select(h => $"{h.Written / 1048576.0:F1} MB {h.Outcome}"))),
                new("oversized PUBLISH refused early", publish.Item2.StartsWith("closed", StringComparison.Ordinal) || publish.Item2.StartsWith("stalled", StringComparison.Ordinal),
                    $"{publish.Item1 / 1048576.0:F1} MB {publish.Item2}"),
                new("a gateway can log in during the idle flood", duringFlood is not null, loginDuringFlood),
                new("bounded memory", FaultAccountLimits.Bounded(rssBefore, peak), $"server RSS {rssBefore / 1024} MB before, peak {peak / 1024} MB, after {rssAfter / 1024} MB (bound: +{FaultAccountLimits.RssGrowthMb} MB)"),
                new("the gateway delivers meanwhile", delivered, $"{storedAfter - storedBefore:N0} load readings reached the ledger during the flood"),
            ],
        };
    }

    // A complete CONNECT with the flooder's credentials: the open connection when the broker accepted it, else why not.
    private static async Task<(TcpClient? Client, string Outcome)> LoginAsync(int port, GatewayAccount account, CancellationToken ct)
    {
        var client = await RawMqtt.OpenAsync(port, ct);
        var stream = client.GetStream();
        var connack = new byte[4];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await stream.WriteAsync(RawMqtt.Connect(account.Id, account.Password), timeout.Token);
            await stream.ReadExactlyAsync(connack, timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or EndOfStreamException)
        {
            client.Dispose();
            return (null, $"login failed (no CONNACK within 10 s: {e.GetType().Name})");
        }
        if (connack[0] == 0x20 && connack[3] == 0) return (client, "logged in (CONNACK accepted)");
        client.Dispose();
        return (null, $"login refused (CONNACK {Convert.ToHexString(connack)})");
    }

    private async Task<(long, string)> OversizedPublishAsync(TcpClient client, string gatewayId, CancellationToken ct)
    {
        var size = (int)Math.Min(RawMqtt.MaxRemainingLength, hugeMb * 1024L * 1024);
        return await RawMqtt.StreamAsync(client.GetStream(), RawMqtt.PublishHeader(Topics.Root + gatewayId + "/up/readings", size), size, ct);
    }
}
