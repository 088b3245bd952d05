using System.Globalization;

namespace GridEdge.Server.Alerts;

/// <summary>
/// Server:Alerts: the response-time rule of the grid work plans (docs/domain.md): on site within 30 minutes of an alert
/// raised in working hours, within 1 hour otherwise (nights, non-working days).
/// </summary>
public sealed class AlertResponseOptions
{
    /// <summary>Working hours in local time, "HH:mm-HH:mm" (Server:Alerts:WorkingHours).</summary>
    public string WorkingHours { get; set; } = "08:30-17:30";

    /// <summary>Working days: a range "Mon-Fri" or a list "Mon,Tue,Sat" (Server:Alerts:WorkingDays).</summary>
    public string WorkingDays { get; set; } = "Mon-Fri";

    /// <summary>The local time's offset from UTC, "+08:00" for China (Server:Alerts:UtcOffset).</summary>
    public string UtcOffset { get; set; } = "+08:00";

    /// <summary>The response limit for alerts raised in working hours (Server:Alerts:WorkingHoursLimitMinutes).</summary>
    public int WorkingHoursLimitMinutes { get; set; } = 30;

    /// <summary>The response limit for alerts raised outside working hours (Server:Alerts:OtherLimitMinutes).</summary>
    public int OtherLimitMinutes { get; set; } = 60;

    /// <summary>The parsed rule, or null with every problem named by its key.</summary>
    public ResponseRule? TryParse(out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        TimeOnly start = default, end = default;
        var hours = WorkingHours?.Split('-') ?? [];
        if (hours.Length != 2 || !TimeOnly.TryParseExact(hours[0].Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out start)
            || !TimeOnly.TryParseExact(hours[1].Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out end) || end <= start)
            problems.Add($"Server:Alerts:WorkingHours is '{WorkingHours}': expected HH:mm-HH:mm with the end after the start, e.g. 08:30-17:30");
        var days = ParseDays(WorkingDays);
        if (days is null) problems.Add($"Server:Alerts:WorkingDays is '{WorkingDays}': expected a range such as Mon-Fri or a list such as Mon,Tue,Wed");
        TimeSpan offset = default;
        var offsetText = UtcOffset?.Trim() ?? "";
        var sign = offsetText.StartsWith('-') ? -1 : 1;
        if (offsetText.Length < 2 || (offsetText[0] != '+' && offsetText[0] != '-')
            || !TimeSpan.TryParseExact(offsetText[1..], "hh\\:mm", CultureInfo.InvariantCulture, out offset) || offset > TimeSpan.FromHours(14))
            problems.Add($"Server:Alerts:UtcOffset is '{UtcOffset}': expected +HH:mm or -HH:mm, e.g. +08:00");
        if (WorkingHoursLimitMinutes is < 1 or > 1440) problems.Add($"Server:Alerts:WorkingHoursLimitMinutes is '{WorkingHoursLimitMinutes}': expected minutes from 1 to 1440");
        if (OtherLimitMinutes is < 1 or > 1440) problems.Add($"Server:Alerts:OtherLimitMinutes is '{OtherLimitMinutes}': expected minutes from 1 to 1440");
        errors = problems;
        return problems.Count > 0 ? null
            : new ResponseRule(start, end, days!, sign * offset, TimeSpan.FromMinutes(WorkingHoursLimitMinutes), TimeSpan.FromMinutes(OtherLimitMinutes));
    }

    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    private static HashSet<DayOfWeek>? ParseDays(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        static DayOfWeek? Day(string s)
        {
            var i = Array.FindIndex(DayNames, d => string.Equals(d, s.Trim(), StringComparison.OrdinalIgnoreCase));
            return i < 0 ? null : (DayOfWeek)i;
        }
        var result = new HashSet<DayOfWeek>();
        foreach (var part in text.Split(','))
        {
            var range = part.Split('-');
            if (range.Length == 1 && Day(range[0]) is { } single) result.Add(single);
            else if (range.Length == 2 && Day(range[0]) is { } first && Day(range[1]) is { } last)
            {
                // Mon-Fri; a range may wrap the week (Sat-Mon).
                for (var d = first; ; d = (DayOfWeek)(((int)d + 1) % 7))
                {
                    result.Add(d);
                    if (d == last) break;
                }
            }
            else return null;
        }
        return result;
    }
}

/// <summary>The parsed response-time rule: which raise times are in working hours, and the limit that applies.</summary>
public sealed record ResponseRule(TimeOnly Start, TimeOnly End, IReadOnlySet<DayOfWeek> Days, TimeSpan Offset, TimeSpan WorkingLimit, TimeSpan OtherLimit)
{
    /// <summary>The official holidays and make-up workdays (Server:Calendar); none unless given.</summary>
    public Calendar.HolidayCalendar Holidays { get; init; } = Calendar.HolidayCalendar.Empty;

    public DateTimeOffset Local(DateTimeOffset at) => at.ToOffset(Offset);

    /// <summary>A working day: not a holiday, and one of <see cref="Days"/> or a make-up workday.</summary>
    public bool IsWorkingDay(DateOnly date) =>
        Holidays.HolidayOn(date) is null && (Holidays.IsMakeUpWorkday(date) || Days.Contains(date.DayOfWeek));

    public bool InWorkingHours(DateTimeOffset raisedAt)
    {
        var local = Local(raisedAt);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return IsWorkingDay(DateOnly.FromDateTime(local.DateTime)) && time >= Start && time < End;
    }

    public TimeSpan LimitFor(DateTimeOffset raisedAt) => InWorkingHours(raisedAt) ? WorkingLimit : OtherLimit;
}

/// <summary>Response-time figures of one gateway in one ISO week (of the raise time, in the rule's local time).</summary>
/// <param name="Met">Acknowledged within the limit.</param>
/// <param name="Missed">Acknowledged late, or not acknowledged although the limit has passed.</param>
/// <param name="Pending">Not acknowledged, and the limit has not passed yet.</param>
public sealed record ResponseTimeFigures(
    string Gateway,
    string Week,
    int Count,
    int Acknowledged,
    double? MedianMinutes,
    double? P90Minutes,
    int Met,
    int Missed,
    int Pending);

/// <summary>Computes <see cref="ResponseTimeFigures"/> from the aggregated alerts.</summary>
public static class ResponseTimes
{
    /// <summary>"2026-W48" for a time, in the rule's local time (ISO weeks from Monday 00:00).</summary>
    public static string IsoWeek(DateTimeOffset at, ResponseRule rule)
    {
        var local = rule.Local(at).DateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(local)}-W{ISOWeek.GetWeekOfYear(local):00}");
    }

    /// <summary>Parses "2026-W48" to the UTC bounds [from, to) of that week in the rule's local time.</summary>
    public static bool TryParseWeek(string text, ResponseRule rule, out DateTimeOffset from, out DateTimeOffset to)
    {
        from = to = default;
        if (text.Length != 8 || text[4] != '-' || text[5] != 'W'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var week)
            || year is < 1 or > 9998 || week < 1 || week > ISOWeek.GetWeeksInYear(year))
            return false;
        var monday = ISOWeek.ToDateTime(year, week, DayOfWeek.Monday);
        from = new DateTimeOffset(monday, rule.Offset);
        to = from.AddDays(7);
        return true;
    }

    /// <summary>The figures per gateway and ISO week of the raise time.</summary>
    public static IReadOnlyList<ResponseTimeFigures> Compute(IEnumerable<StoredAlert> alerts, ResponseRule rule, DateTimeOffset now) =>
        Compute(alerts, rule, now, at => IsoWeek(at, rule));

    /// <summary>The figures per gateway and period, <paramref name="periodOf"/> naming the period of a raise time.</summary>
    public static IReadOnlyList<ResponseTimeFigures> Compute(IEnumerable<StoredAlert> alerts, ResponseRule rule, DateTimeOffset now, Func<DateTimeOffset, string> periodOf) =>
        alerts.Where(a => a.RaisedAt is not null)
            .GroupBy(a => (a.Gateway, Week: periodOf(a.RaisedAt!.Value)))
            .OrderBy(g => g.Key.Gateway, StringComparer.Ordinal).ThenBy(g => g.Key.Week, StringComparer.Ordinal)
            .Select(g =>
            {
                var minutes = g.Where(a => a.ResponseTime is not null).Select(a => Math.Max(0, a.ResponseTime!.Value.TotalMinutes)).Order().ToArray();
                int met = 0, missed = 0, pending = 0;
                foreach (var a in g)
                {
                    var limit = rule.LimitFor(a.RaisedAt!.Value);
                    if (a.ResponseTime is { } response) { if (response <= limit) met++; else missed++; }
                    else if (now - a.RaisedAt.Value > limit) missed++;
                    else pending++;
                }
                return new ResponseTimeFigures(g.Key.Gateway, g.Key.Week, g.Count(), minutes.Length,
                    Percentile(minutes, 0.5), Percentile(minutes, 0.9), met, missed, pending);
            })
            .ToList();

    /// <summary>Linear interpolation between closest ranks (the median of an even count is the mean of the middle two); null when empty.</summary>
    public static double? Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0) return null;
        var rank = p * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return Math.Round(sorted[low] + (sorted[high] - sorted[low]) * (rank - low), 2);
    }
}
