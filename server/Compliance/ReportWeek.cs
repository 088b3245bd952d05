using System.Globalization;
using GridEdge.Server.Grid;

namespace GridEdge.Server.Compliance;

/// <summary>
/// A weekly reporting week (ISO 8601, e.g. 2026-W48). Weekly patrol materials are due Wednesday 12:00 (domain.md, 001), so
/// the week's cut-off is Wednesday 12:00 China Standard Time of that ISO week and its period the 7 days before it:
/// [cut-off - 7 days, cut-off). A patrol at 11:59:59 that Wednesday counts in the week; one at 12:00 in the next.
/// China Standard Time is a fixed UTC+08:00 (no daylight saving, and the build has InvariantGlobalization: no time zone data).
/// </summary>
public sealed record ReportWeek(int Year, int Week)
{
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);
    public const string Rule = "an ISO week such as 2026-W48";

    public string Name => $"{Year:0000}-W{Week:00}";

    /// <summary>Wednesday 12:00 +08:00 of the ISO week.</summary>
    public DateTimeOffset CutOff => new(ISOWeek.ToDateTime(Year, Week, DayOfWeek.Wednesday).AddHours(12), ChinaStandardTime);

    /// <summary>The first instant of the period (inclusive); the period ends at <see cref="CutOff"/> (exclusive).</summary>
    public DateTimeOffset PeriodFrom => CutOff.AddDays(-7);

    /// <summary>
    /// Where the key points' window begins: one month before the cut-off. Key points must be covered at least twice a month
    /// (001); a rolling month, like the enterprises' windows, so a report whose cut-off falls on the 2nd of a month does not
    /// judge coverage on two days.
    /// </summary>
    public DateTimeOffset KeyPointWindowFrom => CutOff.AddMonths(-1);

    /// <summary>
    /// Where the visit window of an enterprise class begins (domain.md, 004): province-controlled >= 1 visit in the last
    /// calendar month, city/county-controlled in the last 2, any other (and an unknown class) in the last quarter.
    /// </summary>
    public DateTimeOffset VisitWindowFrom(string enterpriseClass) => CutOff.AddMonths(enterpriseClass switch
    {
        EnterpriseClasses.Province => -1,
        EnterpriseClasses.CityCounty => -2,
        _ => -3,
    });

    public static bool TryParse(string? text, out ReportWeek week)
    {
        week = null!;
        if (text is null || text.Length != 8 || text[4] != '-' || text[5] != 'W'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || year is < 2000 or > 9998 || number < 1 || number > ISOWeek.GetWeeksInYear(year))
            return false;
        week = new ReportWeek(year, number);
        return true;
    }

    /// <summary>The report week a moment belongs to: the one whose period holds it.</summary>
    public static ReportWeek Containing(DateTimeOffset at)
    {
        var local = at.ToOffset(ChinaStandardTime).DateTime;
        var candidate = new ReportWeek(ISOWeek.GetYear(local), ISOWeek.GetWeekOfYear(local));
        if (at >= candidate.CutOff)
        {
            var next = local.AddDays(7);
            candidate = new ReportWeek(ISOWeek.GetYear(next), ISOWeek.GetWeekOfYear(next));
        }
        return candidate;
    }
}
