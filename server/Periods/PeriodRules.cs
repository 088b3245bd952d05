using System.Globalization;

namespace GridEdge.Server.Periods;

/// <summary>
/// The resolved period rules of one county (or the defaults): where weeks start and when each kind of period is due. Turns
/// labels into periods and instants into the period holding them.
/// </summary>
public sealed record PeriodRules(DayOfWeek WeekStartsOn, TimeSpan WeekDue, TimeSpan MonthDue, TimeSpan QuarterDue, TimeSpan HalfDue, TimeSpan YearDue)
{
    /// <summary>The defaults, each from its seed (see <see cref="PeriodSettings"/>).</summary>
    public static readonly PeriodRules Default = new(DayOfWeek.Monday, new TimeSpan(2, 12, 0, 0), TimeSpan.Zero, TimeSpan.FromDays(9), TimeSpan.FromDays(9),
        TimeSpan.FromDays(-22));

    /// <summary>These rules with the values <paramref name="settings"/> gives.</summary>
    public PeriodRules With(PeriodSettings? settings) => settings is null ? this : new(settings.WeekStartsOn ?? WeekStartsOn, settings.WeekDue ?? WeekDue,
        settings.MonthDue ?? MonthDue, settings.QuarterDue ?? QuarterDue, settings.HalfDue ?? HalfDue, settings.YearDue ?? YearDue);

    /// <summary>
    /// Days from the ISO Monday to the week's first day: the start day nearest the Monday (Sunday -1, Tuesday +1, Thursday +3,
    /// Friday -3), so a week labelled 2026-W49 always holds at least four days of ISO week 49.
    /// </summary>
    private int WeekShift
    {
        get
        {
            var d = ((int)WeekStartsOn - (int)DayOfWeek.Monday + 7) % 7;
            return d <= 3 ? d : d - 7;
        }
    }

    public ReportPeriod Week(int year, int week)
    {
        var from = ReportPeriod.Midnight(DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday)).AddDays(WeekShift));
        var to = from.AddDays(7);
        return new(PeriodKind.Week, string.Create(CultureInfo.InvariantCulture, $"{year:0000}-W{week:00}"), from, to, to + WeekDue);
    }

    public ReportPeriod Month(int year, int month)
    {
        var from = ReportPeriod.Midnight(new DateOnly(year, month, 1));
        var to = from.AddMonths(1);
        return new(PeriodKind.Month, string.Create(CultureInfo.InvariantCulture, $"{year:0000}-{month:00}"), from, to, to + MonthDue);
    }

    public ReportPeriod Quarter(int year, int quarter)
    {
        var from = ReportPeriod.Midnight(new DateOnly(year, 3 * quarter - 2, 1));
        var to = from.AddMonths(3);
        return new(PeriodKind.Quarter, string.Create(CultureInfo.InvariantCulture, $"{year:0000}-Q{quarter}"), from, to, to + QuarterDue);
    }

    public ReportPeriod Half(int year, int half)
    {
        var from = ReportPeriod.Midnight(new DateOnly(year, 6 * half - 5, 1));
        var to = from.AddMonths(6);
        return new(PeriodKind.Half, string.Create(CultureInfo.InvariantCulture, $"{year:0000}-H{half}"), from, to, to + HalfDue);
    }

    public ReportPeriod Year(int year)
    {
        var from = ReportPeriod.Midnight(new DateOnly(year, 1, 1));
        var to = from.AddYears(1);
        return new(PeriodKind.Year, year.ToString("0000", CultureInfo.InvariantCulture), from, to, to + YearDue);
    }

    /// <summary>The period of <paramref name="kind"/> holding <paramref name="at"/>.</summary>
    public ReportPeriod Containing(PeriodKind kind, DateTimeOffset at)
    {
        var date = DateOnly.FromDateTime(at.ToOffset(ReportPeriod.ChinaStandardTime).DateTime);
        switch (kind)
        {
            case PeriodKind.Week:
                var iso = date.AddDays(-WeekShift).ToDateTime(TimeOnly.MinValue);
                return Week(ISOWeek.GetYear(iso), ISOWeek.GetWeekOfYear(iso));
            case PeriodKind.Month: return Month(date.Year, date.Month);
            case PeriodKind.Quarter: return Quarter(date.Year, (date.Month + 2) / 3);
            case PeriodKind.Half: return Half(date.Year, date.Month <= 6 ? 1 : 2);
            default: return Year(date.Year);
        }
    }

    /// <summary>The period of <paramref name="kind"/> being reported at <paramref name="now"/>: the earliest whose due time has not passed.</summary>
    public ReportPeriod Reporting(PeriodKind kind, DateTimeOffset now)
    {
        var current = Containing(kind, now);
        var previous = Containing(kind, current.From.AddTicks(-1));
        // A due time before the period's end (the year's 10 December) leaves the current period the one being reported.
        return previous.DueAt > now ? previous : current;
    }

    /// <summary>The period after <paramref name="period"/>.</summary>
    public ReportPeriod Next(ReportPeriod period) => Containing(period.Kind, period.To);

    /// <summary>Parses any period label; false (and null) when it is none.</summary>
    public bool TryParse(string? text, out ReportPeriod period)
    {
        period = null!;
        if (text is null || text.Length < 4 || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 1 or > 9998)
            return false;
        var rest = text.AsSpan(4);
        if (rest.Length == 0) { period = Year(year); return true; }
        if (rest[0] != '-') return false;
        rest = rest[1..];
        if (rest.Length == 3 && rest[0] == 'W' && Number(rest[1..]) is { } week && week >= 1 && week <= ISOWeek.GetWeeksInYear(year)) period = Week(year, week);
        else if (rest.Length == 2 && rest[0] == 'Q' && Number(rest[1..]) is { } quarter && quarter is >= 1 and <= 4) period = Quarter(year, quarter);
        else if (rest.Length == 2 && rest[0] == 'H' && Number(rest[1..]) is { } half && half is 1 or 2) period = Half(year, half);
        else if (rest.Length == 2 && Number(rest) is { } month && month is >= 1 and <= 12) period = Month(year, month);
        return period is not null;
    }

    /// <summary>Parses a week label only (the <c>week=</c> parameter).</summary>
    public bool TryParseWeek(string? text, out ReportPeriod week) => TryParse(text, out week) && week.Kind == PeriodKind.Week || Fail(out week);

    private static bool Fail(out ReportPeriod period)
    {
        period = null!;
        return false;
    }

    private static int? Number(ReadOnlySpan<char> digits) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
