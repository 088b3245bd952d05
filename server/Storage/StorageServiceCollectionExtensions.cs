using Microsoft.Extensions.Options;

namespace GridEdge.Server.Storage;

/// <summary>Registers the ledger database of Server:Ledger and the migration of every ledger's schema at start.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The <see cref="LedgerDatabase"/> of Server:Ledger:Provider (SQLite at Server:Ledger:Path, or PostgreSQL at
    /// Server:Ledger:ConnectionString), and a hosted service that migrates every registered <see cref="ILedgerSchema"/>
    /// before the services registered after it start.
    /// </summary>
    public static IServiceCollection AddLedgerDatabase(this IServiceCollection services)
    {
        services.AddSingleton<LedgerDatabase>(sp =>
        {
            var ledger = sp.GetRequiredService<IOptions<ServerOptions>>().Value.Ledger;
            return ledger.Provider == "postgres" ? new PostgresLedgerDatabase(ledger.ConnectionString) : new SqliteLedgerDatabase(ledger.Path);
        });
        services.AddSingleton<SchemaMigrator>();
        services.AddHostedService<LedgerMigration>();
        return services;
    }

    /// <summary>Registers a ledger's schema for migration at start.</summary>
    public static IServiceCollection AddLedgerSchema<TSchema>(this IServiceCollection services) where TSchema : class, ILedgerSchema =>
        services.AddSingleton<ILedgerSchema, TSchema>();
}

/// <summary>Migrates the schemas when the host starts, before ingest, the broker or the API touch a table.</summary>
internal sealed class LedgerMigration(SchemaMigrator migrator, LedgerDatabase database, ILogger<LedgerMigration> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        log.LogInformation("Ledger ready: {Engine} at {Where}", database.Engine, database.Describe());
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
