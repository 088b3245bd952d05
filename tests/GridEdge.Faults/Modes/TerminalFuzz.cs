using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using GridEdge.Faults.Mutations;
using GridEdge.Faults.Rig;
using GridEdge.Testing;

namespace GridEdge.Faults.Modes;

/// <summary>
/// Mutated requests (<see cref="TerminalMutations"/>) against a gateway's terminal API from several clients at once:
/// answers by status, 5xx, crashes (the process exited), hangs (no answer within the timeout), the gateway's memory,
/// and whether a valid check-in is still answered 201 afterwards.
/// </summary>
public sealed class TerminalFuzz(int requests, int seed, Action<string> log)
{
    private const int Clients = 8;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly AnswerTally _tally = new();
    private long _hangs;
    private long _next;

    public async Task<FaultAccount> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var grid = await FaultGrid.StartAsync("terminal-fuzz", 3, log);
        using var edge = grid.NewEdge();
        edge.Start(0, "none", FaultGrid.EdgeArguments(Loopback.FreePort()));
        await grid.WaitForDirectoryAsync();
        await FaultGrid.WaitForTerminalApiAsync(edge, TimeSpan.FromSeconds(60));
        using (var warm = new SimulatedTerminal(edge.TerminalApi, grid.Tokens[0], 0, Timeout))
            for (var i = 1; i <= 20; i++) await warm.CheckInAsync(i, ct);
        var pid = edge.Process.Id;
        var rssBefore = ProcStatus.RssKb(pid);

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(() => ClientAsync(edge, grid.Tokens, seed + c, ct), ct)));

        var crashed = edge.Process.HasExited;
        var rssAfter = ProcStatus.RssKb(pid);
        var peak = ProcStatus.PeakRssKb(pid);
        bool stillServes;
        using (var after = new SimulatedTerminal(edge.TerminalApi, grid.Tokens[1], 1, Timeout))
            stillServes = (await after.CheckInAsync(1_000_000, ct)).Status == 201;
        if (crashed) _tally.Example("the gateway exited: " + string.Join(" | ", edge.Process.Lines.TakeLast(5)));
        var serverErrors = _tally.ServerErrors;
        var hangs = Interlocked.Read(ref _hangs);
        return new FaultAccount("terminal-fuzz")
        {
            Seconds = clock.Elapsed.TotalSeconds,
            Attack = $"{requests:N0} mutated requests from {Clients} clients (seed {seed}): byte flips, bad text, huge numbers, wrong types, odd headers, paths, uploads, raw HTTP",
            Answered201 = _tally["201"],
            ServerErrors = serverErrors,
            Crashes = crashed ? 1 : 0,
            Hangs = hangs,
            RssBeforeKb = rssBefore,
            RssAfterKb = rssAfter,
            RssPeakKb = peak,
            Answers = _tally.Counts,
            Examples = _tally.Examples,
            Checks =
            [
                new("0 × 5xx", serverErrors == 0, $"{serverErrors} of {requests:N0} requests"),
                new("0 crashes", !crashed, crashed ? "the gateway process exited" : "the gateway process is running"),
                new("0 hangs", hangs == 0, $"{hangs} requests unanswered within {Timeout.TotalSeconds} s"),
                new("still answers a valid check-in 201", stillServes, stillServes ? "yes" : "no"),
                new("bounded memory", FaultAccountLimits.Bounded(rssBefore, rssAfter), $"RSS {rssBefore / 1024} MB before, {rssAfter / 1024} MB after (bound: +{FaultAccountLimits.RssGrowthMb} MB)"),
            ],
        };
    }

    private async Task ClientAsync(EdgeHost edge, IReadOnlyList<string> tokens, int clientSeed, CancellationToken ct)
    {
        var mutations = new TerminalMutations(tokens, new Random(clientSeed));
        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { BaseAddress = edge.TerminalApi, Timeout = Timeout };
        long n;
        while ((n = Interlocked.Increment(ref _next)) <= requests && !ct.IsCancellationRequested)
        {
            var fuzzed = mutations.Next(n);
            var answer = fuzzed.Raw is { } raw ? await SendRawAsync(edge.TerminalPort, raw, ct) : await SendAsync(http, fuzzed.Http!, ct);
            _tally.Add(answer.Kind);
            if (answer.TimedOut) Interlocked.Increment(ref _hangs);
            if (answer.Status >= 500 || answer.TimedOut) _tally.Add($"{answer.Kind} to {fuzzed.Kind}");
            if (answer.Status >= 500) _tally.Example($"{fuzzed.Kind}: {answer.Status} {answer.Failure}");
            if (answer.TimedOut) _tally.Example($"{fuzzed.Kind}: no answer within {Timeout.TotalSeconds} s");
        }
    }

    private static async Task<PostOutcome> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            using var response = await http.SendAsync(request, ct);
            var body = (int)response.StatusCode >= 500 ? await response.Content.ReadAsStringAsync(ct) : null;
            return new((int)response.StatusCode, null, body);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return new(0, null, "timeout"); }
        catch (Exception e) when (e is HttpRequestException or IOException) { return new(0, null, "closed"); }
        finally { request.Dispose(); }
    }

    // Reads the status line of whatever the gateway answers to raw bytes; a close without an answer is "closed".
    private static async Task<PostOutcome> SendRawAsync(int port, byte[] raw, CancellationToken ct)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(raw, timeout.Token);
            // The request ends here, whatever its headers promised: the gateway must answer, not wait for more.
            client.Client.Shutdown(SocketShutdown.Send);
            var buffer = new byte[512];
            var filled = 0;
            while (filled < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), timeout.Token);
                if (read == 0) break;
                filled += read;
                var text = Encoding.ASCII.GetString(buffer, 0, filled);
                if (text.Contains("\r\n", StringComparison.Ordinal)) break;
            }
            var line = Encoding.ASCII.GetString(buffer, 0, filled);
            return line.StartsWith("HTTP/1.", StringComparison.Ordinal) && line.Length >= 12 && int.TryParse(line.AsSpan(9, 3), out var status)
                ? new(status, null, line.Split("\r\n")[0])
                : new(0, null, "closed");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return new(0, null, "timeout"); }
        catch (Exception e) when (e is SocketException or IOException) { return new(0, null, "closed"); }
    }
}
