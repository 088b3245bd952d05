using GridEdge.Protocol.Wire;
using GridEdge.Server.Gateways;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Alerts;

/// <summary>Registers the alert ledger.</summary>
public static class AlertServiceCollectionExtensions
{
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddLedgerSchema<AlertSchema>();
        services.AddSingleton<IAlertStore, AlertStore>();
        services.AddGatewayStream(new StreamTable("alerts", Streams.Alerts));
        return services;
    }
}
