using GridEdge.Server.Periods;
using GridEdge.Server.Tests.Problems;

namespace GridEdge.Server.Tests.Compliance;

/// <summary>The period model: natural weeks labelled as ISO weeks, months, quarters, half-years and years with their due times, per county.</summary>
public sealed class PeriodTests
{
    private static ReportPeriod Parse(PeriodRules rules, string label) => rules.TryParse(label, out var p) ? p : throw new ArgumentException(label);

    [Fact]
    public void Week_49_of_2026_is_the_natural_week_from_Monday_30_November_due_Wednesday_9_December_noon()
    {
        var w49 = Parse(PeriodRules.Default, "2026-W49");
        Assert.Equal(("2026-11-30T00:00:00+08:00", "2026-12-07T00:00:00+08:00", "2026-12-09T12:00:00+08:00"),
            (ReportPeriod.Format(w49.From), ReportPeriod.Format(w49.To), ReportPeriod.Format(w49.DueAt)));
        Assert.Equal(PeriodKind.Week, w49.Kind);
        // ISO week 1 of 2026 begins Monday 2025-12-29; 2026 has 53 ISO weeks.
        Assert.Equal(GridRows.Cn(2025, 12, 29, 0, 0), Parse(PeriodRules.Default, "2026-W01").From);
        Assert.Equal(GridRows.Cn(2027, 1, 4, 0, 0), Parse(PeriodRules.Default, "2026-W53").To);

        Assert.Equal("2026-W49", PeriodRules.Default.Containing(PeriodKind.Week, GridRows.Cn(2026, 11, 30, 0, 0)).Label);
        Assert.Equal("2026-W49", PeriodRules.Default.Containing(PeriodKind.Week, GridRows.Cn(2026, 12, 6, 23, 59)).Label);
        Assert.Equal("2026-W50", PeriodRules.Default.Containing(PeriodKind.Week, GridRows.Cn(2026, 12, 7, 0, 0)).Label);
        // The week being reported: W49 until its due time, then W50.
        Assert.Equal("2026-W49", PeriodRules.Default.Reporting(PeriodKind.Week, GridRows.Cn(2026, 12, 9, 11, 59)).Label);
        Assert.Equal("2026-W50", PeriodRules.Default.Reporting(PeriodKind.Week, GridRows.Cn(2026, 12, 9, 12, 0)).Label);
    }

    [Theory]
    [InlineData("2026-11", "2026-11-01T00:00:00+08:00", "2026-12-01T00:00:00+08:00", "2026-12-01T00:00:00+08:00")] // 002: 每月底前
    [InlineData("2026-Q4", "2026-10-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00", "2027-01-10T00:00:00+08:00")]
    [InlineData("2026-H1", "2026-01-01T00:00:00+08:00", "2026-07-01T00:00:00+08:00", "2026-07-10T00:00:00+08:00")] // 003: 7月10日前
    [InlineData("2026-H2", "2026-07-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00", "2027-01-10T00:00:00+08:00")] // 003: 次年1月10日前
    [InlineData("2026", "2026-01-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00", "2026-12-10T00:00:00+08:00")] // 001: 12月10日前
    public void Months_quarters_half_years_and_years_are_due_as_the_seeds_say(string label, string from, string to, string due)
    {
        var p = Parse(PeriodRules.Default, label);
        Assert.Equal((label, from, to, due), (p.Label, ReportPeriod.Format(p.From), ReportPeriod.Format(p.To), ReportPeriod.Format(p.DueAt)));
        Assert.Equal(label, PeriodRules.Default.Containing(p.Kind, p.To.AddTicks(-1)).Label);
    }

    [Fact]
    public void A_county_may_start_its_weeks_on_Sunday_and_set_its_own_due_times()
    {
        var calendar = new PeriodCalendar(new PeriodOptions
        {
            Counties = { ["370102"] = new PeriodSettings { WeekStartsOn = DayOfWeek.Sunday, WeekDue = TimeSpan.FromDays(1) } },
        });
        var county = Parse(calendar.For("370102001001"), "2026-W49");
        Assert.Equal((GridRows.Cn(2026, 11, 29, 0, 0), GridRows.Cn(2026, 12, 6, 0, 0), GridRows.Cn(2026, 12, 7, 0, 0)), (county.From, county.To, county.DueAt));
        Assert.Equal("2026-W49", calendar.For("370102001001").Containing(PeriodKind.Week, GridRows.Cn(2026, 11, 29, 0, 0)).Label);
        // Another county and the city keep the defaults.
        Assert.Equal(GridRows.Cn(2026, 11, 30, 0, 0), Parse(calendar.For("370103001001"), "2026-W49").From);
        Assert.Equal(GridRows.Cn(2026, 11, 30, 0, 0), Parse(calendar.For("370100000000"), "2026-W49").From);
    }

    [Fact]
    public void Bad_labels_and_settings_are_refused_naming_them()
    {
        foreach (var bad in new[] { "2025-W53", "2026-W00", "2026-W54", "2026-48", "2026W48", "26-W48", "2026-w48", "2026-13", "2026-Q0", "2026-H3", "" })
            Assert.False(PeriodRules.Default.TryParse(bad, out _), bad);
        Assert.False(PeriodRules.Default.TryParseWeek("2026-11", out _));
        var errors = new PeriodOptions { WeekDue = TimeSpan.FromDays(90), Counties = { ["3701"] = new PeriodSettings() } }.Check();
        Assert.Equal(2, errors.Count);
        Assert.Contains("Server:Periods:WeekDue", errors[0]);
        Assert.Contains("Server:Periods:Counties:3701 is not a county code", errors[1]);
    }
}
