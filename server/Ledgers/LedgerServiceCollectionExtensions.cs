using Microsoft.Extensions.Options;

namespace GridEdge.Server.Ledgers;

/// <summary>Registers the ledger feature.</summary>
public static class LedgerServiceCollectionExtensions
{
    /// <summary>Registers the SQLite ledger at Server:Ledger:Path and creates its schema when the host starts.</summary>
    public static IServiceCollection AddLedger(this IServiceCollection services)
    {
        services.AddSingleton(sp => new SqliteLedgerStore(sp.GetRequiredService<IOptions<ServerOptions>>().Value.Ledger.Path));
        services.AddSingleton<ILedgerStore>(sp => sp.GetRequiredService<SqliteLedgerStore>());
        services.AddHostedService<LedgerInitializer>();
        return services;
    }
}

/// <summary>Creates the ledger schema before anything else starts, so ingest never meets a missing table.</summary>
internal sealed class LedgerInitializer(ILedgerStore ledger, ILogger<LedgerInitializer> log, IOptions<ServerOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ledger.InitializeAsync(cancellationToken);
        log.LogInformation("Ledger ready at {LedgerPath}", Path.GetFullPath(options.Value.Ledger.Path));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
