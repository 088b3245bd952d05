using GridEdge.Server.Alarms;
using GridEdge.Protocol.Configuration;
using GridEdge.Server.Alerts;
using GridEdge.Server.Api;
using GridEdge.Server.Audit;
using GridEdge.Server.Calendar;
using GridEdge.Server.Web;
using GridEdge.Server.Live;
using GridEdge.Server.Map;
using GridEdge.Server.Broker;
using GridEdge.Server.Cluster;
using GridEdge.Server.Commands;
using GridEdge.Server.Complaints;
using GridEdge.Server.Tasks;
using GridEdge.Server.Compliance;
using GridEdge.Server.Departments;
using GridEdge.Server.Gateways;
using GridEdge.Server.Grid;
using GridEdge.Server.Ingest;
using GridEdge.Server.Ledgers;
using GridEdge.Server.Patrols;
using GridEdge.Server.Periods;
using GridEdge.Server.Photos;
using GridEdge.Server.Problems;
using GridEdge.Server.Readings;
using GridEdge.Server.Reports;
using GridEdge.Server.Scores;
using GridEdge.Server.Storage;
using GridEdge.Server.Terminals;
using GridEdge.Server.Users;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;

namespace GridEdge.Server;

/// <summary>Composes the server: options, logging, ledger, ingest, broker and API, plus what an <see cref="IServerExtension"/> adds.</summary>
public static class ServerHost
{
    /// <summary>
    /// Builds the host. <paramref name="settings"/> override every other configuration source (tests);
    /// <paramref name="extension"/> adds its settings and services (the demo).
    /// </summary>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null, IServerExtension? extension = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits next to the assembly; relative data paths (./data/...) stay relative to the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (extension is not null) builder.Configuration.AddInMemoryCollection(extension.Settings);
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);

        builder.AddServerLogging();
        // The one clock of the server (ledger stamps, overdue problems, weekly reports); features add it only when absent.
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddServerOptions(builder.Configuration);
        builder.Services.AddLedgerDatabase();
        builder.Services.AddLedger();
        builder.Services.AddIngest();
        builder.Services.AddBroker(builder.Configuration);
        builder.Services.AddApi();
        builder.Services.AddGrid();
        builder.Services.AddTerminals();
        builder.Services.AddUsers();
        builder.Services.AddAudit();
        builder.Services.AddServerOpenApi();
        builder.Services.AddPatrols();
        builder.Services.AddPhotos();
        builder.Services.AddProblems();
        builder.Services.AddComplaints();
        builder.Services.AddPeriods();
        builder.Services.AddCompliance();
        builder.Services.AddGridMap();
        // Last: the duties start after the broker and every store they use.
        builder.Services.AddCalendar();
        builder.Services.AddDepartments();
        builder.Services.AddTasks();
        builder.Services.AddAlarms();
        builder.Services.AddReports();
        builder.Services.AddScores();
        builder.Services.AddLive();
        builder.Services.AddConsole();
        builder.Services.AddCluster();
        extension?.AddServices(builder.Services);

        // --urls (or ASPNETCORE_URLS) wins over Server:Http:Url.
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
            builder.WebHost.UseUrls(builder.Configuration["Server:Http:Url"] ?? new HttpOptions().Url);

        var app = builder.Build();
        // Before any endpoint: every endpoint but /health and the sign-in needs a signed-in caller (server/Users).
        app.UseConsoleFiles();
        app.UseUsers();
        app.MapGridEdgeApi();
        app.MapServerOpenApi();
        app.MapGatewayApi();
        app.MapReadingApi();
        app.MapAlertApi();
        app.MapCommandApi();
        app.MapGridApi();
        app.MapPatrolApi();
        app.MapPhotoApi();
        app.MapProblemApi();
        app.MapComplaintApi();
        app.MapComplianceApi();
        app.MapGridMapApi();
        app.MapAuditApi();
        app.MapDepartmentApi();
        app.MapTaskApi();
        app.MapAlarmApi();
        app.MapReportApi();
        app.MapScoreApi();
        app.MapLiveApi();
        app.MapConsole();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var url = (addresses.FirstOrDefault() ?? "").TrimEnd('/');
            if (extension?.Started(app.Services, url) == true) return;
            app.Services.GetRequiredService<ILogger<ServerOptions>>()
                .LogInformation("GridEdge server running: {Url} ({Broker})", url, app.Services.GetRequiredService<IBrokerStatus>().Describe());
        });
        return app;
    }

    /// <summary>
    /// Builds and runs a host until it stops; the exit status: 0, 2 for a bad setting (each failure on stderr naming its
    /// key), 1 when something a setting points at is unusable (one line naming the setting, no stack trace).
    /// </summary>
    public static int Run(string program, Func<WebApplication> build)
    {
        try
        {
            build().Run();
            return 0;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures) Console.Error.WriteLine($"Configuration error: {failure}");
            return 2;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"{program}: could not start: {StartupFailure.Describe(e)}");
            return 1;
        }
    }

    /// <summary>Sections of Server:* that features bind to their own options (their keys are checked against those types).</summary>
    private static readonly IReadOnlyDictionary<string, Type> BoundByFeatures = new Dictionary<string, Type>
    {
        ["Complaints"] = typeof(ComplaintOptions),
        ["Tasks"] = typeof(TaskOptions),
        ["Periods"] = typeof(Periods.PeriodOptions),
        ["Compliance"] = typeof(Compliance.ComplianceOptions),
    };

    /// <summary>Binds Server:* to <see cref="ServerOptions"/> and validates it when the host starts (unknown keys and unconvertible values too).</summary>
    public static IServiceCollection AddServerOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ServerOptions>().BindChecked(configuration, ServerOptions.Section, BoundByFeatures).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();
        return services;
    }

    /// <summary>Serilog to the console and to a file a day under Server:Logs:Directory (default ./data/logs).</summary>
    public static WebApplicationBuilder AddServerLogging(this WebApplicationBuilder builder)
    {
        var directory = builder.Configuration["Server:Logs:Directory"] ?? new LogOptions().Directory;
        builder.Services.AddSerilog((_, logger) => logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            // Program prints a start-up failure as one line naming the setting; the host's own event would add the stack trace.
            .Filter.ByExcluding(e => Serilog.Filters.Matching.FromSource("Microsoft.Extensions.Hosting.Internal.Host")(e) && e.MessageTemplate.Text.StartsWith("Hosting failed to start", StringComparison.Ordinal))
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .WriteTo.File(Path.Combine(directory, "server-.log"), rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14,
                outputTemplate: "{Timestamp:O} [{Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}"),
            preserveStaticLogger: true);
        return builder;
    }
}
