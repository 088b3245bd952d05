using GridEdge.Server.Alerts;
using GridEdge.Server.Commands;
using GridEdge.Server.Gateways;
using GridEdge.Server.Readings;

namespace GridEdge.Server.Ledgers;

/// <summary>Registers the gateway ledgers (readings, gateways, alerts, commands) on the <see cref="Storage.LedgerDatabase"/>.</summary>
public static class LedgerServiceCollectionExtensions
{
    /// <summary>Each ledger's store and schema (migrated at start by <see cref="Storage.StorageServiceCollectionExtensions.AddLedgerDatabase"/>).</summary>
    public static IServiceCollection AddLedger(this IServiceCollection services)
    {
        services.AddReadings();
        services.AddGateways();
        services.AddAlerts();
        services.AddCommands();
        return services;
    }
}
