using GridEdge.Server.Alerts;
using GridEdge.Server.Calendar;
using GridEdge.Server.Tests.Support;

namespace GridEdge.Server.Tests.Calendar;

/// <summary>
/// The working calendar over the shipped 2026 State Council file: holidays are days off even on weekdays, make-up
/// workdays are working days even on weekends, and the response limit is 30 minutes in working time, 60 otherwise.
/// </summary>
public sealed class WorkCalendarTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private static DateTimeOffset At(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, China);

    private static WorkCalendar Shipped()
    {
        var rule = new AlertResponseOptions().TryParse(out var errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
        return new WorkCalendar(rule with { Holidays = HolidayCalendar.Load(new CalendarOptions().Folder) });
    }

    [Fact]
    public void The_shipped_2026_notice_makes_national_day_a_holiday_and_its_saturday_a_working_day()
    {
        var calendar = Shipped();
        Assert.Equal("国庆节", calendar.Rule.Holidays.HolidayOn(new DateOnly(2026, 10, 1)));
        Assert.Contains(calendar.Rule.Holidays.Sources, s => s.Contains("2026年部分节假日安排", StringComparison.Ordinal));

        Assert.True(calendar.IsWorkingTime(At(10, 8, 10)));            // a Thursday after the holiday
        Assert.False(calendar.IsWorkingTime(At(10, 5, 10)));           // Monday, 国庆节
        Assert.False(calendar.IsWorkingDay(At(2, 16, 10)));            // Monday, 春节
        Assert.True(calendar.IsWorkingTime(At(10, 10, 10)));           // Saturday worked (调休上班)
        Assert.True(calendar.IsWorkingTime(At(2, 14, 9)));             // Saturday before 春节, worked
        Assert.False(calendar.IsWorkingTime(At(12, 5, 10)));           // an ordinary Saturday
        Assert.False(calendar.IsWorkingTime(At(12, 7, 19)));           // a Monday evening

        Assert.Equal(TimeSpan.FromMinutes(30), calendar.ResponseLimit(At(12, 7, 10)));
        Assert.Equal(TimeSpan.FromMinutes(60), calendar.ResponseLimit(At(12, 5, 19)));
        Assert.Equal(TimeSpan.FromMinutes(60), calendar.ResponseLimit(At(5, 4, 10)));   // Monday, 劳动节
        Assert.Equal(TimeSpan.FromMinutes(30), calendar.ResponseLimit(At(5, 9, 10)));   // Saturday worked
    }

    [Fact]
    public void A_wrong_holiday_file_is_refused_naming_the_file_the_field_and_what_was_expected()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("cn-2027.json"), """{"year": 2027, "source": "通知", "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-13-03"}], "workdays": []}""");
        var bad = Assert.Throws<CalendarFileException>(() => HolidayCalendar.Load(folder.Path));
        Assert.Contains("cn-2027.json: holidays[0].to is '2027-13-03': expected a date yyyy-MM-dd", bad.Message);

        File.WriteAllText(folder.File("cn-2027.json"), """{"year": 2027, "source": "通知", "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}], "workdays": ["2027-01-02"]}""");
        Assert.Contains("both a holiday (元旦) and a make-up workday", Assert.Throws<CalendarFileException>(() => HolidayCalendar.Load(folder.Path)).Message);

        File.WriteAllText(folder.File("cn-2027.json"), """{"year": 2027, "holidays": [], "workdays": [], "extra": 1}""");
        Assert.Contains("cn-2027.json", Assert.Throws<CalendarFileException>(() => HolidayCalendar.Load(folder.Path)).Message);
        Assert.Contains("does not exist", Assert.Throws<CalendarFileException>(() => HolidayCalendar.Load(folder.File("missing"))).Message);
    }

    [Fact]
    public void An_alert_raised_on_a_weekday_holiday_has_the_hour_limit()
    {
        var rule = Shipped().Rule;
        var holiday = At(10, 6, 10);   // Tuesday, 国庆节
        var ordinary = At(10, 13, 10); // Tuesday a week later
        Assert.Equal(TimeSpan.FromMinutes(60), rule.LimitFor(holiday));
        Assert.Equal(TimeSpan.FromMinutes(30), rule.LimitFor(ordinary));
        // Without the files the same Tuesday is a working day.
        Assert.Equal(TimeSpan.FromMinutes(30), (rule with { Holidays = HolidayCalendar.Empty }).LimitFor(holiday));
    }
}
