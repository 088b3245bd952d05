using System.Text.Json;
using System.Text.Json.Serialization;
using GridEdge.Protocol.Records;

namespace GridEdge.Server.Alarms;

/// <summary>
/// What a problem shows of the alert that opened it: the quantity charted, the measured value against its threshold (null when
/// the rule has none, as a composite straw-burning rule), its unit and time, and every figure the gateway sent.
/// </summary>
public sealed record AlertFigures(
    string Gateway,
    string AlertId,
    string RuleId,
    AlertKind Kind,
    AlertSeverity Severity,
    string Sensor,
    string Quantity,
    string ChartQuantity,
    double? Value,
    double? Threshold,
    string? Unit,
    DateTimeOffset At,
    IReadOnlyDictionary<string, double> Values)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) } };

    // Figures that describe the rule, not the air.
    private static readonly string[] RuleFigures = ["threshold", "window_seconds", "min", "max"];

    /// <summary>The figures of an alert transition of <paramref name="gateway"/>.</summary>
    public static AlertFigures Of(string gateway, Alert alert)
    {
        var chart = ChartQuantityOf(alert.Quantity);
        // Non-finite figures (a sensor-health rule's missing bound) have no JSON number.
        var values = alert.Values.Where(v => double.IsFinite(v.Value)).GroupBy(v => v.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value);
        var measured = alert.Values.Where(v => double.IsFinite(v.Value) && !RuleFigures.Contains(v.Name)).ToList();
        // The measure of the charted quantity ("pm2_5_rise_per_minute"), else the first measure ("mean").
        var pick = measured.FindIndex(v => v.Name.StartsWith(chart + "_", StringComparison.Ordinal));
        if (pick < 0 && measured.Count > 0) pick = 0;
        double? value = pick >= 0 ? measured[pick].Value : null;
        double? threshold = values.TryGetValue("threshold", out var t) ? t : null;
        return new AlertFigures(gateway, alert.AlertId, alert.RuleId, alert.AlertKind, alert.Severity, alert.SensorId, alert.Quantity, chart, value, threshold,
            Quantities.UnitsOf(chart).FirstOrDefault(), alert.Timestamp, values);
    }

    /// <summary>
    /// The quantity a chart of the alert shows: the quantity itself, or of a composite rule ("smoke+pm2_5") the particulate
    /// part, whose rise the rule watches, else the last part.
    /// </summary>
    public static string ChartQuantityOf(string quantity)
    {
        var parts = quantity.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.FirstOrDefault(p => p.StartsWith("pm", StringComparison.Ordinal)) ?? parts.LastOrDefault() ?? quantity;
    }

    /// <summary>The figures as the problem stores and shows them.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The figures read back from a problem, or null when it has none or they cannot be read.</summary>
    public static AlertFigures? FromJson(JsonElement? json)
    {
        if (json is not { ValueKind: JsonValueKind.Object } element) return null;
        try { return element.Deserialize<AlertFigures>(Json); }
        catch (JsonException) { return null; }
    }
}
