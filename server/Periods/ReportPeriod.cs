using System.Globalization;

namespace GridEdge.Server.Periods;

/// <summary>The kinds of reporting period the work plans ask for: weekly (001), monthly (002, 001), quarterly (002), half-yearly (003), yearly (001).</summary>
public enum PeriodKind
{
    Week,
    Month,
    Quarter,
    Half,
    Year,
}

/// <summary>
/// One reporting period: the data of [<see cref="From"/>, <see cref="To"/>) (China time), handed in by <see cref="DueAt"/>.
/// Labels: 2026-W49 (ISO week numbering), 2026-11, 2026-Q4, 2026-H2, 2026.
/// </summary>
public sealed record ReportPeriod(PeriodKind Kind, string Label, DateTimeOffset From, DateTimeOffset To, DateTimeOffset DueAt)
{
    /// <summary>China Standard Time, a fixed UTC+08:00 (no daylight saving; the build has InvariantGlobalization, so no time zone data).</summary>
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    public const string Rule = "a period label: a week 2026-W49, a month 2026-11, a quarter 2026-Q4, a half-year 2026-H2 or a year 2026";
    public const string WeekRule = "an ISO week such as 2026-W49";

    /// <summary>The label of a week, "2026-W49" (kept for the JSON's <c>week</c> of the weekly figures).</summary>
    public string Name => Label;

    /// <summary>Whether a record received at <paramref name="receivedAt"/> arrived after the period was due.</summary>
    public bool IsLate(DateTimeOffset receivedAt) => receivedAt > DueAt;

    /// <summary>An instant in China time as ISO 8601 with its offset: 2026-11-30T00:00:00+08:00.</summary>
    public static string Format(DateTimeOffset at) => at.ToOffset(ChinaStandardTime).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>Midnight of a China-time date.</summary>
    public static DateTimeOffset Midnight(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), ChinaStandardTime);
}
