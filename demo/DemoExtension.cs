using GridEdge.Server;

namespace GridEdge.Demo;

/// <summary>What the demo adds to the server: its settings, its gateways and members, and the lines it prints at start.</summary>
public sealed class DemoExtension : IServerExtension
{
    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string?> Settings => DemoGateways.Settings;

    /// <inheritdoc/>
    public void AddServices(IServiceCollection services) => services.AddDemoGateways();

    /// <inheritdoc/>
    public bool Started(IServiceProvider services, string url)
    {
        // Printed plainly too: the first thing someone trying the demo needs.
        foreach (var line in DemoData.StartLines(url)) Console.WriteLine(line);
        services.GetRequiredService<ILogger<DemoExtension>>().LogInformation(
            "GridEdge demo running: {Url}/api/gateways; ledger {LedgerPath}, demo file {DemoFile}, alert rules {RulesFile}; {Episodes}",
            url, DemoData.LedgerPath, DemoData.DemoFile, DemoData.AlertRulesFile, DemoGateways.DescribeEpisodes());
        return true;
    }
}
