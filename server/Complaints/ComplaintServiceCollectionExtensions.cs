using GridEdge.Server.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GridEdge.Server.Complaints;

/// <summary>Registers the complaint register (信访、举报): its table, the village router and its API. The work calendar it counts response limits by is registered by the host.</summary>
public static class ComplaintServiceCollectionExtensions
{
    public static IServiceCollection AddComplaints(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ComplaintOptions>().BindConfiguration(ComplaintOptions.Section)
            .Validate(o => o.RepeatDays is >= 1 and <= 3650, $"{ComplaintOptions.Section}:RepeatDays must be a number of days from 1 to 3650")
            .ValidateOnStart();
        services.AddLedgerSchema<ComplaintSchema>();
        services.AddSingleton(sp => new ComplaintLedger(sp.GetRequiredService<LedgerDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<VillageBoundaries>();
        return services;
    }

    public static WebApplication MapComplaintApi(this WebApplication app)
    {
        app.MapComplaintEndpoints();
        app.MapComplaintStepEndpoints();
        return app;
    }
}
