using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using GridEdge.Protocol.Hj212;
using GridEdge.Testing;

namespace GridEdge.Load;

/// <summary>
/// The hj212 load command: one gateway process holding N monitor connections on loopback, each sending minute data
/// (CN 2051, 4 pollutants, ack requested) every few seconds; every frame must be acknowledged. Reports acks, latency,
/// readings in the ledger and the gateway process's RSS growth from before the monitors connected.
///   dotnet tests/GridEdge.Load/bin/Release/net10.0/GridEdge.Load.dll hj212 [--monitors 1000] [--seconds 60] [--interval-ms 5000]
/// </summary>
internal static class Hj212Load
{
    public static async Task<int> RunAsync(int monitors, int seconds, double intervalSeconds, Action<string> log)
    {
        using var dir = new TempDirectory("hj212-load");
        var gw = new GatewayAccount("gw-hj212-load", "load-secret-1");
        Directory.CreateDirectory(dir.File("server"));
        using var server = new ServerHost(dir.File("server"), [gw], log);
        await server.StartAsync();
        var port = Loopback.FreePort();
        var extra = new List<string>
        {
            "--Edge:Hj212:Host=127.0.0.1",
            $"--Edge:Hj212:Port={port}",
            $"--Edge:Hj212:MaxConnections={monitors + 100}",
            "--Edge:Hj212:StatusIntervalSeconds=60",
        };
        for (var i = 0; i < monitors; i++)
        {
            extra.Add($"--Edge:Hj212:Monitors:{i}:Mn={Mn(i)}");
            extra.Add($"--Edge:Hj212:Monitors:{i}:Pw=pw{i}");
        }
        using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, log);
        edge.Start(0, "none", [.. extra]);
        await edge.Process.WaitForLineAsync(l => l.Contains("HJ 212 listener on", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        await Task.Delay(3000);
        var pid = edge.Process.Id;
        var baseline = ProcStats.Status(pid, "VmRSS:");

        var sent = 0L;
        var acked = 0L;
        var failures = new ConcurrentBag<string>();
        var latencies = new ConcurrentBag<double>();
        var connected = 0;
        var next = new int[monitors];
        using var gate = new SemaphoreSlim(64);
        var clock = Stopwatch.StartNew();

        // Phase 1, the data path warmed up: a few monitors offering the same frame rate as the whole fleet will. Phase 2:
        // every monitor connected at the steady rate. The difference of the two peaks is what holding the connections costs.
        var warm = Math.Min(20, monitors);
        var (warmPeak, _, _) = await PhaseAsync(warm, intervalSeconds * warm / monitors, Math.Max(10, seconds / 2));
        var (peak, last, heldAll) = await PhaseAsync(monitors, intervalSeconds, seconds);
        var heldAtEnd = monitors;
        var threads = ProcStats.Status(pid, "Threads:");
        var anon = ProcStats.Status(pid, "RssAnon:");
        var written = ProcStats.Io(pid).WriteBytes;
        var elapsed = clock.Elapsed.TotalSeconds;

        async Task<(long Peak, long Last, bool HeldAll)> PhaseAsync(int count, double interval, int duration)
        {
            using var stop = new CancellationTokenSource();
            var tasks = Enumerable.Range(0, count).Select(i => Task.Run(() => MonitorAsync(i, interval, stop.Token))).ToArray();
            var samples = new List<long>();
            var all = false;
            for (var s = 0; s < duration; s++)
            {
                await Task.Delay(1000);
                samples.Add(ProcStats.Status(pid, "VmRSS:"));
                all |= Volatile.Read(ref connected) == count;
            }
            heldAtEnd = Volatile.Read(ref connected);
            await stop.CancelAsync();
            await Task.WhenAll(tasks);
            return (samples.Max(), samples[^1], all);
        }

        async Task MonitorAsync(int i, double interval, CancellationToken stop)
        {
            using var client = new TcpClient { NoDelay = true };
            await gate.WaitAsync(stop);
            try { await client.ConnectAsync(IPAddress.Loopback, port, stop); }
            finally { gate.Release(); }
            Interlocked.Increment(ref connected);
            var stream = client.GetStream();
            var buffer = new byte[1024];
            var minute = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.FromHours(8));
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(Random.Shared.NextDouble() * interval), stop);
                while (!stop.IsCancellationRequested)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    var n = ++next[i];
                    await stream.WriteAsync(Frame(i, minute.AddMinutes(n), n), stop);
                    Interlocked.Increment(ref sent);
                    var filled = 0;
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    while (buffer.AsSpan(0, filled).IndexOf("\r\n"u8) < 0)
                    {
                        var read = await stream.ReadAsync(buffer.AsMemory(filled), timeout.Token);
                        if (read == 0) throw new IOException("closed by the gateway");
                        filled += read;
                    }
                    if (buffer.AsSpan(0, filled).IndexOf("CN=9014;"u8) < 0) throw new InvalidDataException("reply is not a 9014");
                    Interlocked.Increment(ref acked);
                    latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    await Task.Delay(TimeSpan.FromSeconds(interval), stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e) { failures.Add($"{Mn(i)}: {e.GetType().Name}: {e.Message}"); }
            finally { Interlocked.Decrement(ref connected); }
        }

        // Let the uplink drain what was acknowledged, then count it in the ledger (4 readings per frame).
        var ledger = new LedgerReader(server.LedgerPath);
        try { await ledger.WaitForCountAsync(gw.Id, acked * 4, TimeSpan.FromSeconds(60)); } catch (TimeoutException) { }
        var stored = ledger.Count(gw.Id);
        var sorted = latencies.Order().ToArray();
        double P(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

        Console.WriteLine($"hj212: {monitors:N0} monitor connections to one gateway process on loopback, minute data (CN 2051, 4 pollutants) every {intervalSeconds} s each, {seconds} s");
        Console.WriteLine($"  connections held: all {monitors:N0} at once: {(heldAll ? "yes" : "no")}; still open at the end: {heldAtEnd:N0}");
        Console.WriteLine($"  frames sent {sent:N0}, acknowledged (9014) {acked:N0}, not acknowledged {sent - acked:N0}, client failures {failures.Count:N0} ({sent / elapsed:N0} frames/s offered)");
        Console.WriteLine($"  ack latency ms: p50 {P(0.5):F1}, p99 {P(0.99):F1}, max {(sorted.Length == 0 ? double.NaN : sorted[^1]):F1}");
        Console.WriteLine($"  readings in the server ledger {stored:N0} (expected {acked * 4:N0} = 4 per acknowledged frame)");
        Console.WriteLine($"  gateway RSS: idle before any monitor {baseline / 1024.0:F1} MB; {warm} monitors at the same frame rate, peak {warmPeak / 1024.0:F1} MB; all {monitors:N0}, peak {peak / 1024.0:F1} MB, last {last / 1024.0:F1} MB");
        Console.WriteLine($"  growth for holding {monitors:N0} connections (peak with all - peak with {warm} at the same rate) {(peak - warmPeak) / 1024.0:F1} MB (target < 50 MB); growth from idle {(peak - baseline) / 1024.0:F1} MB (includes the outbox, uplink and GC warming up)");
        Console.WriteLine($"  gateway at the end of the run: {threads} threads, anonymous RSS {anon / 1024.0:F1} MB");
        Console.WriteLine($"  storage writes per acknowledged reading (append, drain and reclaim, logs): {written / (double)Math.Max(acked * 4, 1):F0} B to the block device");
        foreach (var f in failures.Take(5)) Console.WriteLine($"  failure: {f}");
        return failures.IsEmpty && sent == acked ? 0 : 1;
    }

    private static string Mn(int i) => $"LOAD{i:D6}DUST";

    private static byte[] Frame(int i, DateTimeOffset at, int n)
    {
        var pm = (20 + (i + n) % 50).ToString(CultureInfo.InvariantCulture);
        var qn = at.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + (n % 1000).ToString("D3", CultureInfo.InvariantCulture);
        return Hj212Encoder.Frame(Hj212Encoder.Segment(qn, "22", Hj212Commands.MinuteData, $"pw{i}", Mn(i), 5,
            $"DataTime={at:yyyyMMddHHmm}00;a34004-Avg={pm},a34004-Min=10,a34004-Max=90,a34004-Flag=N;a34002-Avg={pm}.5,a34002-Flag=N;a01001-Avg=12.5,a01001-Flag=N;a01006-Avg=101.3,a01006-Flag=N"));
    }

}
