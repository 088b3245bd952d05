using GridEdge.Server.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GridEdge.Server.Audit;

/// <summary>Registers the audit log: its schema and store; <see cref="AuditEndpoints.MapAuditApi"/> maps GET /api/audit.</summary>
public static class AuditServiceCollectionExtensions
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLedgerSchema<AuditSchema>();
        services.AddSingleton<IAuditLog>(sp => new AuditLog(sp.GetRequiredService<LedgerDatabase>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
