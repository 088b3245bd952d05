using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Problems;

/// <summary>Registers the problem ledger's lifecycle: assignment, transfer, rectification plan, rectification, verification, closing.</summary>
public static class ProblemServiceCollectionExtensions
{
    public static IServiceCollection AddProblems(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ProblemLedger(sp.GetRequiredService<IOptions<ServerOptions>>().Value.Ledger.Path, sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<ProblemLedgerInitializer>();
        return services;
    }

    public static WebApplication MapProblemApi(this WebApplication app)
    {
        app.MapProblemEndpoints();
        return app;
    }
}

/// <summary>Makes sure the grid tables exist before a transition or a report reads them.</summary>
internal sealed class ProblemLedgerInitializer(ProblemLedger ledger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => ledger.InitializeAsync(cancellationToken);
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
