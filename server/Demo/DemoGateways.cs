using System.Security.Cryptography;
using GridEdge.Server.Broker;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Demo;

/// <summary>
/// The --demo switch: the embedded broker, a ledger under ./data/demo/ and two simulated gateways (gw-demo-1, gw-demo-2)
/// running in this process, each with a password generated at start. The only place the server composes edge code.
/// </summary>
public static class DemoGateways
{
    public const string Switch = "--demo";
    public static readonly IReadOnlyList<string> GatewayIds = ["gw-demo-1", "gw-demo-2"];
    public const string Directory = "./data/demo";

    /// <summary>Settings the demo imposes over appsettings.json and the command line.</summary>
    public static IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Server:Broker:Mode"] = "embedded",
        ["Server:Ledger:Path"] = Path.Combine(Directory, "ledger.db"),
        ["Server:Logs:Directory"] = Path.Combine(Directory, "logs"),
    };

    public static IServiceCollection AddDemoGateways(this IServiceCollection services)
    {
        services.AddHostedService<DemoGatewayHosts>();
        return services;
    }
}

/// <summary>Starts the demo gateways after the broker (hosted services start in order) and stops them first.</summary>
internal sealed class DemoGatewayHosts(
    GatewayCredentials credentials,
    IOptions<ServerOptions> options,
    ILogger<DemoGatewayHosts> log) : IHostedService
{
    private readonly List<IHost> _hosts = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var broker = options.Value.Broker;
        // A broker listening on every interface is still reached on loopback from inside this process.
        var host = broker.Host is "0.0.0.0" or "::" ? "127.0.0.1" : broker.Host;
        foreach (var id in DemoGateways.GatewayIds)
        {
            var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            credentials.Add(id, password);
            var settings = new Dictionary<string, string?>
            {
                ["Edge:GatewayId"] = id,
                ["Edge:DataDirectory"] = Path.GetFullPath(Path.Combine(DemoGateways.Directory, $"edge-{id}")),
                ["Edge:Broker:Host"] = host,
                ["Edge:Broker:Port"] = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Edge:Broker:Username"] = id,
                ["Edge:Broker:Password"] = password,
                ["Edge:Simulation:Enabled"] = "true",
            };
            var edge = GridEdge.Edge.Hosting.EdgeHost.Build([], settings);
            await edge.StartAsync(cancellationToken);
            _hosts.Add(edge);
            log.LogInformation("Demo gateway {Gateway} started against {Host}:{Port}", id, host, broker.Port);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var edge in Enumerable.Reverse(_hosts))
        {
            try { await edge.StopAsync(cancellationToken); }
            catch (Exception e) { log.LogWarning(e, "A demo gateway did not stop cleanly"); }
            edge.Dispose();
        }
        _hosts.Clear();
    }
}
