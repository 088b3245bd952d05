using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GridEdge.Faults.Rig;
using GridEdge.Testing;

namespace GridEdge.Faults.Modes;

/// <summary>
/// <c>connections</c> TCP connections to the terminal API that never send a byte, reopened as the gateway closes them,
/// held for a while; meanwhile one normal terminal posts a check-in every half second on a new connection each time and
/// /api/v1/status is asked. Counts the terminal's 201s and refusals, the gateway's memory, and whether it survived.
/// </summary>
public sealed class IdleFlood(int connections, int seconds, Action<string> log)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly AnswerTally _tally = new();
    private long _open;
    private long _opened;
    private long _closedByGateway;

    public async Task<FaultAccount> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var grid = await FaultGrid.StartAsync("idle-flood", 1, log);
        using var edge = grid.NewEdge();
        // The shipped per-terminal rate and connection limit: this mode is about them.
        edge.Start(0, "none", "--Serilog:MinimumLevel:Default=Warning");
        await grid.WaitForDirectoryAsync();
        await FaultGrid.WaitForTerminalApiAsync(edge, TimeSpan.FromSeconds(60));
        var pid = edge.Process.Id;
        var rssBefore = ProcStatus.RssKb(pid);

        using var stop = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, stop.Token);
        using var connectGate = new SemaphoreSlim(64);
        var flood = Enumerable.Range(0, connections).Select(_ => Task.Run(() => HoldAsync(edge.TerminalPort, connectGate, linked.Token))).ToArray();
        var statusAnswered = 0;
        var statusAsked = 0;
        var statusSlowest = TimeSpan.Zero;
        var overflowsBefore = ListenOverflows();
        var terminalKinds = new AnswerTally();
        long peakRss = 0;
        using (var terminal = new SimulatedTerminal(edge.TerminalApi, grid.Tokens[0], 0, Timeout, reuseConnection: false))
        {
            var until = Stopwatch.StartNew();
            for (long n = 1; until.Elapsed < TimeSpan.FromSeconds(seconds) && !edge.Process.HasExited; n++)
            {
                var outcome = await terminal.CheckInAsync(n, ct);
                terminalKinds.Add(outcome.Kind);
                _tally.Add("terminal " + outcome.Kind);
                if (n % 4 == 0)
                {
                    statusAsked++;
                    var asked = Stopwatch.StartNew();
                    if (await FaultGrid.StatusAnswersAsync(edge, TimeSpan.FromSeconds(5))) statusAnswered++;
                    statusSlowest = asked.Elapsed > statusSlowest ? asked.Elapsed : statusSlowest;
                }
                peakRss = Math.Max(peakRss, ProcStatus.RssKb(pid) ?? 0);
                await Task.Delay(500, ct);
            }
        }
        var heldAtEnd = Interlocked.Read(ref _open);
        var overflows = ListenOverflows() - overflowsBefore;
        await stop.CancelAsync();
        await Task.WhenAll(flood);
        var crashed = edge.Process.HasExited;
        if (crashed) _tally.Example("the gateway exited: " + string.Join(" | ", edge.Process.Lines.TakeLast(5)));
        var rssAfter = ProcStatus.RssKb(pid);
        var accepted = terminalKinds["201"];
        var refused = terminalKinds.Total - accepted;
        _tally.Add("flood connections opened", Interlocked.Read(ref _opened));
        _tally.Add("flood connections closed by the gateway", Interlocked.Read(ref _closedByGateway));
        if (overflows is { } o) _tally.Add("listen queue overflows (machine-wide, TcpExtListenOverflows)", o);
        return new FaultAccount("idle-flood")
        {
            Seconds = clock.Elapsed.TotalSeconds,
            Attack = $"{connections:N0} idle connections to the terminal API held for {seconds} s (reopened when closed), one terminal posting every 0.5 s, a new connection each time",
            Answered201 = accepted,
            ServerErrors = terminalKinds.ServerErrors,
            Crashes = crashed ? 1 : 0,
            Hangs = terminalKinds["timeout"],
            RssBeforeKb = rssBefore,
            RssAfterKb = rssAfter,
            RssPeakKb = peakRss,
            Answers = _tally.Counts,
            Examples = _tally.Examples,
            Checks =
            [
                new("0 crashes", !crashed, crashed ? "the gateway process exited" : "the gateway process is running"),
                new("the terminal keeps getting 201", accepted > 0 && accepted >= refused, $"{accepted} answered 201, {refused} not ({string.Join(", ", terminalKinds.Counts.Select(k => $"{k.Key} × {k.Value}"))}); flood connections open at the end {heldAtEnd:N0}"),
                new("status answers during the flood", statusAsked > 0 && statusAnswered == statusAsked, $"{statusAnswered} of {statusAsked} GET /api/v1/status answered within 5 s, the slowest in {statusSlowest.TotalMilliseconds:F0} ms"),
                new("0 × 5xx", terminalKinds.ServerErrors == 0, $"{terminalKinds.ServerErrors} of {terminalKinds.Total}"),
                new("bounded memory", FaultAccountLimits.Bounded(rssBefore, Math.Max(peakRss, rssAfter ?? 0)), $"RSS {rssBefore / 1024} MB before, peak {peakRss / 1024} MB during (bound: +{FaultAccountLimits.RssGrowthMb} MB)"),
            ],
        };
    }

    // Connections the kernel dropped because a listen queue was full (each costs its client a resent SYN, 1 s or more);
    // null where /proc/net/netstat is not readable.
    private static long? ListenOverflows()
    {
        try
        {
            var lines = File.ReadAllLines("/proc/net/netstat");
            for (var i = 0; i + 1 < lines.Length; i += 2)
            {
                var names = lines[i].Split(' ');
                var values = lines[i + 1].Split(' ');
                var at = Array.IndexOf(names, "ListenOverflows");
                if (names[0] == "TcpExt:" && at > 0 && at < values.Length) return long.Parse(values[at], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    // One slot of the flood: a connection that sends nothing, reopened (after a breath) whenever the gateway closes it.
    private async Task HoldAsync(int port, SemaphoreSlim connectGate, CancellationToken stop)
    {
        var buffer = new byte[64];
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = new TcpClient(); }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TooManyOpenSockets)
            {
                // This machine's own file limit, not the gateway: count it, breathe, try again.
                _tally.Add("flood sockets the test machine could not open (file limit)");
                try { await Task.Delay(1000, stop); } catch (OperationCanceledException) { return; }
                continue;
            }
            using var _ = client;
            try
            {
                await connectGate.WaitAsync(stop);
                try { await client.ConnectAsync(IPAddress.Loopback, port, stop); }
                finally { connectGate.Release(); }
                Interlocked.Increment(ref _opened);
                Interlocked.Increment(ref _open);
                try
                {
                    // Whatever the gateway sends (a 408, nothing) ends with its close.
                    while (await client.GetStream().ReadAsync(buffer, stop) > 0) { }
                    Interlocked.Increment(ref _closedByGateway);
                }
                finally { Interlocked.Decrement(ref _open); }
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e) when (e is SocketException or IOException) { Interlocked.Increment(ref _closedByGateway); }
            try { await Task.Delay(200, stop); } catch (OperationCanceledException) { return; }
        }
    }
}
