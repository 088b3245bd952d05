using GridEdge.Faults;
using GridEdge.Faults.Modes;

namespace GridEdge.Integration.Tests;

/// <summary>
/// The fault harness's short run (tests/GridEdge.Faults, <c>all --short</c>): SIGKILLs, a full disk, terminal-API and
/// HJ 212 fuzz, MQTT and idle-connection floods against real processes on loopback. Every invariant it checks must hold.
/// </summary>
public class FaultHarnessTests(ITestOutputHelper output)
{
    private void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }

    // About 3.5 minutes on 2 idle cores; the timeout leaves room for a machine busy with other builds.
    [Fact(Timeout = 600_000)]
    public async Task The_short_fault_run_loses_nothing_answers_no_5xx_and_neither_crashes_nor_hangs()
    {
        var writer = new StringWriter();
        var accounts = await new AllModes(@short: true, seed: 11, _ => { }).RunAsync(writer, TestContext.Current.CancellationToken);
        Log(writer.ToString());

        var checks = accounts.Where(a => a.Skipped is null).SelectMany(a => a.Checks.Select(c => (Name: $"{a.Mode}: {c.Name}", Check: c))).ToList();
        foreach (var skipped in accounts.Where(a => a.Skipped is not null)) Log($"SKIPPED {skipped.Mode}: {skipped.Skipped}");

        var failed = checks.Where(c => !c.Check.Held).Select(c => $"{c.Name}: {c.Check.Figures}").ToList();
        Assert.True(failed.Count == 0, "invariants failed:\n" + string.Join('\n', failed));
        // The invariants the issue names are among those checked (a renamed check must not drop out unnoticed).
        var names = checks.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var required in new[] { "kill: 0 lost", "kill: 0 × 5xx", "kill: 0 crashes", "kill: 0 hangs", "terminal-fuzz: 0 × 5xx", "terminal-fuzz: 0 crashes",
                     "terminal-fuzz: 0 hangs", "hj212-fuzz: 0 crashes", "hj212-fuzz: 0 hangs", "mqtt-flood: idle connections closed", "idle-flood: 0 crashes",
                     "idle-flood: status answers during the flood", "idle-flood: the terminal keeps getting 201" })
            Assert.Contains(required, names);
        Assert.Equal(0, accounts.Sum(a => a.Lost));
        Assert.Equal(0, accounts.Sum(a => a.Crashes));
    }
}
