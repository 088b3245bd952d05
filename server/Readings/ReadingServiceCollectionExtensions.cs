using GridEdge.Server.Cluster;
using GridEdge.Server.Gateways;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Readings;

/// <summary>Registers the readings ledger.</summary>
public static class ReadingServiceCollectionExtensions
{
    public static IServiceCollection AddReadings(this IServiceCollection services)
    {
        services.AddLedgerSchema<ReadingSchema>();
        services.AddSingleton<IReadingStore, ReadingStore>();
        services.AddGatewayStream(new StreamTable("readings"));
        services.AddSingletonDuty<ReadingRetentionDuty>();
        services.AddSingleton<ILedgerCopyPart, ReadingCopyPart>();
        return services;
    }
}
