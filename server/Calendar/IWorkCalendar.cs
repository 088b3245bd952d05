namespace GridEdge.Server.Calendar;

/// <summary>
/// When the county works: working hours on working days, where the State Council's holidays (节假日) are days off and its
/// make-up workdays (调休上班) are working days even on a weekend. Response deadlines are counted by it (004: 工作日
/// 半小时内到达现场, 非工作日或夜间 1 小时内).
/// </summary>
public interface IWorkCalendar
{
    /// <summary>Whether <paramref name="at"/> lies in working hours of a working day (China time).</summary>
    bool IsWorkingTime(DateTimeOffset at);

    /// <summary>Whether the date of <paramref name="at"/> (China time) is a working day: a weekday that is no holiday, or a make-up workday.</summary>
    bool IsWorkingDay(DateTimeOffset at);

    /// <summary>The response limit for something received at <paramref name="at"/>: 30 minutes in working time, 60 otherwise (configurable).</summary>
    TimeSpan ResponseLimit(DateTimeOffset at);
}
