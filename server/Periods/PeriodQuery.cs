using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Periods;

/// <summary>
/// The period a figure is asked for: <c>period=</c> (any label: 2026-W49, 2026-11, 2026-Q4, 2026-H2, 2026) or <c>week=</c> (a week
/// label, kept from before), not both; without either, the week being reported now (the earliest whose due time has not passed).
/// </summary>
public static class PeriodQuery
{
    /// <summary>The period of the request under <paramref name="rules"/>; <paramref name="kinds"/> limits what <c>period=</c> takes.</summary>
    public static (ReportPeriod? Period, IResult? Error) Parse(IQueryCollection q, PeriodRules rules, DateTimeOffset now, params PeriodKind[] kinds)
    {
        var week = Single(q, "week", out var error);
        if (error is not null) return (null, error);
        var label = Single(q, "period", out error);
        if (error is not null) return (null, error);
        if (week is not null && label is not null) return (null, Bad("period", label, "either period or week, not both"));
        if (week is not null)
            return rules.TryParseWeek(week, out var w) ? (w, null) : (null, Bad("week", week, ReportPeriod.WeekRule));
        if (label is null) return (rules.Reporting(PeriodKind.Week, now), null);
        if (!rules.TryParse(label, out var period)) return (null, Bad("period", label, ReportPeriod.Rule));
        if (kinds.Length > 0 && !kinds.Contains(period.Kind))
            return (null, Bad("period", label, "a period of kind " + string.Join(" or ", kinds.Select(k => k.ToString().ToLowerInvariant()))));
        return (period, null);
    }
}
