using GridEdge.Server.Alerts;
using GridEdge.Server.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GridEdge.Server.Alarms;

/// <summary>Registers alarms into the handling chain: places of gateways and monitors, the problems alerts open, campaigns and their API.</summary>
public static class AlarmServiceCollectionExtensions
{
    public static IServiceCollection AddAlarms(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLedgerSchema<AlarmSchema>();
        services.AddSingleton(sp => new AlarmPlaces(sp.GetRequiredService<LedgerDatabase>()));
        services.AddSingleton(sp => new CampaignRegister(sp.GetRequiredService<LedgerDatabase>()));
        services.AddSingleton<AlertPlacement>();
        services.AddSingleton<IAlertFollower, AlertProblems>();
        return services;
    }

    public static WebApplication MapAlarmApi(this WebApplication app)
    {
        app.MapAlarmPlaceApi();
        app.MapCampaignApi();
        app.MapProblemChartApi();
        return app;
    }
}
