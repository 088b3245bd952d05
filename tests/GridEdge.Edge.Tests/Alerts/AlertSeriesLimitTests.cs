using GridEdge.Edge.Alerts;
using GridEdge.Protocol.Records;
using static GridEdge.Edge.Tests.Alerts.Scenarios;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Tests.Alerts;

/// <summary>The engine's memory is bounded whatever sensors and codes arrive.</summary>
public sealed class AlertSeriesLimitTests
{
    private static Reading Unmapped(string sensor, int code, double minute) =>
        new(sensor, $"{Quantities.UnmappedPrefix}x{code:D5}", Quantities.RawUnit, code, null, DataFlag.Normal, At(minute), ClockQuality.NetworkSynced);

    [Fact]
    public void Ten_thousand_unmapped_codes_that_no_rule_names_cost_no_series_and_raise_no_no_data()
    {
        var engine = new AlertEngine(AlertRules.Defaults());
        engine.Observe(Pm10("monitor-7", 0, 80));
        for (var code = 0; code < 10_000; code++) Assert.Empty(engine.Observe(Unmapped("monitor-7", code, 0)));

        // Twenty minutes later only the pm10 series the rules watch has gone silent: one no_data, not 10,001.
        var silent = engine.Advance(At(21));
        Assert.Equal(Quantities.Pm10, Assert.Single(silent).Quantity);
        Assert.Equal(1, engine.SeriesCount);
        Assert.Equal(10_001, engine.Observed);
    }

    [Fact]
    public void An_unmapped_code_a_rule_names_is_watched()
    {
        var rules = AlertRules.Defaults();
        rules.SensorFault.Add(new SensorHealthRule { Id = "code_silent", Check = HealthCheck.NoData, Seconds = 600, Quantities = [$"{Quantities.UnmappedPrefix}x00007"] });
        var engine = new AlertEngine(rules);
        engine.Observe(Unmapped("monitor-7", 7, 0));
        engine.Observe(Unmapped("monitor-7", 8, 0));

        var silent = Assert.Single(engine.Advance(At(11)));
        Assert.Equal(("code_silent", "hj212:x00007"), (silent.RuleId, silent.Quantity));
        Assert.Equal(1, engine.SeriesCount);
    }

    [Fact]
    public void Past_the_cap_the_least_recently_seen_series_is_evicted_and_counted_but_one_with_an_active_alert_is_kept()
    {
        var engine = new AlertEngine(AlertRules.Defaults(), maxSeries: 100);
        var evicted = new List<string>();
        engine.SeriesEvicted += (sensor, _, _) => evicted.Add(sensor);
        // An impossible value raises pm_out_of_range at once: that series must outlive the flood, or its alert could never clear.
        Assert.Equal("pm_out_of_range", Assert.Single(engine.Observe(Pm10("faulty", 0, 5000))).RuleId);
        engine.Observe(Pm10("early", 0, 80));

        for (var i = 0; i < 10_000; i++) engine.Observe(Pm10($"s{i}", 1, 80));

        Assert.Equal(100, engine.SeriesCount);
        Assert.Equal(9_902, engine.Evicted);
        Assert.Equal(9_902, evicted.Count);
        Assert.Equal("early", evicted[0]);
        Assert.DoesNotContain("faulty", evicted);
        var alert = Assert.Single(engine.Active);
        Assert.Equal(("pm_out_of_range", "faulty"), (alert.RuleId, alert.Sensor));
        // The kept series still clears its own alert.
        Assert.Equal(AlertState.Cleared, Assert.Single(engine.Observe(Pm10("faulty", 2, 80))).State);
    }

    [Fact]
    public void An_evicted_sensor_that_returns_starts_afresh_and_its_straw_burning_pairing_works_again()
    {
        var engine = new AlertEngine(AlertRules.Defaults(), maxSeries: 16);
        engine.Observe(Smoke("mq2", 0, 1.0));
        engine.Observe(Pm25("pms", 0, 30));
        for (var i = 0; i < 40; i++) engine.Observe(Pm10($"s{i}", 0.5, 80)); // pushes mq2 and pms out
        Assert.True(engine.Evicted >= 2);

        // A field fire on the gateway's own sensors after they were evicted: smoke 2.0 and PM2.5 climbing 20 a minute.
        var transitions = new List<AlertTransition>();
        for (var m = 1; m <= 12; m++)
        {
            transitions.AddRange(engine.Observe(Smoke("mq2", m, 2.0 + m % 2 * 0.01)));
            transitions.AddRange(engine.Observe(Pm25("pms", m, 30 + m * 20)));
        }
        Assert.Contains(transitions, t => t.RuleId == "straw_burning" && t.State == AlertState.Raised && t.Sensor == "mq2+pms");
    }
}
