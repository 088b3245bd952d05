namespace GridEdge.Demo;

/// <summary>
/// Where the demo keeps its files: <c>./data/demo/</c> (ledger, logs, the gateways' outboxes, the demo's alert rules)
/// and <c>./data/demo.json</c> (tokens and monitor credentials), under the working directory the demo was started in.
/// Every run starts from an empty <c>./data/demo/</c>: the demo issues new terminal tokens and gateway passwords each
/// time, so a previous run's ledger and outboxes would hold records no current terminal or gateway could continue.
/// </summary>
public static class DemoData
{
    /// <summary>The demo's data folder, absolute.</summary>
    public static string Directory => Path.GetFullPath(Path.Combine("data", "demo"));

    /// <summary>What a person needs to try the demo (gateways, terminal tokens, HJ 212 monitors), absolute.</summary>
    public static string DemoFile => Path.GetFullPath(Path.Combine("data", "demo.json"));

    /// <summary>The demo's ledger, absolute.</summary>
    public static string LedgerPath => Path.Combine(Directory, "ledger.db");

    /// <summary>The alert rules the demo's gateways run (<see cref="DemoAlertRules"/>), absolute.</summary>
    public static string AlertRulesFile => Path.Combine(Directory, "alert-rules.json");

    /// <summary>Whether <see cref="StartFresh()"/> removed a previous run's data.</summary>
    public static bool PreviousRunRemoved { get; private set; }

    /// <summary>Removes a previous run's <c>./data/demo/</c> and <c>./data/demo.json</c>, then creates the folder empty.</summary>
    public static void StartFresh() => PreviousRunRemoved = StartFresh(Directory, DemoFile);

    /// <summary>Empties <paramref name="directory"/> (creating it and its parents) and deletes <paramref name="demoFile"/>; whether there was anything to remove.</summary>
    internal static bool StartFresh(string directory, string demoFile)
    {
        var existed = System.IO.Directory.Exists(directory) || File.Exists(demoFile);
        if (System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true);
        if (File.Exists(demoFile)) File.Delete(demoFile);
        System.IO.Directory.CreateDirectory(directory);
        return existed;
    }

    /// <summary>The lines printed when the demo is up: where to look and what will happen.</summary>
    public static IReadOnlyList<string> StartLines(string url) =>
    [
        $"GridEdge demo running: {url}/api/gateways",
        $"  ledger:      {LedgerPath} ({(PreviousRunRemoved ? "the previous run's data/demo was removed: every run starts fresh" : "a fresh data/demo")})",
        $"  demo file:   {DemoFile} (users and their API keys, terminal tokens, HJ 212 monitor credentials)",
        $"  alert rules: {AlertRulesFile} (the shipped thresholds, times {DemoAlertRules.Speedup:0} x shorter)",
        $"  alerts:      {DemoGateways.DescribeEpisodes()}",
    ];
}
