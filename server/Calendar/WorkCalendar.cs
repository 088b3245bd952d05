using GridEdge.Server.Alerts;

namespace GridEdge.Server.Calendar;

/// <summary>
/// Working time as the response rule (Server:Alerts: hours, days, offset, limits) and the holiday files say: a holiday is
/// not a working day even on a weekday, a make-up workday is one even on a weekend.
/// </summary>
public sealed class WorkCalendar(ResponseRule rule) : IWorkCalendar
{
    /// <summary>The rule in force, with its holidays.</summary>
    public ResponseRule Rule => rule;

    public bool IsWorkingDay(DateTimeOffset at) => rule.IsWorkingDay(DateOnly.FromDateTime(rule.Local(at).DateTime));

    public bool IsWorkingTime(DateTimeOffset at) => rule.InWorkingHours(at);

    public TimeSpan ResponseLimit(DateTimeOffset at) => rule.LimitFor(at);
}
