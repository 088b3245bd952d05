using GridEdge.Server.Alerts;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Calendar;

/// <summary>Registers the working calendar: the response rule of Server:Alerts with the holiday files of Server:Calendar.</summary>
public static class CalendarServiceCollectionExtensions
{
    public static IServiceCollection AddCalendar(this IServiceCollection services)
    {
        services.AddSingleton(sp => HolidayCalendar.Load(sp.GetRequiredService<IOptions<ServerOptions>>().Value.Calendar.Folder));
        services.AddSingleton(sp =>
        {
            var rule = sp.GetRequiredService<IOptions<ServerOptions>>().Value.Alerts.TryParse(out _) ?? throw new InvalidOperationException("Server:Alerts is validated at start");
            return new WorkCalendar(rule with { Holidays = sp.GetRequiredService<HolidayCalendar>() });
        });
        services.AddSingleton<IWorkCalendar>(sp => sp.GetRequiredService<WorkCalendar>());
        return services;
    }
}
