using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Codecs;

/// <summary>Checks a decoded message against the protocol's rules, naming the first field that breaks one.</summary>
public static partial class Validation
{
    public const int MaxRecordsPerBatch = 10_000;
    public const int MaxIdLength = 64;
    /// <summary>HJ 212 monitors one gateway status may list.</summary>
    public const int MaxMonitors = 4096;
    /// <summary>Alert ids, sensor groups ("a+b") and composite quantities may be longer than an id.</summary>
    public const int MaxAlertTextLength = 256;
    /// <summary>Named values one alert record may carry.</summary>
    public const int MaxAlertValues = 16;
    /// <summary>Gap notes one gateway status may carry.</summary>
    public const int MaxGapNotes = 256;

    public static DecodeError? Check(IWireMessage message) => message switch
    {
        Batch b => CheckBatch(b),
        GatewayStatus s => CheckGatewayId(s.GatewayId) ?? CheckText("softwareVersion", s.SoftwareVersion) ?? CheckText("configVersion", s.ConfigVersion) ?? CheckMonitors(s.Monitors) ?? CheckGapNotes(s.GapNotes),
        Ack a => CheckAck(a),
        Command c => CheckCommand(c),
        GatewayConfig g => CheckGatewayId(g.GatewayId)
            ?? (string.IsNullOrEmpty(g.Version) || g.Version.Length > MaxIdLength ? new DecodeError("version", $"'{g.Version}' must be 1-{MaxIdLength} characters") : null)
            ?? CheckRules(g.AlertRules)
            ?? (g.Terminals is { Length: > MaxTerminalsLength } t ? new DecodeError("terminals", $"{t.Length} characters, more than {MaxTerminalsLength}") : null),
        _ => new DecodeError("type", $"unknown message type {message.GetType().Name}"),
    };

    private static DecodeError? CheckGatewayId(string? id) =>
        GatewayIds.IsValid(id) ? null : new DecodeError("gatewayId", $"'{id}' is not a gateway id ({GatewayIds.Rule})");

    private static DecodeError? CheckText(string field, string? value) =>
        value is null ? new DecodeError(field, "missing") : value.Length > MaxIdLength ? new DecodeError(field, $"longer than {MaxIdLength} characters") : null;

    private static DecodeError? CheckStream(string? stream) =>
        stream is not null && Streams.IsKnown(stream) ? null : new DecodeError("stream", $"'{stream}' is not one of {string.Join(", ", Streams.All)}");

    private static DecodeError? CheckMonitors(IReadOnlyList<MonitorStatus>? monitors)
    {
        if (monitors is null) return null;
        if (monitors.Count > MaxMonitors) return new DecodeError("monitors", $"{monitors.Count} monitors, more than {MaxMonitors}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < monitors.Count; i++)
        {
            var m = monitors[i];
            if (m is null) return new DecodeError($"monitors[{i}]", "null");
            if (string.IsNullOrEmpty(m.Mn) || m.Mn.Length > MaxIdLength) return new DecodeError($"monitors[{i}].mn", $"'{m.Mn}' must be 1-{MaxIdLength} characters");
            if (!seen.Add(m.Mn)) return new DecodeError($"monitors[{i}].mn", $"'{m.Mn}' is listed twice");
            if (m.Station is { Length: > MaxIdLength }) return new DecodeError($"monitors[{i}].station", $"longer than {MaxIdLength} characters");
            if (m.ConformanceWarnings < 0) return new DecodeError($"monitors[{i}].conformanceWarnings", $"{m.ConformanceWarnings} is not a count (0 or more)");
        }
        return null;
    }

    private static DecodeError? CheckGapNotes(IReadOnlyList<GapNote>? notes)
    {
        if (notes is null) return null;
        if (notes.Count > MaxGapNotes) return new DecodeError("gapNotes", $"{notes.Count} notes, more than {MaxGapNotes}");
        for (var i = 0; i < notes.Count; i++)
        {
            var n = notes[i];
            if (n is null) return new DecodeError($"gapNotes[{i}]", "null");
            if (n.Stream is null || !Streams.IsKnown(n.Stream)) return new DecodeError($"gapNotes[{i}].stream", $"'{n.Stream}' is not one of {string.Join(", ", Streams.All)}");
            if (n.From < 1 || n.To < n.From) return new DecodeError($"gapNotes[{i}]", $"{n.From}-{n.To} is not a range of sequence numbers >= 1");
            if (!GapReasons.IsKnown(n.Reason)) return new DecodeError($"gapNotes[{i}].reason", $"'{n.Reason}' is not one of {string.Join(", ", GapReasons.All)}");
        }
        return null;
    }

    private static DecodeError? CheckAck(Ack a)
    {
        var error = CheckGatewayId(a.GatewayId) ?? CheckStream(a.Stream);
        if (error is not null) return error;
        if (a.Ranges is null || a.Ranges.Count == 0) return new DecodeError("ranges", "an ack needs at least one range");
        for (var i = 0; i < a.Ranges.Count; i++)
        {
            var r = a.Ranges[i];
            if (r.From < 1 || r.To < r.From) return new DecodeError($"ranges[{i}]", $"{r.From}-{r.To} is not a range of sequence numbers >= 1");
        }
        return null;
    }

    private static DecodeError? CheckBatch(Batch b)
    {
        var error = CheckGatewayId(b.GatewayId) ?? CheckStream(b.Stream);
        if (error is not null) return error;
        if (b.FirstSeq < 1) return new DecodeError("firstSeq", $"{b.FirstSeq} is below 1");
        if (b.Records is null || b.Records.Count == 0) return new DecodeError("records", "a batch needs at least one record");
        if (b.Records.Count > MaxRecordsPerBatch) return new DecodeError("records", $"{b.Records.Count} records, more than {MaxRecordsPerBatch}");
        for (var i = 0; i < b.Records.Count; i++)
        {
            var record = b.Records[i];
            if (record is null) return new DecodeError($"records[{i}]", "null");
            if (!Streams.Accepts(b.Stream, record))
                return new DecodeError($"records[{i}].kind", $"a {record.GetType().Name} does not belong on stream '{b.Stream}' (it carries {Streams.Carries(b.Stream)})");
            if (CheckRecord(record) is { } e) return e with { Field = $"records[{i}].{e.Field}" };
        }
        return null;
    }

    /// <summary>The longest detail a command result may carry (validation errors of a rejected configuration), in characters.</summary>
    public const int MaxDetailLength = 8192;
    /// <summary>The largest alert rules document a configuration may carry, in characters.</summary>
    public const int MaxRulesLength = 256 * 1024;

    private static DecodeError? CheckCommand(Command c)
    {
        // The name is not checked against the known commands: a gateway answers an unknown one with a rejection.
        if (string.IsNullOrEmpty(c.Id) || c.Id.Length > MaxIdLength) return new DecodeError("id", $"'{c.Id}' must be 1-{MaxIdLength} characters");
        var error = CheckGatewayId(c.GatewayId);
        if (error is not null) return error;
        if (string.IsNullOrEmpty(c.Name) || c.Name.Length > MaxIdLength) return new DecodeError("name", $"'{c.Name}' must be 1-{MaxIdLength} characters");
        if (c.AlertId is { } a && (a.Length == 0 || a.Length > MaxAlertTextLength)) return new DecodeError("alertId", $"'{a}' must be 1-{MaxAlertTextLength} characters");
        if (c.By is { } by && (by.Length == 0 || by.Length > MaxIdLength)) return new DecodeError("by", $"'{by}' must be 1-{MaxIdLength} characters");
        return null;
    }

    private static DecodeError? CheckRules(string? rules) =>
        rules is null ? new DecodeError("alertRules", "missing")
        : rules.Length > MaxRulesLength ? new DecodeError("alertRules", $"{rules.Length} characters, more than {MaxRulesLength}") : null;

    public static DecodeError? CheckCommandResult(CommandResult c)
    {
        if (string.IsNullOrEmpty(c.CommandId) || c.CommandId.Length > MaxIdLength) return new DecodeError("commandId", $"'{c.CommandId}' must be 1-{MaxIdLength} characters");
        if (string.IsNullOrEmpty(c.Name) || c.Name.Length > MaxIdLength) return new DecodeError("name", $"'{c.Name}' must be 1-{MaxIdLength} characters");
        if (!Enum.IsDefined(c.Outcome)) return new DecodeError("outcome", $"{(int)c.Outcome} is not an outcome (ok, rejected, failed)");
        if (c.Detail is null) return new DecodeError("detail", "missing");
        if (c.Detail.Length > MaxDetailLength) return new DecodeError("detail", $"{c.Detail.Length} characters, more than {MaxDetailLength}");
        if (!Enum.IsDefined(c.Clock)) return new DecodeError("clock", $"{(int)c.Clock} is not a clock quality");
        return null;
    }

    public static DecodeError? CheckReading(Reading r)
    {
        if (string.IsNullOrEmpty(r.SensorId) || r.SensorId.Length > MaxIdLength) return new DecodeError("sensorId", $"'{r.SensorId}' must be 1-{MaxIdLength} characters");
        if (r.Quantity is null || !Quantities.IsKnown(r.Quantity)) return new DecodeError("quantity", $"'{r.Quantity}' is not one of {string.Join(", ", Quantities.All)} or {Quantities.UnmappedPrefix}{{code}}");
        if (r.Unit is null || !Quantities.IsValidUnit(r.Quantity, r.Unit))
            return new DecodeError("unit", $"'{r.Unit}' is not a unit of {r.Quantity} (expected {string.Join(" or ", Quantities.UnitsOf(r.Quantity))})");
        if (!double.IsFinite(r.Value)) return new DecodeError("value", $"{r.Value} is not a finite number");
        if (!Enum.IsDefined(r.Flag)) return new DecodeError("flag", $"{(int)r.Flag} is not a data flag");
        if (!Enum.IsDefined(r.Clock)) return new DecodeError("clock", $"{(int)r.Clock} is not a clock quality");
        if (r.Window is { } w)
        {
            if (!double.IsFinite(w.Min) || !double.IsFinite(w.Avg) || !double.IsFinite(w.Max)) return new DecodeError("window", "min, avg and max must be finite numbers");
            if (!(w.Min <= w.Avg && w.Avg <= w.Max)) return new DecodeError("window", $"min {w.Min} <= avg {w.Avg} <= max {w.Max} does not hold");
            if (w.Avg != r.Value) return new DecodeError("value", $"{r.Value} differs from the window's avg {w.Avg}");
            if (w.Count < 1) return new DecodeError("window.count", $"{w.Count} is below 1");
            if (w.WindowSeconds < 1) return new DecodeError("window.windowSeconds", $"{w.WindowSeconds} is below 1");
        }
        return null;
    }

    public static DecodeError? CheckAlert(Alert a)
    {
        static bool Text(string? s, int max) => !string.IsNullOrEmpty(s) && s.Length <= max;
        if (!Text(a.AlertId, MaxAlertTextLength)) return new DecodeError("alertId", $"'{a.AlertId}' must be 1-{MaxAlertTextLength} characters");
        if (!Text(a.RuleId, MaxIdLength)) return new DecodeError("ruleId", $"'{a.RuleId}' must be 1-{MaxIdLength} characters");
        if (!Enum.IsDefined(a.AlertKind)) return new DecodeError("alertKind", $"{(int)a.AlertKind} is not an alert kind (dust, straw_burning, sensor_fault)");
        if (!Enum.IsDefined(a.State)) return new DecodeError("state", $"{(int)a.State} is not an alert state (raised, acknowledged, cleared)");
        if (!Enum.IsDefined(a.Severity)) return new DecodeError("severity", $"{(int)a.Severity} is not a severity (info, warning, critical)");
        if (!Text(a.SensorId, MaxAlertTextLength)) return new DecodeError("sensorId", $"'{a.SensorId}' must be 1-{MaxAlertTextLength} characters");
        // A composite rule watches several quantities: "smoke+pm2_5".
        if (!Text(a.Quantity, MaxAlertTextLength) || a.Quantity.Split('+').Any(q => !Quantities.IsKnown(q)))
            return new DecodeError("quantity", $"'{a.Quantity}' is not one of {string.Join(", ", Quantities.All)}, or several joined by '+'");
        if (a.Values is null) return new DecodeError("values", "missing");
        if (a.Values.Count > MaxAlertValues) return new DecodeError("values", $"{a.Values.Count} values, more than {MaxAlertValues}");
        for (var i = 0; i < a.Values.Count; i++)
        {
            var v = a.Values[i];
            if (!Text(v.Name, MaxIdLength)) return new DecodeError($"values[{i}].name", $"'{v.Name}' must be 1-{MaxIdLength} characters");
            if (!double.IsFinite(v.Value)) return new DecodeError($"values[{i}].value", $"{v.Value} is not a finite number");
        }
        if (a.State == AlertState.Acknowledged && !Text(a.AcknowledgedBy, MaxIdLength))
            return new DecodeError("acknowledgedBy", $"'{a.AcknowledgedBy}' must be 1-{MaxIdLength} characters on an acknowledged alert");
        if (a.State != AlertState.Acknowledged && a.AcknowledgedBy is not null)
            return new DecodeError("acknowledgedBy", $"set on a {a.State.ToString().ToLowerInvariant()} alert; only acknowledged alerts name who acknowledged");
        if (!Enum.IsDefined(a.Clock)) return new DecodeError("clock", $"{(int)a.Clock} is not a clock quality");
        return null;
    }
}
