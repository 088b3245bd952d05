using GridEdge.Protocol.Hosting;

namespace GridEdge.Server;

/// <summary>The command line of a program that runs the server (the server, the demo): configuration overrides of its own sections.</summary>
public static class ServerCommandLine
{
    /// <summary>The configuration the server takes from its command line: its own section, logging, Kestrel and the web host's urls and environment.</summary>
    public static readonly string[] ConfigurationKeys = [ServerOptions.Section, "Serilog", "Logging", "Kestrel", "urls", "environment"];

    /// <summary>What the server program says it is in its help.</summary>
    public const string ServerDescription =
        "GridEdge server: takes the gateways' records over MQTT (its own embedded broker, or an external one) into its " +
        "ledgers, and serves the HTTP API for readings, alerts, commands, grid patrols and reports. Runs until stopped " +
        "(Ctrl+C or SIGTERM). Settings come from appsettings.json, environment variables (Server__Http__Url) and the command line.";

    /// <summary>The examples in the server program's help.</summary>
    public static readonly string[] ServerExamples =
    [
        "GridEdge.Server --Server:Http:Url=http://127.0.0.1:5080",
        "GridEdge.Server --Server:Gateways:0:Id=gw-370102-001 --Server:Gateways:0:Password=s3cret",
    ];

    /// <summary>
    /// The command line; <paramref name="run"/> runs the program with its configuration overrides and returns the exit
    /// status. Nothing starts for --help or a usage error.
    /// </summary>
    public static HostCommandLine Create(string description, Func<string[], int> run, IReadOnlyList<string> examples)
    {
        var cli = new HostCommandLine(description);
        var overrides = new ConfigurationOverrides(ConfigurationKeys);
        cli.Root.Add(overrides.Argument);
        cli.Root.SetAction(result => run([.. result.GetValue(overrides.Argument) ?? []]));
        cli.Epilogue(overrides.Help("--Server:Http:Url=http://0.0.0.0:8080 --Serilog:MinimumLevel:Default=Debug"))
            .Epilogue(HostCommandLine.Examples([.. examples]));
        return cli;
    }
}
