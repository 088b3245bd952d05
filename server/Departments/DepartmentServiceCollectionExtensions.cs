using GridEdge.Server.Storage;

namespace GridEdge.Server.Departments;

/// <summary>Registers the department register (职能部门): its table and its store. Its API is mapped by <see cref="DepartmentEndpoints.MapDepartmentApi"/>.</summary>
public static class DepartmentServiceCollectionExtensions
{
    public static IServiceCollection AddDepartments(this IServiceCollection services)
    {
        services.AddLedgerSchema<DepartmentSchema>();
        services.AddSingleton<IDepartmentStore>(sp => new DepartmentStore(sp.GetRequiredService<LedgerDatabase>()));
        return services;
    }
}
