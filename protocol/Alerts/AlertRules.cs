using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using GridEdge.Protocol.Records;

namespace GridEdge.Protocol.Alerts;

/// <summary>What a level rule or a condition measures over its rolling window.</summary>
public enum AlertMeasure
{
    /// <summary>The mean of the values in the window.</summary>
    Mean,
    /// <summary>
    /// How fast the series climbs: (latest value − lowest value in the window) ÷ window length in minutes. Dividing by
    /// the whole window (not the time since the minimum) makes one noisy sample unable to fake a steep rise.
    /// </summary>
    RisePerMinute,
}

/// <summary>What a sensor-health rule checks.</summary>
public enum HealthCheck
{
    /// <summary>No reading of a series for <see cref="SensorHealthRule.Seconds"/>.</summary>
    NoData,
    /// <summary>The identical value for <see cref="SensorHealthRule.Seconds"/> (and at least <see cref="SensorHealthRule.MinReadings"/> readings).</summary>
    Stuck,
    /// <summary>A value below <see cref="SensorHealthRule.Min"/> or above <see cref="SensorHealthRule.Max"/>.</summary>
    OutOfRange,
}

/// <summary>
/// The gateway's alert rules: dust level rules, straw-burning composite rules, sensor-health rules, and what each
/// severity does to the outputs. Serialised as snake_case JSON (see <see cref="Parse"/>); <see cref="Defaults"/> is
/// what a gateway runs without a rules file.
/// </summary>
public sealed class AlertRules
{
    /// <summary>Rules of kind dust: one level (threshold) series per rule, escalating through its levels.</summary>
    public List<LevelRule> Dust { get; set; } = [];
    /// <summary>Rules of kind straw_burning: every condition must hold at once on one sensor or sensor group.</summary>
    public List<CompositeRule> StrawBurning { get; set; } = [];
    /// <summary>Rules of kind sensor_fault.</summary>
    public List<SensorHealthRule> SensorFault { get; set; } = [];
    /// <summary>What each severity does to the buzzer, light and relay.</summary>
    public ActuationMap Actuation { get; set; } = new();

    /// <summary>The JSON shape of a rules file: snake_case names and enum values, unknown keys rejected, comments allowed.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The rules as JSON, in the shape <see cref="Parse"/> reads.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>
    /// A copy with the windows, sustain and hold times of the dust and straw-burning rules divided by
    /// <paramref name="factor"/>, thresholds unchanged: for an accelerated demo or test. Sensor-health rules keep their
    /// times, since sensors report no faster.
    /// </summary>
    public AlertRules Accelerated(double factor)
    {
        if (!(factor > 0) || !double.IsFinite(factor)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "expected a positive factor");
        var copy = JsonSerializer.Deserialize<AlertRules>(ToJson(), JsonOptions)!;
        foreach (var rule in copy.Dust)
        {
            rule.WindowSeconds /= factor;
            rule.SustainSeconds /= factor;
            rule.HoldSeconds /= factor;
        }
        foreach (var rule in copy.StrawBurning)
        {
            rule.SustainSeconds /= factor;
            rule.HoldSeconds /= factor;
            foreach (var condition in rule.Conditions) condition.WindowSeconds /= factor;
        }
        return copy;
    }

    /// <summary>Reads and validates rules; null with every problem (JSON path, value, expectation) when they are unusable.</summary>
    public static AlertRules? Parse(string json, out IReadOnlyList<string> errors)
    {
        AlertRules? rules;
        try
        {
            rules = JsonSerializer.Deserialize<AlertRules>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            var message = e.Message.Split('\n')[0].Trim();
            errors = [$"{(e.Path is { Length: > 0 } p ? p : "$")}: {message}"];
            return null;
        }
        if (rules is null)
        {
            errors = ["$: the rules file is JSON null; expected an object"];
            return null;
        }
        var problems = rules.Validate();
        errors = problems;
        return problems.Count == 0 ? rules : null;
    }

    /// <summary>Reads and validates a rules file; an unreadable file is one error naming the path.</summary>
    public static AlertRules? Load(string path, out IReadOnlyList<string> errors)
    {
        string json;
        try { json = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors = [$"{path}: cannot read the rules file: {e.Message}"];
            return null;
        }
        return Parse(json, out errors);
    }

    /// <summary>Every problem in the rules, each naming the JSON path, the value and what was expected; empty when usable.</summary>
    public List<string> Validate()
    {
        var v = new Validator();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        void Id(string path, string? id)
        {
            if (string.IsNullOrWhiteSpace(id)) v.Fail($"{path}.id", id, "a non-empty rule id");
            else if (id.Contains('|')) v.Fail($"{path}.id", id, "no '|' (it separates the parts of an alert id)");
            else if (!ids.Add(id)) v.Fail($"{path}.id", id, "an id used by no other rule");
        }

        if (Dust is null) v.Fail("$.dust", null, "a list (may be empty)");
        else
            for (var i = 0; i < Dust.Count; i++)
            {
                var p = $"$.dust[{i}]";
                var r = Dust[i];
                if (r is null) { v.Fail(p, null, "a rule object"); continue; }
                Id(p, r.Id);
                v.Quantity($"{p}.quantity", r.Quantity, r.Unit, $"{p}.unit");
                v.Window($"{p}.window_seconds", r.WindowSeconds);
                v.NonNegative($"{p}.sustain_seconds", r.SustainSeconds);
                v.NonNegative($"{p}.hold_seconds", r.HoldSeconds);
                v.Finite($"{p}.clear", r.Clear);
                if (r.Levels is null || r.Levels.Count == 0) { v.Fail($"{p}.levels", r.Levels?.Count ?? 0, "at least one level"); continue; }
                for (var j = 0; j < r.Levels.Count; j++)
                {
                    var lp = $"{p}.levels[{j}]";
                    var level = r.Levels[j];
                    if (level is null) { v.Fail(lp, null, "a level object"); continue; }
                    v.Finite($"{lp}.raise", level.Raise);
                    v.Defined($"{lp}.severity", level.Severity);
                    if (j == 0)
                    {
                        if (!(r.Clear < level.Raise)) v.Fail($"{p}.clear", r.Clear, $"below the first level's raise ({Fmt(level.Raise)}): the gap is the hysteresis");
                        continue;
                    }
                    var previous = r.Levels[j - 1];
                    if (previous is null) continue;
                    if (!(level.Raise > previous.Raise)) v.Fail($"{lp}.raise", level.Raise, $"above the previous level's raise ({Fmt(previous.Raise)}): levels ascend");
                    if (level.Severity <= previous.Severity) v.Fail($"{lp}.severity", Name(level.Severity), $"more severe than the previous level ({Name(previous.Severity)})");
                }
            }

        if (StrawBurning is null) v.Fail("$.straw_burning", null, "a list (may be empty)");
        else
            for (var i = 0; i < StrawBurning.Count; i++)
            {
                var p = $"$.straw_burning[{i}]";
                var r = StrawBurning[i];
                if (r is null) { v.Fail(p, null, "a rule object"); continue; }
                Id(p, r.Id);
                v.Defined($"{p}.severity", r.Severity);
                v.NonNegative($"{p}.sustain_seconds", r.SustainSeconds);
                v.NonNegative($"{p}.hold_seconds", r.HoldSeconds);
                if (r.Conditions is null || r.Conditions.Count == 0) v.Fail($"{p}.conditions", r.Conditions?.Count ?? 0, "at least one condition");
                else
                    for (var j = 0; j < r.Conditions.Count; j++)
                    {
                        var cp = $"{p}.conditions[{j}]";
                        var c = r.Conditions[j];
                        if (c is null) { v.Fail(cp, null, "a condition object"); continue; }
                        v.Quantity($"{cp}.quantity", c.Quantity, c.Unit, $"{cp}.unit");
                        v.Window($"{cp}.window_seconds", c.WindowSeconds);
                        v.Defined($"{cp}.measure", c.Measure);
                        v.Finite($"{cp}.raise", c.Raise);
                        if (c.Clear is { } clear && !(clear < c.Raise)) v.Fail($"{cp}.clear", clear, $"below raise ({Fmt(c.Raise)}): the gap is the hysteresis");
                    }
                if (r.SensorGroups is null) v.Fail($"{p}.sensor_groups", null, "a list (may be empty)");
                else
                    for (var j = 0; j < r.SensorGroups.Count; j++)
                    {
                        var g = r.SensorGroups[j];
                        if (g is null || g.Count < 2) v.Fail($"{p}.sensor_groups[{j}]", g?.Count ?? 0, "a list of at least two sensor ids");
                        else if (g.Any(string.IsNullOrWhiteSpace)) v.Fail($"{p}.sensor_groups[{j}]", string.Join(",", g), "non-empty sensor ids");
                        else if (g.Distinct(StringComparer.Ordinal).Count() != g.Count) v.Fail($"{p}.sensor_groups[{j}]", string.Join(",", g), "distinct sensor ids");
                    }
            }

        if (SensorFault is null) v.Fail("$.sensor_fault", null, "a list (may be empty)");
        else
            for (var i = 0; i < SensorFault.Count; i++)
            {
                var p = $"$.sensor_fault[{i}]";
                var r = SensorFault[i];
                if (r is null) { v.Fail(p, null, "a rule object"); continue; }
                Id(p, r.Id);
                v.Defined($"{p}.severity", r.Severity);
                v.Defined($"{p}.check", r.Check);
                v.NonNegative($"{p}.sustain_seconds", r.SustainSeconds);
                v.NonNegative($"{p}.hold_seconds", r.HoldSeconds);
                if (r.Quantities is null) v.Fail($"{p}.quantities", null, "a list (empty = every quantity)");
                else
                    for (var j = 0; j < r.Quantities.Count; j++)
                        if (!Quantities.IsKnown(r.Quantities[j] ?? "")) v.Fail($"{p}.quantities[{j}]", r.Quantities[j], $"a known quantity ({string.Join(", ", Quantities.All)})");
                switch (r.Check)
                {
                    case HealthCheck.NoData:
                    case HealthCheck.Stuck:
                        if (!(r.Seconds > 0) || !double.IsFinite(r.Seconds)) v.Fail($"{p}.seconds", r.Seconds, "a positive number of seconds");
                        if (r.Check == HealthCheck.Stuck && r.MinReadings < 2) v.Fail($"{p}.min_readings", r.MinReadings, "2 or more (one reading cannot repeat itself)");
                        break;
                    case HealthCheck.OutOfRange:
                        if (r.Min is null && r.Max is null) v.Fail($"{p}.min", null, "min, max or both for an out_of_range check");
                        if (r.Min is { } min) v.Finite($"{p}.min", min);
                        if (r.Max is { } max) v.Finite($"{p}.max", max);
                        if (r.Min is { } lo && r.Max is { } hi && !(lo < hi)) v.Fail($"{p}.max", hi, $"above min ({Fmt(lo)})");
                        break;
                }
            }

        if (Actuation is null) v.Fail("$.actuation", null, "an object with info, warning and critical");
        else
        {
            void Outputs(string name, SeverityOutputs? o)
            {
                var p = $"$.actuation.{name}";
                if (o is null) { v.Fail(p, null, "an object with buzzer, light and optionally relay_seconds"); return; }
                v.Defined($"{p}.buzzer", o.Buzzer);
                v.Defined($"{p}.light", o.Light);
                if (o.RelaySeconds is { } s && (!(s > 0) || !double.IsFinite(s))) v.Fail($"{p}.relay_seconds", s, "a positive number of seconds, or null for no relay");
            }
            Outputs("info", Actuation.Info);
            Outputs("warning", Actuation.Warning);
            Outputs("critical", Actuation.Critical);
        }
        return v.Errors;
    }

    private static string Fmt(double value) => value.ToString("G", CultureInfo.InvariantCulture);
    private static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private sealed class Validator
    {
        public List<string> Errors { get; } = [];

        public void Fail(string path, object? value, string expected)
        {
            var shown = value switch
            {
                null => "null",
                string s => $"\"{s}\"",
                double d => Fmt(d),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            Errors.Add($"{path}: {shown}; expected {expected}");
        }

        public void Finite(string path, double value)
        {
            if (!double.IsFinite(value)) Fail(path, value, "a finite number");
        }

        public void NonNegative(string path, double value)
        {
            if (!(value >= 0) || !double.IsFinite(value)) Fail(path, value, "0 or more seconds");
        }

        public void Window(string path, double seconds)
        {
            // A day is more than any rule here needs, and bounds the memory a window may hold.
            if (!(seconds > 0) || !(seconds <= 86_400)) Fail(path, seconds, "seconds above 0 and at most 86400");
        }

        public void Defined<T>(string path, T value) where T : struct, Enum
        {
            if (!Enum.IsDefined(value)) Fail(path, value.ToString(), $"one of {string.Join(", ", Enum.GetValues<T>().Select(x => Name(x)))}");
        }

        public void Quantity(string path, string? quantity, string? unit, string unitPath)
        {
            if (quantity is null || !Quantities.IsKnown(quantity)) { Fail(path, quantity, $"a known quantity ({string.Join(", ", Quantities.All)})"); return; }
            if (unit is not null && !Quantities.IsValidUnit(quantity, unit)) Fail(unitPath, unit, $"a unit of {quantity} ({string.Join(", ", Quantities.UnitsOf(quantity))}) or null for any");
        }
    }

    /// <summary>
    /// The rules a gateway runs without a rules file. The dust and sensor-range figures come from the standards and
    /// datasheets cited beside them; windows, sustain and hold times and the straw-burning figures are local engineering
    /// choices (no standard gives them) meant to be tuned with the replay tool against last season's data.
    /// </summary>
    public static AlertRules Defaults() => new()
    {
        Dust =
        [
            // PM10 bands: HJ 633-2012 Table 1 IAQI breakpoints 150 / 250 / 350 µg/m³ = IAQI 100 / 150 / 200, the upper
            // edges of "good", "lightly polluted" and "moderately polluted" (HJ 633-2012 Table 2); 150 µg/m³ is also the
            // GB 3095-2012 Table 1 grade II 24-hour limit. The breakpoints are for hourly / daily means; a 10-minute
            // rolling mean held for 5 minutes is our early warning, so a construction site is told while it can still act.
            new LevelRule
            {
                Id = "dust_pm10",
                Quantity = Quantities.Pm10,
                Unit = Quantities.MicrogramsPerCubicMetre,
                Measure = AlertMeasure.Mean,
                WindowSeconds = 600,
                SustainSeconds = 300,
                HoldSeconds = 600,
                Clear = 120, // 80 % of the first band: local choice so a mean hovering at 150 does not flap.
                Levels =
                [
                    new AlertLevel { Severity = AlertSeverity.Info, Raise = 150 },     // IAQI 100, GB 3095-2012 grade II 24 h limit
                    new AlertLevel { Severity = AlertSeverity.Warning, Raise = 250 },  // IAQI 150 (HJ 633-2012)
                    new AlertLevel { Severity = AlertSeverity.Critical, Raise = 350 }, // IAQI 200: above is heavily polluted
                ],
            },
            // PM2.5 bands: HJ 633-2012 Table 1 IAQI breakpoints 75 / 115 / 150 µg/m³ = IAQI 100 / 150 / 200; 75 µg/m³ is
            // the GB 3095-2012 Table 1 grade II 24-hour limit. Window, sustain and hold as for PM10.
            new LevelRule
            {
                Id = "dust_pm2_5",
                Quantity = Quantities.Pm2_5,
                Unit = Quantities.MicrogramsPerCubicMetre,
                Measure = AlertMeasure.Mean,
                WindowSeconds = 600,
                SustainSeconds = 300,
                HoldSeconds = 600,
                Clear = 60, // 80 % of the first band (local choice)
                Levels =
                [
                    new AlertLevel { Severity = AlertSeverity.Info, Raise = 75 },      // IAQI 100, GB 3095-2012 grade II 24 h limit
                    new AlertLevel { Severity = AlertSeverity.Warning, Raise = 115 },  // IAQI 150 (HJ 633-2012)
                    new AlertLevel { Severity = AlertSeverity.Critical, Raise = 150 }, // IAQI 200 (HJ 633-2012)
                ],
            },
        ],
        StrawBurning =
        [
            // Straw burning (秸秆焚烧, a patrol target in the Jinan 2016 and Linyi 2017 plans, see docs/domain.md) has no
            // numeric standard. A field fire upwind shows as smoke well above the MQ-2's clean-air baseline together with
            // PM2.5 climbing within minutes; dust from a site raises PM without smoke, humidity or a cooking stove smoke
            // without the steep PM rise, so the rule needs both. Figures are local starting points: ratio ≥ 1.5 over
            // 2 minutes (MQ-2 ratio: volts ÷ clean-air volts, hardware/Mq2), PM2.5 rising ≥ 8 µg/m³ per minute across
            // 5 minutes (+40 µg/m³), clearing when the smoke ratio stays below 1.2 for 10 minutes.
            new CompositeRule
            {
                Id = "straw_burning",
                Severity = AlertSeverity.Critical,
                SustainSeconds = 60,
                HoldSeconds = 600,
                Conditions =
                [
                    new AlertCondition { Quantity = Quantities.Smoke, Unit = "ratio", Measure = AlertMeasure.Mean, WindowSeconds = 120, Raise = 1.5, Clear = 1.2 },
                    new AlertCondition { Quantity = Quantities.Pm2_5, Unit = Quantities.MicrogramsPerCubicMetre, Measure = AlertMeasure.RisePerMinute, WindowSeconds = 300, Raise = 8 },
                ],
                // No sensor_groups: the gateway's smoke sensor is paired with its particulate sensors, whatever their ids
                // (edge/Sensors/GatewaySensors.cs names its own mq2 and pms5003; a site's config may name them otherwise).
            },
        ],
        SensorFault =
        [
            // Readings come as 60 s windows from the gateway's sensors and every 1-10 minutes from HJ 212 monitors
            // (HJ 212-2017 minute data); 20 minutes of silence is two lost monitor reports, not a slow sender.
            new SensorHealthRule { Id = "no_data", Check = HealthCheck.NoData, Severity = AlertSeverity.Warning, Seconds = 1200 },
            // A 60 s window averages ~60 samples, so real air never repeats the same mean for 30 minutes; a frozen
            // driver or a monitor re-sending its last value does.
            new SensorHealthRule
            {
                Id = "stuck_value", Check = HealthCheck.Stuck, Severity = AlertSeverity.Warning, Seconds = 1800, MinReadings = 5,
                Quantities = [Quantities.Pm1, Quantities.Pm2_5, Quantities.Pm10, Quantities.Tsp, Quantities.Smoke],
            },
            // Plantower PMS5003 datasheet: effective range 0-500 µg/m³, maximum range ≥ 1000 µg/m³; a value outside
            // 0-1000 is a fault, not air.
            new SensorHealthRule
            {
                Id = "pm_out_of_range", Check = HealthCheck.OutOfRange, Severity = AlertSeverity.Warning, Min = 0, Max = 1000,
                Quantities = [Quantities.Pm1, Quantities.Pm2_5, Quantities.Pm10], Unit = Quantities.MicrogramsPerCubicMetre,
            },
            // MQ-2 datasheet sensitivity curve: Rs/R0 spans about 0.1-10 from clean air to 10,000 ppm smoke, i.e. a
            // voltage ratio to clean air well inside 0.2-20; outside it the heater, the wiring or the ADC has failed.
            new SensorHealthRule
            {
                Id = "smoke_out_of_range", Check = HealthCheck.OutOfRange, Severity = AlertSeverity.Warning, Min = 0.2, Max = 20,
                Quantities = [Quantities.Smoke], Unit = "ratio",
            },
        ],
        Actuation = new ActuationMap
        {
            Info = new SeverityOutputs { Buzzer = BuzzerPattern.Off, Light = LightPattern.SlowBlink },
            Warning = new SeverityOutputs { Buzzer = BuzzerPattern.SlowBeep, Light = LightPattern.FastBlink },
            // Critical switches the relay (siren or fog cannon) for 60 s; the relay driver caps it at its MaxOnTime and
            // refuses during its cool-down.
            Critical = new SeverityOutputs { Buzzer = BuzzerPattern.FastBeep, Light = LightPattern.FastBlink, RelaySeconds = 60 },
        },
    };
}

/// <summary>A threshold rule on one quantity: raised when the measure stays at or above a level for the sustain time.</summary>
public sealed class LevelRule
{
    public string Id { get; set; } = "";
    /// <summary>One of <see cref="Quantities"/>.</summary>
    public string Quantity { get; set; } = "";
    /// <summary>Only readings in this unit; null for any (readings of different units are separate series anyway).</summary>
    public string? Unit { get; set; }
    /// <summary>Only this sensor; null for every sensor.</summary>
    public string? Sensor { get; set; }
    public AlertMeasure Measure { get; set; } = AlertMeasure.Mean;
    /// <summary>Length of the rolling window the measure is taken over.</summary>
    public double WindowSeconds { get; set; } = 600;
    /// <summary>How long the measure must stay at or above a level before it is raised (or escalated to).</summary>
    public double SustainSeconds { get; set; }
    /// <summary>How long the measure must stay below <see cref="Clear"/> before the alert clears.</summary>
    public double HoldSeconds { get; set; }
    /// <summary>The level the measure must fall below to clear; below the first level's raise (hysteresis).</summary>
    public double Clear { get; set; }
    /// <summary>Ascending raise levels with ascending severities.</summary>
    public List<AlertLevel> Levels { get; set; } = [];
}

/// <summary>One band of a <see cref="LevelRule"/>.</summary>
public sealed class AlertLevel
{
    public AlertSeverity Severity { get; set; }
    /// <summary>The measure at or above which this severity applies.</summary>
    public double Raise { get; set; }
}

/// <summary>
/// Several conditions that must hold together on one sensor, or on one group of co-located sensors (e.g. the gateway's
/// smoke and dust sensors, which have different ids).
/// </summary>
public sealed class CompositeRule
{
    public string Id { get; set; } = "";
    public AlertSeverity Severity { get; set; } = AlertSeverity.Critical;
    public double SustainSeconds { get; set; }
    /// <summary>How long every condition that has a clear level must stay below it (or, if none has, the conditions must not all hold) before clearing.</summary>
    public double HoldSeconds { get; set; }
    public List<AlertCondition> Conditions { get; set; } = [];
    /// <summary>
    /// Sensors read together as one place; readings of one sensor id always form a group of their own as well. Empty
    /// (the default): the gateway's sensors are paired by what they measure, each sensor supplying one condition with
    /// each sensor supplying the others (the smoke sensor with every particulate sensor), except a sensor that measures
    /// every condition itself.
    /// </summary>
    public List<List<string>> SensorGroups { get; set; } = [];
}

/// <summary>One condition of a <see cref="CompositeRule"/>.</summary>
public sealed class AlertCondition
{
    public string Quantity { get; set; } = "";
    public string? Unit { get; set; }
    public AlertMeasure Measure { get; set; } = AlertMeasure.Mean;
    public double WindowSeconds { get; set; } = 120;
    /// <summary>The measure at or above which the condition holds.</summary>
    public double Raise { get; set; }
    /// <summary>The level below which this condition lets the alert clear; null when it plays no part in clearing.</summary>
    public double? Clear { get; set; }
}

/// <summary>A sensor-health rule (kind sensor_fault), applied to every series it matches.</summary>
public sealed class SensorHealthRule
{
    public string Id { get; set; } = "";
    public HealthCheck Check { get; set; }
    public AlertSeverity Severity { get; set; } = AlertSeverity.Warning;
    /// <summary>The quantities checked; empty for all.</summary>
    public List<string> Quantities { get; set; } = [];
    public string? Unit { get; set; }
    public string? Sensor { get; set; }
    /// <summary>For no_data and stuck: how long.</summary>
    public double Seconds { get; set; }
    /// <summary>For stuck: the fewest identical readings that count.</summary>
    public int MinReadings { get; set; } = 3;
    /// <summary>For out_of_range: the lowest plausible value.</summary>
    public double? Min { get; set; }
    /// <summary>For out_of_range: the highest plausible value.</summary>
    public double? Max { get; set; }
    /// <summary>For out_of_range: how long values must stay out of range before raising (0: at once).</summary>
    public double SustainSeconds { get; set; }
    /// <summary>For out_of_range and stuck: how long the series must be healthy before clearing.</summary>
    public double HoldSeconds { get; set; }
}

/// <summary>The outputs for each severity.</summary>
public sealed class ActuationMap
{
    public SeverityOutputs Info { get; set; } = new();
    public SeverityOutputs Warning { get; set; } = new();
    public SeverityOutputs Critical { get; set; } = new();

    public SeverityOutputs For(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Critical => Critical,
        AlertSeverity.Warning => Warning,
        _ => Info,
    };
}

/// <summary>What one severity does: a buzzer pattern, a light pattern and optionally the relay for a time.</summary>
public sealed class SeverityOutputs
{
    public BuzzerPattern Buzzer { get; set; } = BuzzerPattern.Off;
    public LightPattern Light { get; set; } = LightPattern.SlowBlink;
    /// <summary>Seconds to switch the relay on for at raise; null for no relay.</summary>
    public double? RelaySeconds { get; set; }
}
