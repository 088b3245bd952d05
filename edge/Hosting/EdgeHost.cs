using GridEdge.Edge.Commands;
using GridEdge.Edge.Alerts;
using GridEdge.Edge.Monitors;
using GridEdge.Edge.Terminals;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;
using Serilog.Settings.Configuration;

namespace GridEdge.Edge.Hosting;

/// <summary>Builds the gateway host: as its own process (Program.cs) or, with settings, inside another process (the server's demo mode).</summary>
public static class EdgeHost
{
    /// <summary>
    /// Builds a gateway host. Without <paramref name="settings"/> it is a standalone process: appsettings.json next to
    /// the executable, environment variables and the command line, and systemd integration. With settings it is a
    /// guest in another process: configuration is only the settings (keys like "Edge:GatewayId") and the command
    /// line, no appsettings file is read, and its Serilog logger belongs to this host alone (the global Log.Logger is
    /// never touched). An <paramref name="extension"/> adds settings sections and services (the simulated gateway's).
    /// </summary>
    public static IHost Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null, IEdgeExtension? extension = null)
    {
        var inProcess = settings is not null;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ApplicationName = "GridEdge.Edge",
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = inProcess,
        });
        if (inProcess)
        {
            builder.Configuration.AddInMemoryCollection(settings!);
            if (args.Length > 0) builder.Configuration.AddCommandLine(args);
            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        }
        else
        {
            builder.Services.AddSystemd();
            builder.Services.AddSystemdWatchdog();
        }

        builder.Services.AddSerilog(CreateLogger(builder.Configuration, extension?.OwnsStdout(builder.Configuration) ?? false), dispose: true);
        // The one clock of the gateway's timeouts, waits and stamps; tests build the services with a manual one.
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services
            .AddEdgeOptions(builder.Configuration, extension?.Sections)
            .AddGatewayHardware(builder.Configuration)
            .AddGatewayClock()
            .AddAlerts(builder.Configuration)
            .AddOutbox()
            .AddCommands()
            .AddGatewaySensors()
            .AddUplink()
            .AddHj212Monitors(builder.Configuration)
            .AddTerminals();
        extension?.AddServices(builder.Services, builder.Configuration);
        return builder.Build();
    }

    /// <summary>
    /// Serilog from the "Serilog" section. When that section names no sinks (WriteTo), the defaults apply: console, and a
    /// daily rolling file under {DataDirectory}/logs. When an extension owns stdout (the load source's APPENDED lines)
    /// the console sink writes to stderr.
    /// </summary>
    private static Serilog.ILogger CreateLogger(IConfiguration configuration, bool stdoutTaken)
    {
        var edge = configuration.GetSection(EdgeOptions.Section);
        var gatewayId = edge["GatewayId"] ?? "";
        var dataDirectory = edge["DataDirectory"] is { Length: > 0 } d ? d : new EdgeOptions().DataDirectory;

        var config = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .ReadFrom.Configuration(configuration, new ConfigurationReaderOptions(
                typeof(ConsoleLoggerConfigurationExtensions).Assembly,
                typeof(FileLoggerConfigurationExtensions).Assembly))
            .Enrich.FromLogContext()
            .Enrich.WithProperty("GatewayId", gatewayId)
            // Program prints a start-up failure as one line naming the setting; the host's own event would add the stack trace.
            .Filter.ByExcluding(e => Serilog.Filters.Matching.FromSource("Microsoft.Extensions.Hosting.Internal.Host")(e) && e.MessageTemplate.Text.StartsWith("Hosting failed to start", StringComparison.Ordinal));
        if (!configuration.GetSection("Serilog:WriteTo").Exists())
        {
            const string template = "[{Timestamp:HH:mm:ss} {Level:u3}] {GatewayId} {SourceContext}: {Message:lj}{NewLine}{Exception}";
            config = config
                .WriteTo.Console(outputTemplate: template, standardErrorFromLevel: stdoutTaken ? LogEventLevel.Verbose : null)
                .WriteTo.File(Path.Combine(dataDirectory, "logs", "edge-.log"), outputTemplate: "{Timestamp:o} [{Level:u3}] {GatewayId} {SourceContext}: {Message:lj}{NewLine}{Exception}",
                    rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14, fileSizeLimitBytes: 16 * 1024 * 1024, rollOnFileSizeLimit: true);
        }
        return config.CreateLogger();
    }
}
