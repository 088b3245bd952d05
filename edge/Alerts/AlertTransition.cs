using System.Text.Json.Serialization;
using GridEdge.Protocol.Codecs;

namespace GridEdge.Edge.Alerts;

/// <summary>What an alert is about; the three kinds the gateway raises on its own.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<AlertKind>))]
public enum AlertKind
{
    /// <summary>扬尘: a dust (PM10 / PM2.5) exceedance.</summary>
    Dust,
    /// <summary>秸秆焚烧: smoke together with a steep PM2.5 rise.</summary>
    StrawBurning,
    /// <summary>A sensor that sends nothing, repeats itself or reports impossible values.</summary>
    SensorFault,
}

/// <summary>How urgent an alert is; ordered, so a higher value is more urgent.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<AlertSeverity>))]
public enum AlertSeverity
{
    Info = 0,
    Warning = 1,
    Critical = 2,
}

/// <summary>The lifecycle step a transition records.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<AlertState>))]
public enum AlertState
{
    /// <summary>Raised, or escalated to a higher severity (then <see cref="AlertTransition.PreviousSeverity"/> is set).</summary>
    Raised,
    /// <summary>Someone acknowledged it (the local button, or later the server); it stays active until cleared.</summary>
    Acknowledged,
    /// <summary>The condition has gone for the rule's hold time.</summary>
    Cleared,
}

/// <summary>One named figure behind a transition, e.g. ("mean", 182.4) or ("threshold", 150).</summary>
public readonly record struct AlertValue(string Name, double Value);

/// <summary>One step in the life of one alert, as the engine emits it.</summary>
/// <param name="Time">When it happened: the timestamp of the reading that caused it (or of the acknowledgement).</param>
/// <param name="AlertId">Stable for the alert's whole life: "{rule}|{sensor}|{quantity}|{raised at, Unix ms}".</param>
/// <param name="RuleId">The rule that raised it.</param>
/// <param name="Kind">dust, straw_burning or sensor_fault.</param>
/// <param name="State">raised, acknowledged or cleared.</param>
/// <param name="Severity">The alert's severity after this transition.</param>
/// <param name="Sensor">The sensor (or "a+b" for a rule over a group of sensors).</param>
/// <param name="Quantity">The quantity the rule watches (the first condition's for a composite rule).</param>
/// <param name="Values">The figures that caused the transition.</param>
/// <param name="PreviousSeverity">For an escalation, the severity before it; otherwise null.</param>
/// <param name="AcknowledgedBy">For an acknowledgement, who or what acknowledged (e.g. "button").</param>
public sealed record AlertTransition(
    DateTimeOffset Time,
    string AlertId,
    string RuleId,
    AlertKind Kind,
    AlertState State,
    AlertSeverity Severity,
    string Sensor,
    string Quantity,
    IReadOnlyList<AlertValue> Values,
    AlertSeverity? PreviousSeverity = null,
    string? AcknowledgedBy = null)
{
    /// <summary>Whether this raise is an escalation of an alert already active.</summary>
    public bool IsEscalation => State == AlertState.Raised && PreviousSeverity is not null;
}
