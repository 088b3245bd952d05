using GridEdge.Protocol.Records;

namespace GridEdge.Server.Alerts;

/// <summary>One named figure behind an alert.</summary>
public sealed record AlertValueView(string Name, double Value);

/// <summary>An alert as /api/alerts returns it: the aggregate of its transitions.</summary>
public sealed record AlertView(
    string Gateway,
    string AlertId,
    string Rule,
    AlertKind Kind,
    AlertSeverity Severity,
    string State,
    string Sensor,
    string Quantity,
    IReadOnlyList<AlertValueView> Values,
    DateTimeOffset OpenedAt,
    DateTimeOffset? RaisedAt,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    DateTimeOffset? ClearedAt,
    double? ResponseMinutes,
    DateTimeOffset ReceivedAt)
{
    public static AlertView From(StoredAlert a) => new(
        a.Gateway, a.AlertId, a.RuleId, a.Kind, a.Severity,
        a.ClearedAt is not null ? "cleared" : a.AcknowledgedAt is not null ? "acknowledged" : "raised",
        a.Sensor, a.Quantity, a.Values.Select(v => new AlertValueView(v.Name, v.Value)).ToList(),
        a.OpenedAt, a.RaisedAt, a.AcknowledgedAt, a.AcknowledgedBy, a.ClearedAt,
        a.ResponseTime is { } r ? Math.Round(r.TotalMinutes, 2) : null, a.ReceivedAt);
}

/// <summary>The body of /api/alerts.</summary>
public sealed record AlertPageView(IReadOnlyList<AlertView> Items, string? NextCursor);

/// <summary>The response-time rule in force.</summary>
public sealed record ResponseRuleView(string WorkingHours, string WorkingDays, string UtcOffset, int WorkingHoursLimitMinutes, int OtherLimitMinutes);

/// <summary>The body of /api/alerts/response-times: per gateway and ISO week.</summary>
public sealed record ResponseTimesView(ResponseRuleView Rule, IReadOnlyList<ResponseTimeFigures> Items)
{
    /// <summary>The period asked for (week= or period=), absent without one.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? PeriodFrom { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? PeriodTo { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? DueAt { get; init; }
}
