using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GridEdge.Server.Compliance;

/// <summary>Registers the compliance figures and the weekly report.</summary>
public static class ComplianceServiceCollectionExtensions
{
    public static IServiceCollection AddCompliance(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ComplianceOptions>().BindConfiguration(ComplianceOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ComplianceOptions>>(new Periods.CheckedBy<ComplianceOptions>(o => o.Check()));
        services.AddSingleton<CountingRuleBook>();
        services.AddSingleton(sp => new ComplianceLedger(sp.GetRequiredService<Storage.LedgerDatabase>(), sp.GetRequiredService<CountingRuleBook>()));
        return services;
    }

    public static WebApplication MapComplianceApi(this WebApplication app)
    {
        app.MapComplianceEndpoints();
        return app;
    }
}
