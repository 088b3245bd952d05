using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GridEdge.Server.Map;

/// <summary>Registers the grid map's query (GET /api/map).</summary>
public static class MapServiceCollectionExtensions
{
    public static IServiceCollection AddGridMap(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MapLedger>();
        return services;
    }
}
