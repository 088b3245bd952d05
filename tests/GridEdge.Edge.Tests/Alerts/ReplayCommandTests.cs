using System.Text.Json.Nodes;
using GridEdge.Edge.Alerts;
using GridEdge.Edge.Tools;
using GridEdge.Protocol.Records;
using static GridEdge.Edge.Tests.Alerts.Scenarios;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Tests.Alerts;

public sealed class ReplayCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string name, string text)
    {
        var path = Path.Combine(_temp.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Exit, List<JsonObject> Lines, string Stderr) Run(params string[] args)
    {
        var (exit, stdout, stderr) = EdgeProgram.RunTool(["replay", .. args]);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        return (exit, lines, stderr);
    }

    [Fact]
    public void Replaying_a_dust_episode_and_a_straw_fire_prints_each_transition_as_a_json_line()
    {
        var fire = StrawFire("farm-7").Select(r => r with { Timestamp = r.Timestamp.AddHours(4) });
        var csv = Write("season.csv", ToCsv(DustEpisode().Concat(fire)));

        var (exit, lines, stderr) = Run("--readings", csv);

        Assert.Equal(0, exit);
        Assert.All(lines, l =>
        {
            foreach (var field in new[] { "time", "rule", "kind", "state", "severity", "sensor", "quantity", "values" }) Assert.NotNull(l[field]);
        });
        var dust = lines.Where(l => (string?)l["rule"] == "dust_pm10").ToList();
        Assert.Equal(["raised", "raised", "raised", "cleared"], dust.Select(l => (string)l["state"]!));
        Assert.Equal(["info", "warning", "critical", "critical"], dust.Select(l => (string)l["severity"]!));
        Assert.Equal("2025-10-12T08:40:00+08:00", (string)dust[0]["time"]!);
        Assert.Equal("dust", (string)dust[0]["kind"]!);
        Assert.Equal(150, (double)dust[0]["values"]!["threshold"]!);
        Assert.Equal("info", (string)dust[1]["previous_severity"]!);

        var straw = lines.Where(l => (string?)l["kind"] == "straw_burning").ToList();
        Assert.Equal(["raised", "cleared"], straw.Select(l => (string)l["state"]!));
        Assert.Equal("2025-10-12T13:03:00+08:00", (string)straw[0]["time"]!);
        Assert.Equal("critical", (string)straw[0]["severity"]!);
        Assert.True((double)straw[0]["values"]!["smoke_mean"]! >= 1.5);
        Assert.Contains("0 bad lines", stderr);
    }

    [Fact]
    public void Bad_lines_are_reported_with_line_number_and_field_and_the_replay_goes_on()
    {
        var good = ToCsv(Enumerable.Range(0, 20).Select(m => Pm10("s", m, 400 + m % 2 * 0.1))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] lines =
        [
            good[0], good[1], good[2],
            "2025-10-12T08:02:30+08:00,s,pm10,lots",     // line 4
            "2025-10-12 08:02:40,s,pm10,400",            // line 5: no offset
            "2025-10-12T08:02:50+08:00,s,ozone,400",     // line 6
            "2025-10-12T08:02:55+08:00,,pm10,400",       // line 7
            "2025-10-12T08:02:58+08:00,s,pm10",          // line 8
            .. good[3..],
        ];
        var csv = Write("bad.csv", string.Join('\n', lines) + "\n");

        var (exit, output, stderr) = Run("--readings", csv);

        Assert.Equal(0, exit);
        Assert.Contains("line 4: field value: 'lots'", stderr);
        Assert.Contains("line 5: field time:", stderr);
        Assert.Contains("line 6: field quantity: 'ozone'", stderr);
        Assert.Contains("line 7: field sensor:", stderr);
        Assert.Contains("line 8: expected 4 fields", stderr);
        Assert.Contains("5 bad lines", stderr);
        // The good lines after the bad ones were replayed: 400 µg/m³ held 5 minutes is a critical dust alert.
        var raised = Assert.Single(output);
        Assert.Equal(("raised", "critical", "2025-10-12T08:05:00+08:00"), ((string)raised["state"]!, (string)raised["severity"]!, (string)raised["time"]!));
    }

    [Fact]
    public void A_rules_file_changes_what_is_raised()
    {
        var rules = AlertRules.Defaults();
        rules.Dust[0].Levels[0].Raise = 100;
        rules.Dust[0].Clear = 90;
        var rulesFile = Write("rules.json", rules.ToJson());
        var csv = Write("r.csv", ToCsv(Enumerable.Range(0, 20).Select(m => Pm10("s", m, 120 + m % 2 * 0.1))));

        Assert.Empty(Run("--readings", csv).Lines);
        var raised = Assert.Single(Run("--readings", csv, "--rules", rulesFile).Lines);
        Assert.Equal(100, (double)raised["values"]!["threshold"]!);
    }

    [Fact]
    public void An_invalid_rules_file_exits_2_printing_every_problem()
    {
        var rules = AlertRules.Defaults();
        rules.Dust[0].Clear = 500;
        rules.SensorFault[0].Seconds = -1;
        var rulesFile = Write("rules.json", rules.ToJson());
        var csv = Write("r.csv", ToCsv([Pm10("s", 0, 50)]));

        var (exit, lines, stderr) = Run("--readings", csv, "--rules", rulesFile);

        Assert.Equal(2, exit);
        Assert.Empty(lines);
        Assert.Contains("2 problems", stderr);
        Assert.Contains("$.dust[0].clear: 500", stderr);
        Assert.Contains("$.sensor_fault[0].seconds: -1", stderr);
    }

    [Theory]
    [InlineData]
    [InlineData("--readings")]
    [InlineData("--rules", "x.json")]
    [InlineData("--readings", "a.csv", "--frobnicate")]
    public void Usage_errors_exit_2_pointing_to_help(params string[] args)
    {
        var (exit, _, stderr) = Run(args);
        Assert.Equal(2, exit);
        Assert.Contains("replay --help", stderr);
    }

    [Fact]
    public void A_missing_readings_file_exits_2_naming_it()
    {
        var (exit, _, stderr) = Run("--readings", Path.Combine(_temp.Path, "nope.csv"));
        Assert.Equal(2, exit);
        Assert.Contains("nope.csv", stderr);
    }

    [Fact]
    public void The_default_rules_print_as_a_file_the_replay_accepts()
    {
        var (exit, stdout, _) = EdgeProgram.RunTool("replay", "--print-default-rules");
        Assert.Equal(0, exit);
        var rulesFile = Write("defaults.json", stdout);
        var csv = Write("d.csv", ToCsv(DustEpisode()));

        Assert.Equal(Run("--readings", csv).Lines.Select(l => l.ToJsonString()), Run("--readings", csv, "--rules", rulesFile).Lines.Select(l => l.ToJsonString()));
    }

    [Fact]
    public void Replaying_a_gateways_csv_with_sensors_mq2_1_and_pms_1_raises_straw_burning()
    {
        var fire = StrawFire().Select(r => r with { SensorId = r.Quantity == Quantities.Smoke ? "mq2-1" : "pms-1" });
        var csv = Write("gateway.csv", ToCsv(fire));

        var (exit, lines, stderr) = Run("--readings", csv);

        Assert.Equal(0, exit);
        var straw = lines.Where(l => (string?)l["kind"] == "straw_burning").ToList();
        Assert.Equal(["raised", "cleared"], straw.Select(l => (string)l["state"]!));
        Assert.Equal("mq2-1+pms-1", (string)straw[0]["sensor"]!);
        Assert.DoesNotContain("warning", stderr);
    }

    [Fact]
    public void A_rule_naming_a_sensor_that_never_appears_is_reported()
    {
        var rules = AlertRules.Defaults();
        rules.StrawBurning[0].SensorGroups = [["mq2", "pms5003"]];
        rules.Dust[0].Sensor = "pms-1";
        var rulesFile = Write("rules.json", rules.ToJson());
        var csv = Write("gateway.csv", ToCsv(StrawFire().Select(r => r with { SensorId = r.Quantity == Quantities.Smoke ? "mq2-1" : "pms-1" })));

        var (exit, lines, stderr) = Run("--readings", csv, "--rules", rulesFile);

        Assert.Equal(0, exit);
        Assert.DoesNotContain(lines, l => (string?)l["kind"] == "straw_burning");
        Assert.Contains("replay: warning: rule straw_burning names sensor 'mq2' ($.straw_burning[0].sensor_groups[0]), which is none of the sensors in the readings (mq2-1, pms-1)", stderr);
        Assert.Contains("sensor 'pms5003'", stderr);
        Assert.DoesNotContain("sensor 'pms-1'", stderr);
    }

    [Fact]
    public void A_csv_where_every_line_is_bad_exits_1_saying_nothing_was_replayed()
    {
        var csv = Write("bad.csv", "time,sensor,quantity,value\n2025-10-12 08:00:00,s,pm10,40\n2025-10-12T08:01:00+08:00,s,pm10,lots\n");

        var (exit, lines, stderr) = Run("--readings", csv);

        Assert.Equal(1, exit);
        Assert.Empty(lines);
        Assert.Contains("replay: nothing replayed", stderr);
        Assert.Contains("2 bad lines", stderr);
    }
}
