using GridEdge.Server.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Reports;

/// <summary>Registers the period reports and the submitted reports (their own ledger schema, reports).</summary>
public static class ReportServiceCollectionExtensions
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLedgerSchema<ReportSchema>();
        services.AddSingleton(sp => new SubmissionLedger(sp.GetRequiredService<LedgerDatabase>(), sp.GetRequiredService<Audit.IAuditLog>()));
        // The snapshot is the report's JSON exactly as the API writes it.
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PeriodReports>(sp,
            sp.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions));
        return services;
    }

    public static WebApplication MapReportApi(this WebApplication app)
    {
        app.MapSubmissionEndpoints();
        app.MapReportEndpoints();
        return app;
    }
}
