using System.Collections.Concurrent;
using System.Diagnostics;
using GridEdge.Faults.Rig;
using GridEdge.Testing;

namespace GridEdge.Faults.Modes;

/// <summary>
/// The SIGKILL loop: a gateway appending load readings, taking check-ins from simulated terminals and minute data from a
/// simulated monitor is killed at random moments, <c>kills</c> times; the server is killed too every
/// <c>serverEvery</c>-th round. Terminals and the monitor retry what was not answered, as real ones do. At the end the
/// ledger must hold every check-in answered 201, every reading reported appended and every frame acknowledged with 9014,
/// each once.
/// </summary>
public sealed class KillLoop(int kills, int serverEvery, int loadPerRound, int seed, Action<string> log)
{
    private const string LoadSensor = "fault-load";
    private const int Terminals = 4;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly AnswerTally _tally = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<long>> _answered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, byte> _acked = new();
    private int _generation;
    private long _hangs;

    public async Task<FaultAccount> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(seed);
        using var grid = await FaultGrid.StartAsync("kill", Terminals, log);
        var hj212Port = Loopback.FreePort();
        using var edge = grid.NewEdge();
        var appended = new AppendedReadings();
        var crashes = 0;
        var serverKills = 0;

        void StartEdge(int round) => edge.Start(loadPerRound, LoadSensor, FaultGrid.EdgeArguments(hj212Port,
            $"--Edge:Load:StartValue={round * 10_000_000L + 1}", "--Edge:Load:Concurrency=8"));

        StartEdge(0);
        await grid.WaitForDirectoryAsync();
        await FaultGrid.WaitForTerminalApiAsync(edge, TimeSpan.FromSeconds(60));
        var rssBefore = ProcStatus.RssKb(edge.Process.Id);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var workers = Enumerable.Range(0, Terminals).Select(i => Task.Run(() => TerminalAsync(edge, grid.Tokens[i], i, stop.Token)))
            .Append(Task.Run(() => MonitorAsync(hj212Port, stop.Token))).ToArray();

        for (var k = 1; k <= kills; k++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300 + random.Next(2700)), ct);
            if (edge.Process.HasExited)
            {
                crashes++;
                _tally.Example($"the gateway exited by itself before kill {k}: {LastLines(edge.Process)}");
            }
            Interlocked.Increment(ref _generation);
            edge.Process.Kill();
            appended.Collect(edge.Process);
            var killServer = serverEvery > 0 && k % serverEvery == 0;
            if (killServer)
            {
                grid.Server.Kill();
                serverKills++;
            }
            log($"{clock.Elapsed.TotalSeconds:F1} s: kill {k}/{kills}{(killServer ? " (and the server)" : "")}: {_answered.Count} check-ins answered, {appended.Count} readings appended, {_acked.Count} frames acked so far");
            StartEdge(k);
            if (killServer) await grid.Server.StartAsync();
            try { await FaultGrid.WaitForTerminalApiAsync(edge, TimeSpan.FromSeconds(60)); }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                crashes++;
                _tally.Example($"the gateway did not come back after kill {k}: {e.Message}: {LastLines(edge.Process)}");
                StartEdge(k + kills);
                await FaultGrid.WaitForTerminalApiAsync(edge, TimeSpan.FromSeconds(60));
            }
        }

        // A last stretch of traffic on the last process, then the senders stop and the ledger gets time to catch up.
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        log($"{clock.Elapsed.TotalSeconds:F1} s: senders stopped, waiting for the ledger");
        var ledger = new FaultLedger(grid.Server.LedgerPath);
        var complete = await WaitForLedgerAsync(ledger, grid.Gateway.Id, edge, appended, ct);
        if (edge.Process.HasExited)
        {
            crashes++;
            _tally.Example($"the gateway exited by itself after the last kill: {LastLines(edge.Process)}");
        }
        appended.Collect(edge.Process);
        log($"{clock.Elapsed.TotalSeconds:F1} s: ledger {(complete ? "complete" : "incomplete")}");
        var rssAfter = ProcStatus.RssKb(edge.Process.Id);
        var peak = ProcStatus.PeakRssKb(edge.Process.Id);

        var checkIns = ledger.CheckIns(grid.Gateway.Id);
        var (ciLost, ciDuplicated, ciStored) = (0L, 0L, 0L);
        foreach (var (key, seqs) in _answered)
        {
            var named = seqs.Distinct().ToArray();
            if (!checkIns.TryGetValue(key, out var stored)) { ciLost++; _tally.Example($"check-in {key} answered 201 (seq {named[0]}) is not in the ledger"); continue; }
            ciStored++;
            if (named.Length > 1 || !named.Contains(stored[0]))
            {
                ciDuplicated++;
                _tally.Example($"check-in {key} was answered 201 with seq {string.Join(" and ", named)} but is stored under seq {stored[0]}");
            }
        }
        var ciSeqs = checkIns.Values.SelectMany(s => s).Order().ToArray();
        var holes = ciSeqs.Length == 0 ? 0 : ciSeqs[^1] - ciSeqs[0] + 1 - ciSeqs.Length;

        var readings = ledger.ReadingsByValue(grid.Gateway.Id, LoadSensor);
        var rLost = appended.Values.Count(v => !readings.ContainsKey(v));
        var rDuplicated = readings.Values.Sum(s => s.Count - 1L);
        var rStored = appended.Values.Count(readings.ContainsKey);

        var frames = ledger.ReadingsByTime(grid.Gateway.Id, SimulatedMonitor.Mn, "pm2_5");
        var fLost = _acked.Keys.Count(n => !frames.ContainsKey(SimulatedMonitor.DataTime(n).ToUnixTimeMilliseconds()));
        var fDuplicated = frames.Values.Sum(s => s.Count - 1L);
        var fStored = _acked.Count - fLost;
        if (rLost > 0) _tally.Example($"{rLost} readings reported appended are not in the ledger, e.g. value {appended.Values.First(v => !readings.ContainsKey(v))}");
        if (rDuplicated > 0) _tally.Example($"{rDuplicated} extra rows of load readings, e.g. value {readings.First(r => r.Value.Count > 1).Key} under seqs {string.Join(", ", readings.First(r => r.Value.Count > 1).Value)}");
        if (fDuplicated > 0) _tally.Example($"{fDuplicated} HJ 212 frames stored twice, e.g. DataTime {DateTimeOffset.FromUnixTimeMilliseconds(frames.First(r => r.Value.Count > 1).Key):O}");

        var lost = ciLost + rLost + fLost;
        var duplicated = ciDuplicated + rDuplicated + fDuplicated;
        var serverErrors = _tally.ServerErrors;
        var hangs = Interlocked.Read(ref _hangs);
        return new FaultAccount("kill")
        {
            Seconds = clock.Elapsed.TotalSeconds,
            Attack = $"{kills} gateway SIGKILLs (each process appending up to {loadPerRound:N0} readings) at random moments (seed {seed}), {serverKills} of the server with them; {Terminals} terminals, 1 HJ 212 monitor and load readings meanwhile",
            Answered201 = _answered.Count,
            Acked9014 = _acked.Count,
            Appended = appended.Count,
            Stored = ciStored + rStored + fStored,
            Lost = lost,
            Duplicated = duplicated,
            ServerErrors = serverErrors,
            Crashes = crashes,
            Hangs = hangs,
            RssBeforeKb = rssBefore,
            RssAfterKb = rssAfter,
            RssPeakKb = peak,
            Answers = _tally.Counts,
            Examples = _tally.Examples,
            Checks =
            [
                new("ledger caught up", complete, complete ? "everything answered, appended or acked arrived within the wait" : "the ledger stopped growing before holding everything (see lost)"),
                new("0 lost", lost == 0, $"check-ins {ciLost} of {_answered.Count}, readings {rLost} of {appended.Count}, HJ 212 frames {fLost} of {_acked.Count}"),
                new("0 duplicated", duplicated == 0, $"check-ins stored under another seq than answered {ciDuplicated}, readings stored twice {rDuplicated}, HJ 212 frames stored twice {fDuplicated}"),
                new("no holes in the check-in stream", holes == 0, $"{holes} seqs missing between {(ciSeqs.Length == 0 ? 0 : ciSeqs[0])} and {(ciSeqs.Length == 0 ? 0 : ciSeqs[^1])}"),
                new("0 × 5xx", serverErrors == 0, $"{serverErrors} of {_tally.Total} answers"),
                new("0 crashes", crashes == 0, $"{crashes} exits or failed restarts not caused by the harness"),
                new("0 hangs", hangs == 0, $"{hangs} requests or frames unanswered within {RequestTimeout.TotalSeconds} s while the gateway was not being killed"),
            ],
        };
    }

    private async Task TerminalAsync(EdgeHost edge, string token, int index, CancellationToken stop)
    {
        using var terminal = new SimulatedTerminal(edge.TerminalApi, token, index, RequestTimeout);
        for (long n = 1; !stop.IsCancellationRequested; n++)
        {
            // A terminal sends the same record (same Idempotency-Key) until the gateway answers it.
            while (!stop.IsCancellationRequested)
            {
                var generation = Volatile.Read(ref _generation);
                PostOutcome outcome;
                try { outcome = await terminal.CheckInAsync(n, stop); }
                catch (OperationCanceledException) { return; }
                _tally.Add(outcome.Kind);
                if (outcome.Status == 201)
                {
                    _answered.GetOrAdd(terminal.Key(n), _ => []).Add(outcome.Seq!.Value);
                    break;
                }
                if (outcome.TimedOut && generation == Volatile.Read(ref _generation)) Interlocked.Increment(ref _hangs);
                if (outcome.Status is >= 400 and < 500)
                {
                    _tally.Example($"check-in {terminal.Key(n)} refused {outcome.Status}: {outcome.Failure}");
                    break;
                }
                if (outcome.Status >= 500) _tally.Example($"check-in {terminal.Key(n)} answered {outcome.Status}: {outcome.Failure}");
                await Pause(100, stop);
            }
            await Pause(20, stop);
        }
    }

    private async Task MonitorAsync(int port, CancellationToken stop)
    {
        using var monitor = new SimulatedMonitor(port, RequestTimeout);
        for (long n = 0; !stop.IsCancellationRequested; n++)
        {
            var frame = SimulatedMonitor.Frame(n);
            // A monitor resends a frame (same QN) until it hears the 9014.
            while (!stop.IsCancellationRequested)
            {
                var generation = Volatile.Read(ref _generation);
                try
                {
                    if (!monitor.Connected) await monitor.ConnectAsync(stop);
                    if (await monitor.SendAndAwaitAckAsync(frame, SimulatedMonitor.Qn(n), stop))
                    {
                        _acked[n] = 0;
                        _tally.Add("9014");
                        break;
                    }
                    _tally.Add("frame timeout");
                    if (generation == Volatile.Read(ref _generation)) Interlocked.Increment(ref _hangs);
                    monitor.Close();
                }
                catch (OperationCanceledException) { return; }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
                {
                    _tally.Add("frame connection lost");
                    monitor.Close();
                }
                await Pause(100, stop);
            }
            await Pause(50, stop);
        }
    }

    private static async Task Pause(int ms, CancellationToken stop)
    {
        try { await Task.Delay(ms, stop); } catch (OperationCanceledException) { }
    }

    /// <summary>Waits until the ledger holds everything answered, appended and acked; false when it stopped growing for 30 s (or 3 min passed) first.</summary>
    private async Task<bool> WaitForLedgerAsync(FaultLedger ledger, string gateway, EdgeHost edge, AppendedReadings appended, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        var lastProgress = DateTime.UtcNow;
        var lastMissing = long.MaxValue;
        while (DateTime.UtcNow < deadline && DateTime.UtcNow - lastProgress < TimeSpan.FromSeconds(30))
        {
            appended.Collect(edge.Process);
            var checkIns = ledger.CheckIns(gateway);
            var readings = ledger.ReadingsByValue(gateway, LoadSensor);
            var frames = ledger.ReadingsByTime(gateway, SimulatedMonitor.Mn, "pm2_5");
            var missing = _answered.Keys.Count(k => !checkIns.ContainsKey(k)) + appended.Values.Count(v => !readings.ContainsKey(v))
                + _acked.Keys.Count(n => !frames.ContainsKey(SimulatedMonitor.DataTime(n).ToUnixTimeMilliseconds()));
            if (missing == 0 && edge.Process.Lines.Any(l => l.StartsWith("LOAD DONE", StringComparison.Ordinal))) return true;
            if (missing < lastMissing) { lastMissing = missing; lastProgress = DateTime.UtcNow; }
            await Task.Delay(1000, ct);
        }
        return false;
    }

    private static string LastLines(HostProcess process) => string.Join(" | ", process.Lines.Where(l => !l.StartsWith("APPENDED", StringComparison.Ordinal)).TakeLast(3));
}
