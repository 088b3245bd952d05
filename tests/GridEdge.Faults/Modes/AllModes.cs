using GridEdge.Faults.Rig;

namespace GridEdge.Faults.Modes;

/// <summary>Every mode one after the other; with <c>short</c>, numbers small enough for the test command (about 3 minutes on 2 cores).</summary>
public sealed class AllModes(bool @short, int seed, Action<string> log)
{
    public async Task<IReadOnlyList<FaultAccount>> RunAsync(TextWriter output, CancellationToken ct)
    {
        Func<Task<FaultAccount>>[] modes = @short
            ?
            [
                () => new KillLoop(kills: 4, serverEvery: 2, loadPerRound: 5_000, seed, log).RunAsync(ct),
                () => new DiskFull(sizeMb: 20, fillSeconds: 30, recoverSeconds: 15, log).RunAsync(ct),
                () => new TerminalFuzz(requests: 1_500, seed, log).RunAsync(ct),
                () => new Hj212Fuzz(frames: 6_000, seed, log).RunAsync(ct),
                () => new MqttFlood(idle: 300, hugeMb: 16, closeWaitSeconds: 20, log).RunAsync(ct),
                () => new IdleFlood(connections: 2_000, seconds: 10, log).RunAsync(ct),
            ]
            :
            [
                () => new KillLoop(kills: 50, serverEvery: 10, loadPerRound: 20_000, seed, log).RunAsync(ct),
                () => new DiskFull(sizeMb: 20, fillSeconds: 120, recoverSeconds: 60, log).RunAsync(ct),
                () => new TerminalFuzz(requests: 100_000, seed, log).RunAsync(ct),
                () => new Hj212Fuzz(frames: 1_000_000, seed, log).RunAsync(ct),
                () => new MqttFlood(idle: 3_000, hugeMb: 256, closeWaitSeconds: 45, log).RunAsync(ct),
                () => new IdleFlood(connections: 20_000, seconds: 60, log).RunAsync(ct),
            ];
        var accounts = new List<FaultAccount>();
        foreach (var mode in modes)
        {
            var account = await mode();
            account.Print(output);
            accounts.Add(account);
        }
        var failed = accounts.SelectMany(a => a.Checks.Where(c => !c.Held).Select(c => $"{a.Mode}: {c.Name}")).ToArray();
        output.WriteLine(failed.Length == 0 ? "== all: every invariant held" : $"== all: {failed.Length} invariants FAILED: {string.Join("; ", failed)}");
        return accounts;
    }
}
