using GridEdge.Protocol.Hosting;
using GridEdge.Edge.Tools;

namespace GridEdge.Edge.Hosting;

/// <summary>The gateway program's command line: the gateway itself (the root command) and its field tools, decode and replay.</summary>
public static class EdgeCommandLine
{
    /// <summary>The configuration a gateway takes from its command line: its own section, logging and the host environment.</summary>
    public static readonly string[] ConfigurationKeys = [EdgeOptions.Section, "Serilog", "Logging", "environment"];

    /// <summary>
    /// The command line; <paramref name="runGateway"/> runs the gateway with the program's arguments (every one of them a
    /// configuration override by then) and returns the exit status. Nothing starts for --help or a usage error.
    /// </summary>
    public static HostCommandLine Create(Func<string[], int> runGateway)
    {
        var cli = new HostCommandLine(
            "GridEdge gateway: reads its sensors and HJ 212 monitors, raises local alarms, keeps every record in its outbox " +
            "and sends it to the server over MQTT. Runs until stopped (Ctrl+C or SIGTERM). Settings come from appsettings.json " +
            "beside the program, environment variables (Edge__GatewayId) and the command line.");
        var overrides = new ConfigurationOverrides(ConfigurationKeys);
        cli.Root.Add(overrides.Argument);
        cli.Root.SetAction(result => runGateway(result.GetValue(overrides.Argument) ?? []));
        cli.Epilogue(overrides.Help("--Edge:GatewayId=gw-370102-001 --Serilog:MinimumLevel:Default=Debug"))
            .Epilogue(HostCommandLine.Examples(
                "GridEdge.Edge --Edge:GatewayId=gw-370102-001 --Edge:Broker:Host=10.0.0.5 --Edge:Broker:Password=s3cret",
                "dotnet run --project edge -- --Edge:Hardware:Enabled=true"));
        cli.Add(DecodeCommand.Create(), DecodeCommand.Examples);
        cli.Add(ReplayCommand.Create(), ReplayCommand.Examples);
        return cli;
    }
}
