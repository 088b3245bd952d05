using GridEdge.Edge.Alerts;
using GridEdge.Edge.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Tests.Alerts;

public sealed class AlertRulesTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_shipped_defaults_are_valid_and_survive_a_round_trip_through_json()
    {
        var defaults = AlertRules.Defaults();
        Assert.Empty(defaults.Validate());

        var json = defaults.ToJson();
        var parsed = AlertRules.Parse(json, out var errors);

        Assert.Empty(errors);
        Assert.NotNull(parsed);
        Assert.Equal(json, parsed.ToJson());
        Assert.Contains("\"straw_burning\"", json);
        Assert.Contains("\"rise_per_minute\"", json);
        Assert.Contains("\"fast_beep\"", json);
    }

    [Fact]
    public void The_default_dust_bands_are_the_hj_633_breakpoints()
    {
        var rules = AlertRules.Defaults();
        Assert.Equal([150.0, 250, 350], rules.Dust.Single(r => r.Quantity == "pm10").Levels.Select(l => l.Raise));
        Assert.Equal([75.0, 115, 150], rules.Dust.Single(r => r.Quantity == "pm2_5").Levels.Select(l => l.Raise));
    }

    [Fact]
    public void Every_problem_in_a_bad_rules_file_is_reported_with_its_path_value_and_expectation()
    {
        const string json = """
        {
          "dust": [
            { "id": "pm10", "quantity": "pm10", "unit": "ppm", "window_seconds": 0, "sustain_seconds": -1, "hold_seconds": 60, "clear": 200,
              "levels": [ { "severity": "warning", "raise": 150 }, { "severity": "info", "raise": 100 } ] },
            { "id": "pm10", "quantity": "dust", "window_seconds": 600, "clear": 1, "levels": [] }
          ],
          "straw_burning": [ { "id": "straw", "conditions": [], "sensor_groups": [ [ "mq2" ] ] } ],
          "sensor_fault": [ { "id": "range", "check": "out_of_range", "min": 10, "max": 5 }, { "id": "stuck", "check": "stuck", "seconds": 0, "min_readings": 1 } ],
          "actuation": { "info": { "buzzer": "off", "light": "slow_blink" }, "warning": { "buzzer": "slow_beep", "light": "fast_blink" },
                         "critical": { "buzzer": "fast_beep", "light": "fast_blink", "relay_seconds": -5 } }
        }
        """;
        var rules = AlertRules.Parse(json, out var errors);

        Assert.Null(rules);
        string[] expected =
        [
            "$.dust[0].unit: \"ppm\"; expected a unit of pm10",
            "$.dust[0].window_seconds: 0; expected seconds above 0",
            "$.dust[0].sustain_seconds: -1; expected 0 or more seconds",
            "$.dust[0].clear: 200; expected below the first level's raise (150)",
            "$.dust[0].levels[1].raise: 100; expected above the previous level's raise (150)",
            "$.dust[0].levels[1].severity: \"info\"; expected more severe than the previous level (warning)",
            "$.dust[1].id: \"pm10\"; expected an id used by no other rule",
            "$.dust[1].quantity: \"dust\"; expected a known quantity",
            "$.dust[1].levels: 0; expected at least one level",
            "$.straw_burning[0].conditions: 0; expected at least one condition",
            "$.straw_burning[0].sensor_groups[0]: 1; expected a list of at least two sensor ids",
            "$.sensor_fault[0].max: 5; expected above min (10)",
            "$.sensor_fault[1].seconds: 0; expected a positive number of seconds",
            "$.sensor_fault[1].min_readings: 1; expected 2 or more",
            "$.actuation.critical.relay_seconds: -5; expected a positive number of seconds",
        ];
        foreach (var e in expected) Assert.Contains(errors, actual => actual.StartsWith(e, StringComparison.Ordinal));
        Assert.Equal(expected.Length, errors.Count);
    }

    [Fact]
    public void A_misspelt_key_or_an_unknown_enum_value_is_rejected_with_its_path()
    {
        Assert.Null(AlertRules.Parse("""{ "dust": [ { "id": "a", "quantiti": "pm10" } ] }""", out var typo));
        Assert.StartsWith("$.dust[0]", Assert.Single(typo));
        Assert.Contains("quantiti", typo[0]);

        Assert.Null(AlertRules.Parse("""{ "sensor_fault": [ { "id": "a", "check": "frozen" } ] }""", out var badEnum));
        Assert.StartsWith("$.sensor_fault[0].check", Assert.Single(badEnum));
    }

    [Fact]
    public void A_rules_file_that_cannot_be_read_is_one_error_naming_it()
    {
        var path = Path.Combine(_temp.Path, "missing.json");
        Assert.Null(AlertRules.Load(path, out var errors));
        Assert.Contains(path, Assert.Single(errors));
    }

    [Fact]
    public void The_engine_refuses_invalid_rules()
    {
        var rules = AlertRules.Defaults();
        rules.Dust[0].Clear = 1000;
        var e = Assert.Throws<ArgumentException>(() => new AlertEngine(rules));
        Assert.Contains("$.dust[0].clear", e.Message);
    }

    [Fact]
    public void AddAlerts_rejects_an_invalid_rules_file_at_start_naming_the_key_and_every_problem()
    {
        var file = Path.Combine(_temp.Path, "rules.json");
        File.WriteAllText(file, """{ "dust": [ { "id": "", "quantity": "pm10", "window_seconds": 600, "clear": 1, "levels": [ { "severity": "info", "raise": 0.5 } ] } ] }""");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Edge:Alerts:RulesFile"] = file }).Build();
        using var provider = new ServiceCollection().AddLogging().AddAlerts(configuration).BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AlertOptions>>().Value);
        Assert.Contains(e.Failures, f => f.Contains("Edge:Alerts:RulesFile") && f.Contains("$.dust[0].id"));
        Assert.Contains(e.Failures, f => f.Contains("$.dust[0].clear"));
    }

    [Fact]
    public void AddAlerts_without_a_rules_file_runs_the_defaults()
    {
        var configuration = new ConfigurationBuilder().Build();
        using var provider = new ServiceCollection().AddLogging().AddGatewayClock().AddAlerts(configuration).BuildServiceProvider();

        var engine = provider.GetRequiredService<AlertEngine>();
        Assert.Equal(AlertRules.Defaults().ToJson(), engine.Rules.ToJson());
        Assert.False(engine.Clock.FollowsReadings);
        Assert.Equal(AlertEngine.DefaultMaxSeries, engine.MaxSeries);
    }

    [Fact]
    public void AddAlerts_refuses_a_clock_window_or_series_cap_out_of_range_naming_each_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Edge:Alerts:MaxFutureSkewMinutes"] = "-1",
            ["Edge:Alerts:MaxAgeDays"] = "0",
            ["Edge:Alerts:MaxSeries"] = "3",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddGatewayClock().AddAlerts(configuration).BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AlertOptions>>().Value);
        Assert.Contains(e.Failures, f => f.Contains("Edge:Alerts:MaxFutureSkewMinutes: -1"));
        Assert.Contains(e.Failures, f => f.Contains("Edge:Alerts:MaxAgeDays: 0"));
        Assert.Contains(e.Failures, f => f.Contains("Edge:Alerts:MaxSeries: 3"));
    }
}
