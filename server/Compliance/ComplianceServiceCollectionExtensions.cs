using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Compliance;

/// <summary>Registers the compliance figures and the weekly report.</summary>
public static class ComplianceServiceCollectionExtensions
{
    public static IServiceCollection AddCompliance(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ComplianceLedger(sp.GetRequiredService<IOptions<ServerOptions>>().Value.Ledger.Path));
        services.AddHostedService<ComplianceLedgerInitializer>();
        return services;
    }

    public static WebApplication MapComplianceApi(this WebApplication app)
    {
        app.MapComplianceEndpoints();
        return app;
    }
}

/// <summary>Makes sure the grid tables exist before the first report reads them.</summary>
internal sealed class ComplianceLedgerInitializer(ComplianceLedger ledger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => ledger.InitializeAsync(cancellationToken);
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
