using GridEdge.Protocol.Records;

namespace GridEdge.Edge.Alerts;

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
