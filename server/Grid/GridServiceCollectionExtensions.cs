using System.Text.Json;
using GridEdge.Server.Cluster;
using GridEdge.Server.Ledgers;
using GridEdge.Server.Patrols;
using GridEdge.Server.Photos;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Grid;

/// <summary>Registers the grid: its registry and the terminal directories, and the terminal streams' ingest (GridStore).</summary>
public static class GridServiceCollectionExtensions
{
    public static IServiceCollection AddGrid(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLedgerSchema<GridSchema>();
        services.AddSingleton<IGridRegistryStore, GridRegistryStore>();
        services.AddSingleton(sp => new GridStore(sp.GetRequiredService<LedgerDatabase>(), sp.GetRequiredService<IPatrolLedger>(),
            sp.GetRequiredService<IProblemLedger>(), sp.GetRequiredService<PhotoLedger>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetService<Tasks.TaskStepLedger>()));
        services.AddSingleton<TerminalDirectoryPublisher>();
        services.AddSingleton<GridRegistry>();

        // The seed is applied before the broker lets gateways in: start right after the readings ledger.
        var initializer = ServiceDescriptor.Singleton<IHostedService, GridInitializer>();
        var ledger = services.Select((d, i) => (d, i)).FirstOrDefault(x => x.d.ServiceType == typeof(IHostedService) && x.d.ImplementationType == typeof(Storage.LedgerMigration));
        if (ledger.d is not null) services.Insert(ledger.i + 1, initializer);
        else services.Add(initializer);

        // On the node holding it: publishes the directories (a seed's, those a restarted broker lost, changes made on
        // other nodes) and retries failures.
        services.AddSingletonDuty<DirectoryDuty>();
        return services;
    }

    public static WebApplication MapGridApi(this WebApplication app)
    {
        app.MapGridRegistryApi();
        return app;
    }
}

/// <summary>Applies the seed file (Server:Grid:SeedFile) when the host starts; a bad seed stops the host naming every wrong field.</summary>
internal sealed class GridInitializer(IGridRegistryStore store, IOptions<ServerOptions> options, ILogger<GridInitializer> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var seed = options.Value.Grid.SeedFile;
        if (string.IsNullOrWhiteSpace(seed)) return;
        var document = await ReadSeedAsync(seed, cancellationToken);
        var outcome = await store.ImportAsync(document, create: false, cancellationToken);
        if (outcome.Result is null)
            throw new InvalidOperationException($"Server:Grid:SeedFile '{seed}' is not valid: " +
                string.Join("; ", outcome.Errors.Select(e => $"{e.Field} is '{e.Value}': expected {e.Expected}")));
        var r = outcome.Result;
        log.LogInformation("Grid seed {SeedFile} applied: {Grids} grids, {Members} members, {KeyPoints} key points, {Enterprises} enterprises",
            Path.GetFullPath(seed), r.Grids, r.Members, r.KeyPoints, r.Enterprises);
    }

    /// <summary>Reads a seed file (the JSON of PUT /api/grids); throws naming the file and the JSON path on a bad one.</summary>
    public static async Task<GridDocument> ReadSeedAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) throw new InvalidOperationException($"Server:Grid:SeedFile is '{path}': expected an existing JSON file (grids, members, keyPoints, enterprises)");
        await using var stream = File.OpenRead(path);
        try
        {
            return await JsonSerializer.DeserializeAsync<GridDocument>(stream, Api.QueryParameters.BodyOptions, cancellationToken)
                ?? throw new InvalidOperationException($"Server:Grid:SeedFile '{path}' holds null: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"Server:Grid:SeedFile '{path}' is not valid at {e.Path}: {e.Message.Split(" Path:")[0]}", e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
