using System.Collections.Concurrent;
using System.Diagnostics;
using GridEdge.Faults.Rig;
using GridEdge.Testing;

namespace GridEdge.Faults.Modes;

/// <summary>
/// The gateway's data directory on a small tmpfs with the uplink down: terminals post until the gateway refuses, then
/// the space is freed and the server started, and the gateway must recover by itself and deliver every check-in it
/// answered 201. Then another process fills the disk: the gateway must keep answering, refuse without a 500, and stop
/// on SIGTERM; after the filler is deleted and it restarts, nothing answered 201 may be missing. Skipped (saying why)
/// where no filesystem can be mounted.
/// </summary>
public sealed class DiskFull(int sizeMb, int fillSeconds, int recoverSeconds, Action<string> log)
{
    private const int Terminals = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private readonly AnswerTally _tally = new();
    private readonly ConcurrentDictionary<string, long> _answered = new(StringComparer.Ordinal);
    private long _next;

    public async Task<FaultAccount> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var grid = await FaultGrid.StartAsync("disk-full", Terminals, log);
        var (disk, why) = await SmallFilesystem.TryMountAsync(grid.Directory.File("edge-data"), sizeMb);
        if (disk is null) return FaultAccount.Skip("disk-full", why!);
        var edge = grid.NewEdge(Path.Combine(disk.Path, "edge"));
        try
        {
            return await AttackAsync(grid, disk, edge, clock, ct);
        }
        finally
        {
            edge.Dispose();
            disk.Dispose();
        }
    }

    private async Task<FaultAccount> AttackAsync(FaultGrid grid, SmallFilesystem disk, EdgeHost edge, Stopwatch clock, CancellationToken ct)
    {
        var hj212Port = Loopback.FreePort();
        edge.Start(0, "none", FaultGrid.EdgeArguments(hj212Port));
        await grid.WaitForDirectoryAsync();
        await FaultGrid.WaitForTerminalApiAsync(edge, TimeSpan.FromSeconds(60));
        var rssBefore = ProcStatus.RssKb(edge.Process.Id);
        grid.Server.Kill();

        // 1. The outbox fills its small disk: post until the gateway refuses.
        var filled = await PostUntilRefusedAsync(grid, edge, "quota", TimeSpan.FromSeconds(fillSeconds), ct);
        var statusWhenFull = await FaultGrid.StatusAnswersAsync(edge, TimeSpan.FromSeconds(5));
        var rssFull = ProcStatus.RssKb(edge.Process.Id);
        log($"disk-full: {filled.Accepted} answered 201 before {filled.Refused} refusals; status answers: {statusWhenFull}");

        // 2. Space comes back and so does the uplink: the gateway must recover without a restart.
        await disk.ResizeAsync(sizeMb * 10);
        await grid.Server.StartAsync();
        var acceptsAgain = await AcceptsAgainAsync(grid, edge, TimeSpan.FromSeconds(recoverSeconds), ct);
        var drained = await WaitForLedgerAsync(grid, TimeSpan.FromSeconds(recoverSeconds), ct);
        log($"disk-full: after freeing space, accepts again {acceptsAgain}, drained {drained}");

        // 3. Another process fills the disk: refusals without a 500, status answering, SIGTERM obeyed.
        var (filler, fillerBytes) = disk.Fill();
        var crowded = await PostUntilRefusedAsync(grid, edge, "filled by another process", TimeSpan.FromSeconds(Math.Min(fillSeconds, 20)), ct);
        var statusWhenCrowded = await FaultGrid.StatusAnswersAsync(edge, TimeSpan.FromSeconds(5));
        var crashed = edge.Process.HasExited;
        var stopped = true;
        var stopWatch = Stopwatch.StartNew();
        try { await edge.Process.StopAsync(StopTimeout); }
        catch (TimeoutException) { stopped = false; }
        var stopSeconds = stopWatch.Elapsed.TotalSeconds;

        // 4. The filler goes, the gateway starts again: everything ever answered 201 must reach the ledger.
        File.Delete(filler);
        edge.Start(0, "none", FaultGrid.EdgeArguments(hj212Port));
        var restarted = true;
        try { await FaultGrid.WaitForTerminalApiAsync(edge, TimeSpan.FromSeconds(60)); }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            restarted = false;
            _tally.Example($"the gateway did not start again after the disk was freed: {e.Message}: {string.Join(" | ", edge.Process.Lines.TakeLast(3))}");
        }
        await WaitForLedgerAsync(grid, TimeSpan.FromSeconds(recoverSeconds * 2), ct);
        var stored = new FaultLedger(grid.Server.LedgerPath).CheckIns(grid.Gateway.Id);
        var lost = _answered.Keys.Count(k => !stored.ContainsKey(k));
        var duplicated = _answered.Count(a => stored.TryGetValue(a.Key, out var seqs) && !seqs.Contains(a.Value));
        if (lost > 0) _tally.Example($"{lost} check-ins answered 201 are not in the ledger, e.g. {_answered.Keys.First(k => !stored.ContainsKey(k))}");
        var fives = _tally.Counts.Where(c => c.Key.EndsWith(": 500", StringComparison.Ordinal)).Sum(c => c.Value);
        var hangs = filled.TimedOut + crowded.TimedOut;
        return new FaultAccount("disk-full")
        {
            Seconds = clock.Elapsed.TotalSeconds,
            Attack = $"outbox on a {sizeMb} MB tmpfs, uplink down, {Terminals} terminals posting until refused; then space freed (x10) and the server started; "
                + $"then a {fillerBytes / 1048576.0:F1} MB filler from another process, SIGTERM, filler deleted, restart",
            Answered201 = _answered.Count,
            Stored = _answered.Count - lost,
            Lost = lost,
            Duplicated = duplicated,
            ServerErrors = _tally.ServerErrors,
            Crashes = crashed || !restarted ? 1 : 0,
            Hangs = hangs,
            RssBeforeKb = rssBefore,
            RssAfterKb = rssFull,
            Answers = _tally.Counts,
            Examples = _tally.Examples,
            Checks =
            [
                new("refused when full", filled.Refused > 0, $"{filled.Accepted:N0} answered 201, then {filled.Refused:N0} refusals within {fillSeconds} s"),
                new("no 500 on a full disk (507 at the quota, 503 on ENOSPC)", fives == 0, $"{fives} answers 500"),
                new("0 hangs", hangs == 0, $"{hangs} requests unanswered within {Timeout.TotalSeconds} s"),
                new("status answers on a full disk", statusWhenFull && statusWhenCrowded, $"at the quota: {(statusWhenFull ? "yes" : "no")}; disk filled by another process: {(statusWhenCrowded ? "yes" : "no")}"),
                new("recovers by itself", acceptsAgain && drained, $"201 again within {recoverSeconds} s of space returning: {(acceptsAgain ? "yes" : "no")}; all answered 201 so far in the ledger {recoverSeconds} s later: {(drained ? "yes" : "no")}"),
                new("SIGTERM stops it on a full disk", stopped, stopped ? $"stopped {stopSeconds:F1} s after SIGTERM" : $"still running {StopTimeout.TotalSeconds} s after SIGTERM (killed)"),
                new("0 lost", lost == 0, $"{lost} of {_answered.Count:N0} check-ins answered 201 are not in the ledger after the restart"),
                new("0 duplicated", duplicated == 0, $"{duplicated} stored under another seq than answered"),
                new("0 crashes", !crashed && restarted, crashed ? "the gateway exited on the full disk" : restarted ? "none" : "the gateway did not start after the disk was freed"),
            ],
        };
    }

    private sealed record Phase(long Accepted, long Refused, long TimedOut);

    // Terminals post new check-ins until 100 refusals (or 20 timeouts, or the time is up).
    private async Task<Phase> PostUntilRefusedAsync(FaultGrid grid, EdgeHost edge, string phase, TimeSpan limit, CancellationToken ct)
    {
        long accepted = 0, refused = 0, timedOut = 0;
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Terminals).Select(i => Task.Run(async () =>
        {
            using var terminal = new SimulatedTerminal(edge.TerminalApi, grid.Tokens[i], i, Timeout);
            while (until.Elapsed < limit && Interlocked.Read(ref refused) < 100 && Interlocked.Read(ref timedOut) < 20 && !edge.Process.HasExited)
            {
                var n = Interlocked.Increment(ref _next);
                var outcome = await terminal.CheckInAsync(n, ct);
                _tally.Add($"{phase}: {outcome.Kind}");
                if (outcome.Status == 201)
                {
                    _answered[terminal.Key(n)] = outcome.Seq!.Value;
                    Interlocked.Increment(ref accepted);
                    continue;
                }
                Interlocked.Increment(ref refused);
                if (outcome.TimedOut) Interlocked.Increment(ref timedOut);
                if (outcome.Status == 500) _tally.Example($"{phase}: 500 {outcome.Failure}");
            }
        }, ct)));
        return new Phase(accepted, refused, timedOut);
    }

    private async Task<bool> AcceptsAgainAsync(FaultGrid grid, EdgeHost edge, TimeSpan within, CancellationToken ct)
    {
        using var terminal = new SimulatedTerminal(edge.TerminalApi, grid.Tokens[0], 0, Timeout);
        var until = Stopwatch.StartNew();
        while (until.Elapsed < within && !edge.Process.HasExited)
        {
            var n = Interlocked.Increment(ref _next);
            var outcome = await terminal.CheckInAsync(n, ct);
            _tally.Add("space back: " + outcome.Kind);
            if (outcome.Status == 201)
            {
                _answered[terminal.Key(n)] = outcome.Seq!.Value;
                return true;
            }
            await Task.Delay(500, ct);
        }
        return false;
    }

    private async Task<bool> WaitForLedgerAsync(FaultGrid grid, TimeSpan within, CancellationToken ct)
    {
        var ledger = new FaultLedger(grid.Server.LedgerPath);
        var until = Stopwatch.StartNew();
        while (until.Elapsed < within)
        {
            var stored = ledger.CheckIns(grid.Gateway.Id);
            if (_answered.Keys.All(stored.ContainsKey)) return true;
            await Task.Delay(1000, ct);
        }
        return false;
    }
}
