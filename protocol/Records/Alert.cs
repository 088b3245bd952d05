using System.Text.Json.Serialization;
using GridEdge.Protocol.Codecs;

namespace GridEdge.Protocol.Records;

/// <summary>What an alert is about; the three kinds a gateway raises on its own.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<AlertKind>))]
public enum AlertKind : byte
{
    /// <summary>扬尘: a dust (PM10 / PM2.5) exceedance.</summary>
    Dust = 0,
    /// <summary>秸秆焚烧: smoke together with a steep PM2.5 rise.</summary>
    StrawBurning = 1,
    /// <summary>A sensor that sends nothing, repeats itself or reports impossible values.</summary>
    SensorFault = 2,
}

/// <summary>How urgent an alert is; ordered, so a higher value is more urgent.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<AlertSeverity>))]
public enum AlertSeverity : byte
{
    Info = 0,
    Warning = 1,
    Critical = 2,
}

/// <summary>The lifecycle step an alert record reports.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<AlertState>))]
public enum AlertState : byte
{
    /// <summary>Raised, or escalated to a higher severity (a second raise of the same alert id with the new severity).</summary>
    Raised = 0,
    /// <summary>Someone acknowledged it (the local button, or later the server); it stays active until cleared.</summary>
    Acknowledged = 1,
    /// <summary>The condition has gone for the rule's hold time.</summary>
    Cleared = 2,
}

/// <summary>One named figure behind an alert transition, e.g. ("mean", 182.4) or ("threshold", 150).</summary>
public readonly record struct AlertValue(string Name, double Value);

/// <summary>
/// One step in the life of one alert (raised, escalated, acknowledged, cleared), as the gateway sends it on the
/// <c>alerts</c> stream. Every transition of one alert carries the same <see cref="AlertId"/>.
/// </summary>
/// <param name="AlertId">Stable for the alert's whole life (the engine's "{rule}|{sensor}|{quantity}|{raised at, Unix ms}").</param>
/// <param name="RuleId">The rule that raised it.</param>
/// <param name="AlertKind">dust, straw_burning or sensor_fault ("alertKind" on the wire: "kind" names the record kind).</param>
/// <param name="State">raised, acknowledged or cleared.</param>
/// <param name="Severity">The alert's severity after this transition.</param>
/// <param name="SensorId">The sensor (or "a+b" for a rule over a group of sensors).</param>
/// <param name="Quantity">The quantity the rule watches ("smoke+pm2_5" for a composite rule).</param>
/// <param name="Values">The figures that caused the transition (e.g. measure and threshold).</param>
/// <param name="AcknowledgedBy">Who or what acknowledged ("button"); set on acknowledged transitions only.</param>
public sealed record Alert(
    string AlertId,
    string RuleId,
    AlertKind AlertKind,
    AlertState State,
    AlertSeverity Severity,
    string SensorId,
    string Quantity,
    IReadOnlyList<AlertValue> Values,
    DateTimeOffset Timestamp,
    ClockQuality Clock,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AcknowledgedBy = null) : Record(Timestamp, Clock)
{
    public bool Equals(Alert? other) =>
        other is not null && AlertId == other.AlertId && RuleId == other.RuleId && AlertKind == other.AlertKind && State == other.State &&
        Severity == other.Severity && SensorId == other.SensorId && Quantity == other.Quantity &&
        (Values is null ? other.Values is null : other.Values is not null && Values.SequenceEqual(other.Values)) &&
        AcknowledgedBy == other.AcknowledgedBy && Timestamp == other.Timestamp && Clock == other.Clock;

    public override int GetHashCode() => HashCode.Combine(AlertId, State, Severity, Timestamp);
}
