namespace GridEdge.Server.Periods;

/// <summary>
/// The period rules of Server:Periods, or one county's overrides of them (Server:Periods:Counties:&lt;code&gt;): a key left out
/// takes the value above it. A due offset is a time span after the period's end (negative: before it), "d.hh:mm:ss".
/// </summary>
public class PeriodSettings
{
    /// <summary>The first day of a report week (default Monday: the natural week, domain.md on 001).</summary>
    public DayOfWeek? WeekStartsOn { get; set; }

    /// <summary>Week due after its end (default 2.12:00:00: Monday 00:00 + 2.5 days = Wednesday 12:00, 001: 每周三上午12：00前).</summary>
    public TimeSpan? WeekDue { get; set; }

    /// <summary>Month due after its end (default 00:00:00: 002 每月底前……上报本月巡查记录汇总表).</summary>
    public TimeSpan? MonthDue { get; set; }

    /// <summary>Quarter due after its end (default 9.00:00:00, the 10th of the next month: 002 publishes scores quarterly without a date; a local choice matching 003's half-year).</summary>
    public TimeSpan? QuarterDue { get; set; }

    /// <summary>Half-year due after its end (default 9.00:00:00: 003 每年7月10日、次年1月10日前报送).</summary>
    public TimeSpan? HalfDue { get; set; }

    /// <summary>Year due relative to its end (default -22.00:00:00 = 10 December: 001 年度自评报告在每年的12月10日前报).</summary>
    public TimeSpan? YearDue { get; set; }
}

/// <summary>Server:Periods: the defaults for every county and the overrides per county, keyed by the county's code (6 digits or the 12-digit grid code).</summary>
public sealed class PeriodOptions : PeriodSettings
{
    public const string Section = "Server:Periods";

    public Dictionary<string, PeriodSettings> Counties { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every wrong value, named by its key.</summary>
    public IReadOnlyList<string> Check() => CountyKey.CheckSection(Section, (PeriodSettings)this, Counties, (prefix, s, errors) =>
        {
            if (s.WeekStartsOn is { } day && !Enum.IsDefined(day)) errors.Add($"{prefix}:WeekStartsOn is '{day}': expected a day such as Monday");
            foreach (var (name, value) in new[] { ("WeekDue", s.WeekDue), ("MonthDue", s.MonthDue), ("QuarterDue", s.QuarterDue), ("HalfDue", s.HalfDue), ("YearDue", s.YearDue) })
                if (value is { } v && (v < TimeSpan.FromDays(-60) || v > TimeSpan.FromDays(60)))
                    errors.Add($"{prefix}:{name} is '{v}': expected a time span after the period's end from -60.00:00:00 to 60.00:00:00");
        });
}

/// <summary>The 6-digit county part of a grid code, the key of per-county settings.</summary>
public static class CountyKey
{
    /// <summary>"370102" for "370102", "370102000000" or any grid code beneath it; null for a city code or anything not a code.</summary>
    public static string? Normalize(string? code)
    {
        if (code is null || !(code.Length is 6 or 12) || !code.All(char.IsAsciiDigit)) return null;
        return code.AsSpan(4, 2) is "00" ? null : code[..6];
    }

    /// <summary>
    /// Every wrong value of a section with per-county overrides (Section:Counties:&lt;code&gt;), named by its key: the section's own
    /// settings and each county's checked alike by <paramref name="check"/>, and a key that is no county code.
    /// </summary>
    public static IReadOnlyList<string> CheckSection<TSettings>(string section, TSettings own, IReadOnlyDictionary<string, TSettings> counties,
        Action<string, TSettings, List<string>> check)
    {
        var errors = new List<string>();
        check(section, own, errors);
        foreach (var (code, settings) in counties)
        {
            if (Normalize(code) is null) errors.Add($"{section}:Counties:{code} is not a county code: expected 6 digits (370102) or the county's 12-digit grid code (370102000000)");
            check($"{section}:Counties:{code}", settings, errors);
        }
        return errors;
    }
}
