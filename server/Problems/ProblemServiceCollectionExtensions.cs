namespace GridEdge.Server.Problems;

/// <summary>Registers the problem ledger's lifecycle: assignment, transfer, rectification plan, rectification, verification, closing.</summary>
public static class ProblemServiceCollectionExtensions
{
    public static IServiceCollection AddProblems(this IServiceCollection services) => services;

    public static WebApplication MapProblemApi(this WebApplication app) => app;
}
