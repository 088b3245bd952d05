using GridEdge.Server.Storage;

namespace GridEdge.Server.Cluster;

/// <summary>Registers the duty leases and the service that runs singleton duties on the node holding them.</summary>
public static class ClusterServiceCollectionExtensions
{
    /// <summary>Duty leases in the ledger and <see cref="SingletonDuties"/>; features add their duties with <see cref="AddSingletonDuty{TDuty}"/>.</summary>
    public static IServiceCollection AddCluster(this IServiceCollection services)
    {
        services.AddLedgerSchema<ClusterSchema>();
        services.AddSingleton<DutyLeases>();
        services.AddSingleton<SingletonDuties>();
        services.AddSingleton<HeldDuties>();
        services.AddSingleton<IDutyHolder>(sp => sp.GetRequiredService<HeldDuties>());
        services.AddHostedService(sp => sp.GetRequiredService<SingletonDuties>());
        return services;
    }

    /// <summary>Registers a duty that runs on one node at a time.</summary>
    public static IServiceCollection AddSingletonDuty<TDuty>(this IServiceCollection services) where TDuty : class, ISingletonDuty =>
        services.AddSingleton<ISingletonDuty, TDuty>();
}
