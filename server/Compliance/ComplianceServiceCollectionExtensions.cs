using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GridEdge.Server.Compliance;

/// <summary>Registers the compliance figures and the weekly report.</summary>
public static class ComplianceServiceCollectionExtensions
{
    public static IServiceCollection AddCompliance(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ComplianceLedger>();
        return services;
    }

    public static WebApplication MapComplianceApi(this WebApplication app)
    {
        app.MapComplianceEndpoints();
        return app;
    }
}
