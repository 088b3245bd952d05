using System.Globalization;
using System.Security.Cryptography;
using GridEdge.Server.Broker;
using GridEdge.Edge.Simulation;
using Microsoft.Extensions.Options;

using GridEdge.Server;

namespace GridEdge.Demo;

/// <summary>
/// The demo's gateways: the embedded broker, a ledger under ./data/demo/ (<see cref="DemoData"/>) and two simulated
/// gateways (gw-demo-1, gw-demo-2) running in this process, each with a password generated at start, and scheduled dust
/// episodes and straw fires in their simulated air so alerts are raised and cleared.
/// </summary>
public static class DemoGateways
{
    public static readonly IReadOnlyList<string> GatewayIds = ["gw-demo-1", "gw-demo-2"];

    /// <summary>The gateways' sensor aggregate window: short, so data shows quickly.</summary>
    public const int WindowSeconds = 15;

    /// <summary>Settings the demo imposes over appsettings.json and the command line.</summary>
    public static IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Server:Broker:Mode"] = "embedded",
        ["Server:Ledger:Path"] = DemoData.LedgerPath,
        ["Server:Logs:Directory"] = Path.Combine(DemoData.Directory, "logs"),
    };

    /// <summary>
    /// The episodes in gateway <paramref name="n"/>'s air: a dust episode on the first gateway 1.5 minutes after start and
    /// a straw fire on the second a minute later, each 3 minutes long, so both alerts are raised and cleared within
    /// 8 minutes under <see cref="DemoAlertRules"/>; then every 10 minutes on each gateway, alternating kinds.
    /// </summary>
    public static EpisodeOptions Episodes(int n) => new()
    {
        Enabled = true,
        FirstAfterSeconds = 90 + 60 * n,
        EverySeconds = 600,
        DurationSeconds = 180,
        FirstKind = n % 2 == 0 ? PollutionEpisodeKind.Dust : PollutionEpisodeKind.StrawFire,
    };

    /// <summary>The episode schedule in words, for the start lines.</summary>
    public static string DescribeEpisodes()
    {
        var first = GatewayIds.Select((id, n) =>
        {
            var e = Episodes(n);
            var kind = e.FirstKind == PollutionEpisodeKind.Dust ? "a dust episode" : "a straw fire";
            return string.Create(CultureInfo.InvariantCulture, $"{kind} on {id} {e.FirstAfterSeconds / 60:0.#} min after start");
        });
        var every = Episodes(0);
        return string.Create(CultureInfo.InvariantCulture,
            $"{string.Join(", ", first)}, each lasting {every.DurationSeconds / 60:0.#} min; then one every {every.EverySeconds / 60:0.#} min on each gateway, alternating kinds");
    }

    public static IServiceCollection AddDemoGateways(this IServiceCollection services)
    {
        services.AddSingleton<DemoTerminalApis>();
        services.AddHostedService<DemoGatewayHosts>();
        // After the gateways: the members need their terminal APIs.
        services.AddHostedService<DemoMembers>();
        return services;
    }
}

/// <summary>Starts the demo gateways after the broker (hosted services start in order) and stops them first.</summary>
internal sealed class DemoGatewayHosts(
    GatewayCredentials credentials,
    DemoTerminalApis terminalApis,
    IOptions<ServerOptions> options,
    ILogger<DemoGatewayHosts> log) : IHostedService
{
    private readonly List<IHost> _hosts = [];
    private readonly List<DemoMonitor> _monitors = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var broker = options.Value.Broker;
        // A broker listening on every interface is still reached on loopback from inside this process.
        var host = broker.Host is "0.0.0.0" or "::" ? "127.0.0.1" : broker.Host;
        DemoAlertRules.Write(DemoData.AlertRulesFile);
        for (var n = 0; n < DemoGateways.GatewayIds.Count; n++)
        {
            var id = DemoGateways.GatewayIds[n];
            var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            // One simulated HJ 212 dust monitor per gateway, on the gateway's own loopback port.
            var hj212Port = DemoMonitor.FreePort();
            var monitorMn = $"DEMO{n + 1:D2}DUST0001";
            var monitorPw = Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
            var terminalPort = DemoMonitor.FreePort();
            credentials.Add(id, password);
            var episodes = DemoGateways.Episodes(n);
            var settings = new Dictionary<string, string?>
            {
                ["Edge:GatewayId"] = id,
                ["Edge:DataDirectory"] = Path.Combine(DemoData.Directory, $"edge-{id}"),
                ["Edge:Broker:Host"] = host,
                ["Edge:Broker:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
                ["Edge:Broker:Username"] = id,
                ["Edge:Broker:Password"] = password,
                // The gateway's own sensors through the real drivers on simulated buses (PMS5003 frames, ADS1115
                // registers, NMEA sentences, recorded GPIO), with short windows and warm-up so data shows quickly.
                ["Edge:Hardware:Enabled"] = "true",
                ["Edge:Simulation:Buses"] = "true",
                ["Edge:Hardware:WindowSeconds"] = DemoGateways.WindowSeconds.ToString(CultureInfo.InvariantCulture),
                ["Edge:Hardware:Dust:SettlingSeconds"] = "5",
                ["Edge:Hardware:Smoke:WarmUpSeconds"] = "20",
                ["Edge:Hardware:Smoke:CalibrationSamples"] = "10",
                ["Edge:Hardware:Smoke:BaselineFile"] = Path.Combine(DemoData.Directory, $"edge-{id}", "mq2-baseline.json"),
                ["Edge:Alerts:RulesFile"] = DemoData.AlertRulesFile,
                ["Edge:Hj212:Host"] = "127.0.0.1",
                ["Edge:Hj212:Port"] = hj212Port.ToString(CultureInfo.InvariantCulture),
                ["Edge:Hj212:StatusIntervalSeconds"] = "10",
                ["Edge:Hj212:Monitors:0:Mn"] = monitorMn,
                ["Edge:Hj212:Monitors:0:Pw"] = monitorPw,
                ["Edge:Hj212:Monitors:0:Station"] = $"demo construction site {n + 1}",
                ["Edge:Simulation:Episodes:Enabled"] = "true",
                ["Edge:Simulation:Episodes:FirstAfterSeconds"] = episodes.FirstAfterSeconds.ToString(CultureInfo.InvariantCulture),
                ["Edge:Simulation:Episodes:EverySeconds"] = episodes.EverySeconds.ToString(CultureInfo.InvariantCulture),
                ["Edge:Simulation:Episodes:DurationSeconds"] = episodes.DurationSeconds.ToString(CultureInfo.InvariantCulture),
                ["Edge:Simulation:Episodes:FirstKind"] = episodes.FirstKind.ToString(),
                // The terminal API the demo's grid members post to (loopback only; a township gateway listens on its LAN).
                ["Edge:Terminals:Enabled"] = "true",
                ["Edge:Terminals:Url"] = $"http://127.0.0.1:{terminalPort}",
            };
            var edge = GridEdge.Edge.Hosting.EdgeHost.Build([], settings, SimulatedGateway.Extension);
            await edge.StartAsync(cancellationToken);
            _hosts.Add(edge);
            terminalApis.ByGateway[id] = new Uri($"http://127.0.0.1:{terminalPort}");
            log.LogInformation("Demo gateway {Gateway} started against {Host}:{Port}", id, host, broker.Port);
            var monitor = new DemoMonitor(monitorMn, monitorPw, hj212Port, log);
            monitor.Start();
            _monitors.Add(monitor);
            try { await DemoMonitor.WriteDemoFileAsync(DemoData.DemoFile, id, hj212Port, [(monitorMn, monitorPw)], cancellationToken); }
            catch (IOException e) { log.LogWarning("Could not write {File}: {Error}", DemoData.DemoFile, e.Message); }
            log.LogInformation("Demo HJ 212 monitor {Mn} sends minute data to gateway {Gateway} on 127.0.0.1:{Port}", monitorMn, id, hj212Port);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var monitor in _monitors) await monitor.DisposeAsync();
        _monitors.Clear();
        foreach (var edge in Enumerable.Reverse(_hosts))
        {
            try { await edge.StopAsync(cancellationToken); }
            catch (Exception e) { log.LogWarning(e, "A demo gateway did not stop cleanly"); }
            edge.Dispose();
        }
        _hosts.Clear();
    }
}
