using GridEdge.Server.Broker;
using GridEdge.Server.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GridEdge.Server.Gateways;

/// <summary>Registers the gateways' broker accounts: their ledger, and the credentials the embedded broker checks.</summary>
public static class GatewayCredentialServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayCredentials(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLedgerSchema<GatewayCredentialSchema>();
        services.AddSingleton<IGatewayCredentialStore>(sp => new GatewayCredentialStore(sp.GetRequiredService<LedgerDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<GatewayCredentials>();
        return services;
    }
}
