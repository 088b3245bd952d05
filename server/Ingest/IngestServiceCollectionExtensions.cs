namespace GridEdge.Server.Ingest;

/// <summary>Registers the ingest feature.</summary>
public static class IngestServiceCollectionExtensions
{
    /// <summary>Registers the ingest pipeline and its counters. The broker feature supplies the <see cref="IAckPublisher"/>.</summary>
    public static IServiceCollection AddIngest(this IServiceCollection services)
    {
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<IngestPipeline>();
        return services;
    }
}
