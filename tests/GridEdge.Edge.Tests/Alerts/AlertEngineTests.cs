using GridEdge.Edge.Alerts;
using GridEdge.Protocol.Records;
using static GridEdge.Edge.Tests.Alerts.Scenarios;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Tests.Alerts;

public sealed class AlertEngineTests
{
    private static List<AlertTransition> Replay(IEnumerable<Reading> readings, AlertRules? rules = null)
    {
        var engine = new AlertEngine(rules ?? AlertRules.Defaults());
        var fromEvent = new List<AlertTransition>();
        engine.Transition += fromEvent.Add;
        var returned = readings.SelectMany(engine.Observe).ToList();
        Assert.Equal(returned, fromEvent);
        return returned;
    }

    private static double Value(AlertTransition t, string name) => t.Values.Single(v => v.Name == name).Value;

    [Fact]
    public void A_construction_dust_episode_is_raised_after_the_sustain_time_escalates_and_clears_after_the_hold()
    {
        var transitions = Replay(DustEpisode());

        // PM10 steps to 200 at minute 30: the 10-minute mean passes 150 at minute 35 (six of ten values at 200), and
        // holding 5 minutes makes it 08:40. 400 from minute 60: the mean passes 250 at 62 and 350 at 67, each held 5 minutes.
        // Back to 80 at minute 120: the mean falls below the clear level 120 at 128 and stays there 10 minutes.
        Assert.Collection(transitions,
            t =>
            {
                Assert.Equal((AlertState.Raised, AlertSeverity.Info, At(40)), (t.State, t.Severity, t.Time));
                Assert.Equal(("dust_pm10", AlertKind.Dust, "site-1", Quantities.Pm10), (t.RuleId, t.Kind, t.Sensor, t.Quantity));
                Assert.Equal(150, Value(t, "threshold"));
                Assert.InRange(Value(t, "mean"), 150, 200);
            },
            t =>
            {
                Assert.Equal((AlertState.Raised, AlertSeverity.Warning, At(67)), (t.State, t.Severity, t.Time));
                Assert.Equal(AlertSeverity.Info, t.PreviousSeverity);
                Assert.True(t.IsEscalation);
            },
            t => Assert.Equal((AlertState.Raised, AlertSeverity.Critical, At(72), AlertSeverity.Warning), (t.State, t.Severity, t.Time, t.PreviousSeverity!.Value)),
            t =>
            {
                Assert.Equal((AlertState.Cleared, AlertSeverity.Critical, At(138)), (t.State, t.Severity, t.Time));
                Assert.True(Value(t, "mean") < 120);
            });
        Assert.Single(transitions.Select(t => t.AlertId).Distinct());
    }

    [Fact]
    public void A_mean_between_the_clear_level_and_the_raise_level_keeps_the_alert_raised()
    {
        // Hysteresis: after a raise at 200, a long spell at 130 (below 150 but above 120) does not clear it.
        var readings = Enumerable.Range(0, 20).Select(m => Pm10("s", m, 200 + m % 2 * 0.1))
            .Concat(Enumerable.Range(20, 60).Select(m => Pm10("s", m, 130 + m % 2 * 0.1)));
        var transitions = Replay(readings);

        var raised = Assert.Single(transitions);
        Assert.Equal(AlertState.Raised, raised.State);
    }

    [Fact]
    public void A_short_dip_below_the_clear_level_does_not_clear_before_the_hold_time()
    {
        // 30 minutes at 200, 8 minutes at 60 (mean below 120 for less than the 10-minute hold), then 200 again.
        var readings = Enumerable.Range(0, 90).Select(m => Pm10("s", m, (m is >= 30 and < 38 ? 60 : 200) + m % 2 * 0.1));
        var transitions = Replay(readings);

        Assert.DoesNotContain(transitions, t => t.State == AlertState.Cleared);
        Assert.Single(transitions, t => t.State == AlertState.Raised);
    }

    [Fact]
    public void Repeated_triggers_of_an_active_alert_do_not_raise_it_again()
    {
        // Two hours well above the top level: one raise, and escalations only as levels are reached.
        var transitions = Replay(Enumerable.Range(0, 120).Select(m => Pm10("s", m, 500 + m % 3 * 0.1)));

        var raised = Assert.Single(transitions);
        Assert.Equal((AlertState.Raised, AlertSeverity.Critical), (raised.State, raised.Severity));
        Assert.Null(raised.PreviousSeverity);
    }

    [Fact]
    public void A_straw_fire_upwind_is_raised_within_a_few_minutes_and_cleared_once_the_smoke_is_gone()
    {
        var transitions = Replay(StrawFire());

        var straw = transitions.Where(t => t.Kind == AlertKind.StrawBurning).ToList();
        Assert.Equal(2, straw.Count);
        var raised = straw[0];
        Assert.Equal((AlertState.Raised, AlertSeverity.Critical, "straw_burning", "sim-01"), (raised.State, raised.Severity, raised.RuleId, raised.Sensor));
        // The fire starts after minute 60; smoke and PM2.5 rise together from 61, both hold from 62, for 60 s.
        Assert.Equal(At(63), raised.Time);
        Assert.True(Value(raised, "smoke_mean") >= 1.5);
        Assert.True(Value(raised, "pm2_5_rise_per_minute") >= 8);
        // Smoke is back below 1.2 from minute 95; ten minutes later the alert clears.
        Assert.Equal((AlertState.Cleared, At(105)), (straw[1].State, straw[1].Time));
        Assert.DoesNotContain(transitions, t => t.Kind == AlertKind.SensorFault);
    }

    [Fact]
    public void Smoke_without_a_steep_pm_rise_is_not_straw_burning()
    {
        // A stove or humidity: the smoke ratio is high for an hour, PM2.5 stays flat.
        var readings = Enumerable.Range(0, 60).SelectMany(m => new[] { Pm25("s", m, 30 + m % 3 * 0.1), Smoke("s", m, 2.5 + m % 3 * 0.01) });
        Assert.DoesNotContain(Replay(readings), t => t.Kind == AlertKind.StrawBurning);
    }

    [Fact]
    public void The_gateways_own_smoke_and_dust_sensors_are_read_together_as_one_place()
    {
        // GatewaySensors reports smoke as "mq2" and dust as "pms5003"; the default rules pair them.
        var readings = StrawFire().Select(r => r with { SensorId = r.Quantity == Quantities.Smoke ? "mq2" : "pms5003" });
        var raised = Replay(readings).First(t => t.Kind == AlertKind.StrawBurning);

        Assert.Equal(("mq2+pms5003", At(63)), (raised.Sensor, raised.Time));
    }

    [Fact]
    public void Without_sensor_groups_a_smoke_sensor_is_paired_with_each_particulate_sensor_whatever_they_are_called()
    {
        var fire = StrawFire().Select(r => r with { SensorId = r.Quantity == Quantities.Smoke ? "mq2-1" : "pms-1" });
        var cleanAir = Enumerable.Range(0, 130).Select(m => Pm25("pms-2", m, 30 + m % 3 * 0.1));

        var straw = Replay(fire.Concat(cleanAir).OrderBy(r => r.Timestamp)).Where(t => t.Kind == AlertKind.StrawBurning).ToList();

        Assert.Equal([("mq2-1+pms-1", AlertState.Raised, At(63)), ("mq2-1+pms-1", AlertState.Cleared, At(105))], straw.Select(t => (t.Sensor, t.State, t.Time)));
    }

    [Fact]
    public void A_sensor_measuring_every_condition_itself_is_not_paired_with_another()
    {
        // sim-01 sees a dust plume (PM2.5 climbing, no smoke), sim-02 a stove (smoke, flat PM2.5): neither is a field fire.
        var fire = StrawFire();
        var dust = fire.Select(r => r.Quantity == Quantities.Smoke ? r with { Value = 1.0 } : r);
        var stove = fire.Select(r => r.Quantity == Quantities.Smoke ? r with { SensorId = "sim-02" } : r with { SensorId = "sim-02", Value = 30 });

        Assert.DoesNotContain(Replay(dust.Concat(stove).OrderBy(r => r.Timestamp)), t => t.Kind == AlertKind.StrawBurning);
    }

    [Fact]
    public void Named_sensor_groups_replace_the_automatic_pairing()
    {
        var rules = AlertRules.Defaults();
        rules.StrawBurning[0].SensorGroups = [["mq2", "pms5003"]];
        var fire = StrawFire().Select(r => r with { SensorId = r.Quantity == Quantities.Smoke ? "mq2-1" : "pms-1" });

        Assert.DoesNotContain(Replay(fire, rules), t => t.Kind == AlertKind.StrawBurning);
    }

    [Fact]
    public void A_clean_week_with_daily_variation_and_noise_raises_nothing()
    {
        var week = CleanWeek();
        Assert.Equal(7 * 1440 * 3, week.Count);

        Assert.Empty(Replay(week));
    }

    [Fact]
    public void A_sensor_that_freezes_is_raised_as_stuck_and_cleared_when_it_moves_again()
    {
        var transitions = Replay(FrozenSensor());

        Assert.Collection(transitions,
            t =>
            {
                Assert.Equal(("stuck_value", AlertKind.SensorFault, AlertState.Raised, "pms5003"), (t.RuleId, t.Kind, t.State, t.Sensor));
                // Frozen from minute 30: 30 minutes of the identical value.
                Assert.Equal(At(60), t.Time);
                Assert.Equal(42.0, Value(t, "value"));
            },
            t => Assert.Equal(("stuck_value", AlertState.Cleared, At(90)), (t.RuleId, t.State, t.Time)));
    }

    [Fact]
    public void A_sensor_that_stops_reporting_is_raised_as_no_data_while_others_report_and_cleared_when_it_returns()
    {
        var readings = Enumerable.Range(0, 60).SelectMany(m =>
        {
            var list = new List<Reading> { Pm25("b", m, 20 + m % 3 * 0.1) };
            if (m < 10 || m >= 50) list.Insert(0, Pm25("a", m, 20 + m % 3 * 0.1));
            return list;
        });
        var transitions = Replay(readings);

        // Last heard at minute 9; 20 minutes of silence is noticed when b reports at minute 29.
        Assert.Collection(transitions,
            t =>
            {
                Assert.Equal(("no_data", AlertKind.SensorFault, AlertState.Raised, "a", At(29)), (t.RuleId, t.Kind, t.State, t.Sensor, t.Time));
                Assert.Equal(1200, Value(t, "silent_seconds"));
            },
            t => Assert.Equal(("no_data", AlertState.Cleared, "a", At(50)), (t.RuleId, t.State, t.Sensor, t.Time)));
    }

    [Fact]
    public void Silence_is_noticed_from_the_gateway_clock_when_no_sensor_reports()
    {
        var engine = new AlertEngine(AlertRules.Defaults());
        engine.Observe(Pm25("a", 0, 20));

        Assert.Empty(engine.Advance(At(19)));
        var raised = Assert.Single(engine.Advance(At(20)));
        Assert.Equal((AlertState.Raised, "no_data"), (raised.State, raised.RuleId));
        Assert.Empty(engine.Advance(At(30)));
    }

    [Fact]
    public void A_gap_in_a_lone_sensors_replay_shows_as_no_data_raised_and_cleared_when_it_resumes()
    {
        var transitions = Replay([Pm25("a", 0, 20), Pm25("a", 1, 20.1), Pm25("a", 40, 20.2)]);

        Assert.Equal([AlertState.Raised, AlertState.Cleared], transitions.Select(t => t.State));
        Assert.All(transitions, t => Assert.Equal((At(40), "no_data"), (t.Time, t.RuleId)));
    }

    [Fact]
    public void Out_of_range_values_raise_a_sensor_fault_at_once_and_never_feed_the_dust_mean()
    {
        var readings = new List<Reading>();
        for (var m = 0; m < 30; m++)
        {
            readings.Add(Pm10("s", m, m == 10 ? 5000 : 60 + m % 3 * 0.1)); // one impossible value
            readings.Add(Pm25("s", m, m is 20 or 21 ? -5 : 30 + m % 3 * 0.1));
            readings.Add(Smoke("s", m, m == 25 ? 25 : 1 + m % 3 * 0.01));
        }
        var transitions = Replay(readings);

        Assert.DoesNotContain(transitions, t => t.Kind == AlertKind.Dust);
        Assert.Collection(transitions,
            t => Assert.Equal(("pm_out_of_range", AlertState.Raised, Quantities.Pm10, At(10), 5000.0), (t.RuleId, t.State, t.Quantity, t.Time, Value(t, "value"))),
            t => Assert.Equal(("pm_out_of_range", AlertState.Cleared, Quantities.Pm10, At(11)), (t.RuleId, t.State, t.Quantity, t.Time)),
            t => Assert.Equal(("pm_out_of_range", AlertState.Raised, Quantities.Pm2_5, At(20), -5.0), (t.RuleId, t.State, t.Quantity, t.Time, Value(t, "value"))),
            t => Assert.Equal(("pm_out_of_range", AlertState.Cleared, Quantities.Pm2_5, At(22)), (t.RuleId, t.State, t.Quantity, t.Time)),
            t => Assert.Equal(("smoke_out_of_range", AlertState.Raised, Quantities.Smoke, At(25)), (t.RuleId, t.State, t.Quantity, t.Time)),
            t => Assert.Equal(("smoke_out_of_range", AlertState.Cleared, Quantities.Smoke, At(26)), (t.RuleId, t.State, t.Quantity, t.Time)));
    }

    [Fact]
    public void Readings_flagged_by_the_instrument_do_not_feed_the_dust_mean()
    {
        var readings = Enumerable.Range(0, 30).Select(m => Pm10("s", m, 400 + m % 2 * 0.1) with { Flag = DataFlag.Calibration });
        Assert.Empty(Replay(readings));
    }

    [Fact]
    public void An_acknowledgement_is_a_transition_once_and_an_escalation_needs_a_new_one()
    {
        var engine = new AlertEngine(AlertRules.Defaults());
        var readings = Enumerable.Range(0, 30).Select(m => Pm10("s", m, 200 + m % 2 * 0.1)).ToList();
        foreach (var r in readings) engine.Observe(r);
        var alert = Assert.Single(engine.Active);

        var ack = Assert.Single(engine.Acknowledge(At(30), "button"));
        Assert.Equal((AlertState.Acknowledged, alert.AlertId, "button"), (ack.State, ack.AlertId, ack.AcknowledgedBy));
        Assert.Empty(engine.Acknowledge(At(31), "button"));
        Assert.True(engine.Active.Single().Acknowledged);

        var escalations = Enumerable.Range(30, 20).SelectMany(m => engine.Observe(Pm10("s", m, 300 + m % 2 * 0.1))).ToList();
        Assert.Equal(AlertSeverity.Warning, Assert.Single(escalations).Severity);
        Assert.False(engine.Active.Single().Acknowledged);
    }

    [Fact]
    public void Readings_older_than_the_last_of_their_series_are_ignored()
    {
        var engine = new AlertEngine(AlertRules.Defaults());
        engine.Observe(Pm10("s", 10, 50));
        Assert.Empty(engine.Observe(Pm10("s", 5, 50)));
        Assert.Equal((1, 1), (engine.Observed, engine.Ignored));
    }

    [Fact]
    public void A_rate_of_rise_level_rule_raises_on_a_steep_climb()
    {
        var rules = AlertRules.Defaults();
        rules.Dust.Add(new LevelRule
        {
            Id = "pm10_rise", Quantity = Quantities.Pm10, Measure = AlertMeasure.RisePerMinute, WindowSeconds = 300, Clear = 5,
            Levels = [new AlertLevel { Severity = AlertSeverity.Warning, Raise = 20 }],
        });
        var readings = Enumerable.Range(0, 20).Select(m => Pm10("s", m, (m < 10 ? 60 : 60 + (m - 9) * 30) + m % 2 * 0.1));
        var raised = Replay(readings, rules).First(t => t.RuleId == "pm10_rise");

        // +30 a minute from minute 10: over a 5-minute window (latest − lowest) ÷ 5 reaches 20 at minute 13 (60 → 180).
        Assert.Equal(At(13), raised.Time);
        Assert.True(Value(raised, "rise_per_minute") >= 20);
    }

    [Fact]
    public void Replaying_the_same_series_gives_the_same_transitions()
    {
        var a = Replay(DustEpisode().Concat(StrawFire("x").Select(r => r with { Timestamp = r.Timestamp.AddHours(4) })));
        var b = Replay(DustEpisode().Concat(StrawFire("x").Select(r => r with { Timestamp = r.Timestamp.AddHours(4) })));
        Assert.Equal(a.Select(ReplayLine), b.Select(ReplayLine));

        static string ReplayLine(AlertTransition t) => GridEdge.Edge.Tools.ReplayCommand.ToJsonLine(t);
    }
}
