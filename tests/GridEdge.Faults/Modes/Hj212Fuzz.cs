using System.Diagnostics;
using GridEdge.Faults.Mutations;
using GridEdge.Faults.Rig;
using GridEdge.Testing;

namespace GridEdge.Faults.Modes;

/// <summary>
/// Mutated HJ 212 frames (<see cref="Hj212Mutations"/>) from the registered monitor over a few connections, each batch
/// followed by a valid probe frame whose 9014 must come (on a fresh connection if the mutations left the old one
/// mid-frame): acks, probes unanswered (hangs), crashes, the gateway's memory, and the alerts the server received.
/// </summary>
public sealed class Hj212Fuzz(int frames, int seed, Action<string> log)
{
    private const int Connections = 4;
    private const int Batch = 20;
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(10);
    private readonly AnswerTally _tally = new();
    private long _next;
    private long _probeSeq = 1_000_000_000;

    public async Task<FaultAccount> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var grid = await FaultGrid.StartAsync("hj212-fuzz", 1, log);
        var port = Loopback.FreePort();
        using var edge = grid.NewEdge();
        edge.Start(0, "none", FaultGrid.EdgeArguments(port));
        await Loopback.WaitForListenerAsync(port, TimeSpan.FromSeconds(60), () => edge.Process.HasExited);
        var pid = edge.Process.Id;
        using (var warm = new SimulatedMonitor(port, AckTimeout))
        {
            await warm.ConnectAsync(ct);
            for (var i = 0; i < 50; i++)
            {
                var p = NextProbe();
                await warm.SendAndAwaitAckAsync(SimulatedMonitor.FrameOfNow(p), SimulatedMonitor.Qn(p), ct);
            }
        }
        var rssBefore = ProcStatus.RssKb(pid);
        var alertsBefore = grid.Ledger.AlertTransitions(grid.Gateway.Id).Count;

        await Task.WhenAll(Enumerable.Range(0, Connections).Select(c => Task.Run(() => ConnectionAsync(port, seed + c, ct), ct)));

        var crashed = edge.Process.HasExited;
        var rssAfter = ProcStatus.RssKb(pid);
        var peak = ProcStatus.PeakRssKb(pid);
        if (crashed) _tally.Example("the gateway exited: " + string.Join(" | ", edge.Process.Lines.TakeLast(5)));
        // The alerts raised by the fuzz reach the server within a few uplink rounds.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var alerts = grid.Ledger.AlertTransitions(grid.Gateway.Id).Count - alertsBefore;
        var hangs = _tally["probe unanswered"];
        var mutatedAcks = _tally["9014 to a mutated frame"];
        return new FaultAccount("hj212-fuzz")
        {
            Seconds = clock.Elapsed.TotalSeconds,
            Attack = $"{frames:N0} mutated HJ 212 frames over {Connections} connections (seed {seed}), a valid probe after every {Batch}",
            Acked9014 = _tally["9014 to a probe"] + mutatedAcks,
            Crashes = crashed ? 1 : 0,
            Hangs = hangs,
            RssBeforeKb = rssBefore,
            RssAfterKb = rssAfter,
            RssPeakKb = peak,
            Answers = _tally.Counts,
            Examples = _tally.Examples,
            Checks =
            [
                new("0 crashes", !crashed, crashed ? "the gateway process exited" : "the gateway process is running"),
                new("0 hangs", hangs == 0, $"{hangs} valid probes unanswered within {AckTimeout.TotalSeconds} s even on a fresh connection"),
                new("bounded memory", FaultAccountLimits.Bounded(rssBefore, rssAfter), $"RSS {rssBefore / 1024} MB before, {rssAfter / 1024} MB after (bound: +{FaultAccountLimits.RssGrowthMb} MB)"),
                new("alerts at the server", true, $"{alerts} alert transitions received during the fuzz (for the reader to judge; issue 11 saw 149,351 no_data alerts)"),
            ],
        };
    }

    private long NextProbe() => Interlocked.Increment(ref _probeSeq);

    private async Task ConnectionAsync(int port, int connectionSeed, CancellationToken ct)
    {
        var mutations = new Hj212Mutations(new Random(connectionSeed));
        using var monitor = new SimulatedMonitor(port, AckTimeout);
        var done = false;
        while (!done && !ct.IsCancellationRequested)
        {
            var acksBefore = monitor.AcksSeen;
            try
            {
                if (!monitor.Connected) await monitor.ConnectAsync(ct);
                for (var i = 0; i < Batch; i++)
                {
                    var n = Interlocked.Increment(ref _next);
                    if (n > frames) { done = true; break; }
                    var (kind, bytes) = mutations.Next(n);
                    _tally.Add("sent " + kind);
                    await monitor.SendAsync(bytes, ct);
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                _tally.Add("connection closed by the gateway");
                monitor.Close();
            }
            await ProbeAsync(monitor, ct);
            // Every 9014 but the probe's answered a mutated frame.
            var mutated = monitor.AcksSeen - acksBefore - 1;
            for (var i = 0L; i < mutated; i++) _tally.Add("9014 to a mutated frame");
        }
    }

    // A valid frame must be acknowledged: on this connection, or, when the mutations left it mid-frame, on a fresh one.
    private async Task ProbeAsync(SimulatedMonitor monitor, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var p = NextProbe();
            try
            {
                if (!monitor.Connected) await monitor.ConnectAsync(ct);
                if (await monitor.SendAndAwaitAckAsync(SimulatedMonitor.FrameOfNow(p), SimulatedMonitor.Qn(p), ct))
                {
                    _tally.Add("9014 to a probe");
                    return;
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException) { _tally.Add("connection closed by the gateway"); }
            monitor.Close();
        }
        _tally.Add("probe unanswered");
        _tally.Example("a valid probe frame was not acknowledged within the timeout, twice");
    }
}
