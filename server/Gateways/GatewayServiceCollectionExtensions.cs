using GridEdge.Server.Storage;

namespace GridEdge.Server.Gateways;

/// <summary>Registers the gateways ledger and the tables its listings read.</summary>
public static class GatewayServiceCollectionExtensions
{
    public static IServiceCollection AddGateways(this IServiceCollection services)
    {
        services.AddLedgerSchema<GatewaySchema>();
        services.AddSingleton<IGatewayStore, GatewayStore>();
        return services;
    }

    /// <summary>Registers a table holding a gateway stream's records, so gateway listings and gaps count it.</summary>
    public static IServiceCollection AddGatewayStream(this IServiceCollection services, StreamTable table) => services.AddSingleton(table);
}
