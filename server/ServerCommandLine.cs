using GridEdge.Edge.Hosting;
using GridEdge.Server.Demo;

namespace GridEdge.Server;

/// <summary>The server program's command line: the server, with --demo, and configuration overrides of its own sections.</summary>
public static class ServerCommandLine
{
    /// <summary>The configuration the server takes from its command line: its own section, logging, Kestrel and the web host's urls and environment.</summary>
    public static readonly string[] ConfigurationKeys = [ServerOptions.Section, "Serilog", "Logging", "Kestrel", "urls", "environment"];

    /// <summary>
    /// The command line; <paramref name="runServer"/> runs the server with the program's arguments (--demo and
    /// configuration overrides by then) and returns the exit status. Nothing starts for --help or a usage error.
    /// </summary>
    public static HostCommandLine Create(Func<string[], int> runServer)
    {
        var cli = new HostCommandLine(
            "GridEdge server: takes the gateways' records over MQTT (its own embedded broker, or an external one) into SQLite " +
            "ledgers, and serves the HTTP API for readings, alerts, commands, grid patrols and reports. Runs until stopped " +
            "(Ctrl+C or SIGTERM). Settings come from appsettings.json, environment variables (Server__Http__Url) and the command line.");
        var demo = new System.CommandLine.Option<bool>(DemoGateways.Switch)
        {
            Description = "Run the demo: the embedded broker, a ledger of its own, simulated gateways with HJ 212 monitors, and simulated grid members",
        };
        var overrides = new ConfigurationOverrides(ConfigurationKeys);
        cli.Root.Add(demo);
        cli.Root.Add(overrides.Argument);
        cli.Root.SetAction(result =>
            runServer([.. result.GetValue(demo) ? [DemoGateways.Switch] : Array.Empty<string>(), .. result.GetValue(overrides.Argument) ?? []]));
        cli.Epilogue(overrides.Help("--Server:Http:Url=http://0.0.0.0:8080 --Serilog:MinimumLevel:Default=Debug"))
            .Epilogue(HostCommandLine.Examples(
                "dotnet run --project server -- --demo",
                "GridEdge.Server --Server:Gateways:0:Id=gw-370102-001 --Server:Gateways:0:Password=s3cret"));
        return cli;
    }
}
