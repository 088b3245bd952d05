using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using GridEdge.Edge.Alerts;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Tools;

/// <summary>
/// <c>GridEdge.Edge replay --readings FILE.csv [--rules FILE.json]</c>: runs the real alert engine over a recorded
/// series, with no hardware and no network, and prints each alert transition as one JSON line. Operators try
/// thresholds against last season's data with it before changing a gateway. Bad CSV lines go to stderr naming the
/// line and field, and the replay goes on; so does a warning for each sensor the rules name that is not in the
/// readings. Exit status 0 when readings were replayed; 1 when the file held none; 2 for a usage error, an unreadable
/// file or invalid rules (every problem printed). <c>--print-default-rules</c> prints the shipped rules as a starting file.
/// </summary>
public static class ReplayCommand
{
    private const string Header = "time,sensor,quantity,value";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Command lines shown under --help.</summary>
    public static readonly string[] Examples =
    [
        "GridEdge.Edge replay --readings last-season.csv",
        "GridEdge.Edge replay --print-default-rules > rules.json    (edit, then:)",
        "GridEdge.Edge replay --readings last-season.csv --rules rules.json",
    ];

    /// <summary>The <c>replay</c> sub-command.</summary>
    public static Command Create()
    {
        var readings = new Option<string>("--readings")
        {
            Description = $"The recorded series: CSV with the header {Header}; time ISO 8601 with an offset, smoke as the ratio to the clean-air baseline",
            HelpName = "FILE.csv",
        };
        var rules = new Option<string>("--rules") { Description = "Alert rules (JSON) to try instead of the shipped defaults", HelpName = "FILE.json" };
        var printRules = new Option<bool>("--print-default-rules") { Description = "Print the shipped rules as a starting rules file, and exit" };
        var command = new Command("replay", "Runs the gateway's alert engine over a recorded series, with no hardware and no network, and prints each alert transition as one JSON line; a summary and any bad line go to stderr.")
        {
            readings, rules, printRules,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(readings) is null && result.GetResult(printRules) is null)
                result.AddError("--readings is missing: expected --readings FILE.csv (or --print-default-rules)");
        });
        command.SetAction(result => result.GetValue(printRules)
            ? PrintDefaultRules(result.InvocationConfiguration.Output)
            : Run(result.GetRequiredValue(readings), result.GetValue(rules), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return command;
    }

    private static int PrintDefaultRules(TextWriter stdout)
    {
        stdout.WriteLine(AlertRules.Defaults().ToJson());
        stdout.Flush();
        return 0;
    }

    /// <summary>Replays <paramref name="readings"/> through the rules in <paramref name="rulesFile"/> (the defaults when null).</summary>
    public static int Run(string readings, string? rulesFile, TextWriter stdout, TextWriter stderr)
    {
        AlertRules rules;
        if (rulesFile is null) rules = AlertRules.Defaults();
        else if (AlertRules.Load(rulesFile, out var errors) is { } loaded) rules = loaded;
        else
        {
            stderr.WriteLine($"replay: invalid rules in {rulesFile} ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):");
            foreach (var e in errors) stderr.WriteLine($"  {e}");
            return 2;
        }

        StreamReader reader;
        try { reader = new StreamReader(readings); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            stderr.WriteLine($"replay: cannot read {readings}: {e.Message}");
            return 2;
        }

        // Last season's readings are the timeline: the engine's time is their stamps, not this machine's clock.
        var engine = new AlertEngine(rules, AlertClock.RecordedTimeline());
        var sensors = new HashSet<string>(StringComparer.Ordinal);
        long lineNumber = 0, read = 0, bad = 0, transitions = 0;
        using (reader)
        {
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                if (line.Length == 0 || line.StartsWith('#')) continue;
                if (lineNumber == 1 && line.Trim().Equals(Header, StringComparison.OrdinalIgnoreCase)) continue;
                if (ParseLine(line, out var reading) is { } problem)
                {
                    bad++;
                    stderr.WriteLine($"replay: line {lineNumber}: {problem}");
                    continue;
                }
                read++;
                sensors.Add(reading!.SensorId);
                foreach (var t in engine.Observe(reading))
                {
                    transitions++;
                    stdout.WriteLine(ToJsonLine(t));
                }
            }
        }
        stdout.Flush();
        stderr.WriteLine($"replay: {read} readings, {bad} bad lines, {engine.Ignored} out of order ignored, {transitions} transitions, {engine.Active.Count} alerts still active");
        if (read == 0)
        {
            stderr.WriteLine($"replay: nothing replayed: {readings} holds no valid reading ({bad} bad lines); expected CSV lines {Header}");
            return 1;
        }
        foreach (var problem in RuleSensors.Unmatched(rules, sensors, "sensors in the readings"))
            stderr.WriteLine($"replay: warning: {problem}");
        return 0;
    }

    /// <summary>One transition as a JSON object on one line: time, alert, rule, kind, state, severity, sensor, quantity, values.</summary>
    public static string ToJsonLine(AlertTransition t)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("time", t.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
            w.WriteString("alert", t.AlertId);
            w.WriteString("rule", t.RuleId);
            w.WriteString("kind", Snake(t.Kind.ToString()));
            w.WriteString("state", Snake(t.State.ToString()));
            w.WriteString("severity", Snake(t.Severity.ToString()));
            if (t.PreviousSeverity is { } previous) w.WriteString("previous_severity", Snake(previous.ToString()));
            w.WriteString("sensor", t.Sensor);
            w.WriteString("quantity", t.Quantity);
            if (t.AcknowledgedBy is { } by) w.WriteString("acknowledged_by", by);
            w.WriteStartObject("values");
            foreach (var v in t.Values)
            {
                // NaN (a condition with no data yet) is not JSON.
                if (double.IsFinite(v.Value)) w.WriteNumber(v.Name, Math.Round(v.Value, 3));
                else w.WriteNull(v.Name);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string Snake(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    /// <summary>Null and the reading, or the problem naming the field.</summary>
    private static string? ParseLine(string line, out Reading? reading)
    {
        reading = null;
        var fields = line.Split(',');
        if (fields.Length != 4) return $"expected 4 fields ({Header}), found {fields.Length}";
        var (timeText, sensor, quantity, valueText) = (fields[0].Trim(), fields[1].Trim(), fields[2].Trim(), fields[3].Trim());
        if (!HasOffset(timeText) || !DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            return $"field time: '{timeText}' is not an ISO 8601 time with an offset (e.g. 2025-10-12T08:00:00+08:00)";
        if (sensor.Length == 0) return "field sensor: empty; expected a sensor id";
        if (!Quantities.IsKnown(quantity)) return $"field quantity: '{quantity}' is not a known quantity ({string.Join(", ", Quantities.All)})";
        if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            return $"field value: '{valueText}' is not a finite number";
        // The smoke column is the MQ-2 ratio to its clean-air baseline, as the gateway's smoke driver reports it.
        var unit = quantity == Quantities.Smoke ? "ratio" : Quantities.DefaultUnit(quantity);
        reading = new Reading(sensor, quantity, unit, value, null, DataFlag.Normal, time, ClockQuality.NetworkSynced);
        return null;
    }

    private static bool HasOffset(string time)
    {
        var t = time.IndexOf('T');
        if (t < 0) return false;
        var rest = time.AsSpan(t);
        return rest.EndsWith("Z", StringComparison.OrdinalIgnoreCase) || rest.LastIndexOfAny('+', '-') > 0;
    }
}
