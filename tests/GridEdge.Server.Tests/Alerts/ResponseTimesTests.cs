using GridEdge.Protocol.Records;
using GridEdge.Server.Alerts;

namespace GridEdge.Server.Tests.Alerts;

/// <summary>The 30-minute / 1-hour response rule (docs/domain.md) and the weekly figures.</summary>
public sealed class ResponseTimesTests
{
    private static readonly ResponseRule Rule = new AlertResponseOptions().TryParse(out _)!;

    private static StoredAlert Alert(string id, DateTimeOffset raised, double? responseMinutes, string gateway = "gw-a") => new(
        gateway, id, "dust", AlertKind.Dust, AlertSeverity.Warning, "pms-1", Quantities.Pm10, [], raised, raised,
        responseMinutes is { } m ? raised.AddMinutes(m) : null, responseMinutes is null ? null : "button", null, 1, raised);

    [Theory]
    [InlineData("2026-11-26T08:30:00+08:00", true)]   // Thursday, start of working hours
    [InlineData("2026-11-26T17:29:59+08:00", true)]
    [InlineData("2026-11-26T17:30:00+08:00", false)]  // end is exclusive
    [InlineData("2026-11-26T08:29:00+08:00", false)]
    [InlineData("2026-11-28T10:00:00+08:00", false)]  // Saturday
    [InlineData("2026-11-26T02:00:00Z", true)]        // 10:00 in +08:00
    public void Working_hours_are_judged_in_the_configured_local_time(string at, bool working) =>
        Assert.Equal(working, Rule.InWorkingHours(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Options_that_make_no_rule_are_named()
    {
        var options = new AlertResponseOptions { WorkingHours = "17:30-08:30", WorkingDays = "Mon-Funday", UtcOffset = "8" };
        Assert.Null(options.TryParse(out var errors));
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Server:Alerts:WorkingHours", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Server:Alerts:WorkingDays", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Server:Alerts:UtcOffset", StringComparison.Ordinal));
        Assert.Equal(new HashSet<DayOfWeek> { DayOfWeek.Saturday, DayOfWeek.Sunday, DayOfWeek.Monday },
            new AlertResponseOptions { WorkingDays = "Sat-Mon" }.TryParse(out _)!.Days);
    }

    [Fact]
    public void Weekly_figures_count_met_missed_and_pending_against_the_limit_of_the_raise_time()
    {
        var thursday = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.FromHours(8)); // working hours: 30 min
        var night = new DateTimeOffset(2026, 11, 26, 22, 0, 0, TimeSpan.FromHours(8));    // 60 min
        var alerts = new[]
        {
            Alert("a", thursday, 10),
            Alert("b", thursday, 30),
            Alert("c", thursday, 45),       // late in working hours
            Alert("d", night, 45),          // in time at night
            Alert("e", night, null),        // never acknowledged, limit passed
            Alert("f", night.AddDays(2).AddHours(1.5), null), // Sat 23:30 local, still within its hour at "now"
            Alert("g", thursday.AddDays(7), 5), // the next week
        };
        var now = night.AddDays(2).AddHours(2);

        var figures = ResponseTimes.Compute(alerts, Rule, now);

        Assert.Equal(2, figures.Count);
        var w48 = figures[0];
        Assert.Equal(("gw-a", "2026-W48", 6, 4), (w48.Gateway, w48.Week, w48.Count, w48.Acknowledged));
        Assert.Equal((3, 2, 1), (w48.Met, w48.Missed, w48.Pending));
        Assert.Equal(37.5, w48.MedianMinutes);
        Assert.Equal(45, w48.P90Minutes);
        Assert.Equal("2026-W49", figures[1].Week);
    }

    [Fact]
    public void An_iso_week_is_parsed_to_its_local_bounds()
    {
        Assert.True(ResponseTimes.TryParseWeek("2026-W48", Rule, out var from, out var to));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(8)), from);
        Assert.Equal(from.AddDays(7), to);
        Assert.False(ResponseTimes.TryParseWeek("2026-W54", Rule, out _, out _));
        Assert.False(ResponseTimes.TryParseWeek("2026W48", Rule, out _, out _));
    }
}
