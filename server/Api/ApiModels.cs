using GridEdge.Protocol.Records;
using GridEdge.Server.Alerts;
using GridEdge.Server.Ingest;
using GridEdge.Server.Ledgers;

namespace GridEdge.Server.Api;

/// <summary>A 400/404 body: what was wrong, the parameter, the value given and what was expected.</summary>
public sealed record ApiError(string Error, string Field, string? Value, string Expected);

/// <summary>The body of /health.</summary>
public sealed record HealthResponse(string Status, LedgerHealth Ledger, BrokerHealth Broker, IngestMetricsSnapshot Ingest);
/// <summary>Whether the ledger answered.</summary>
public sealed record LedgerHealth(bool Reachable, string? Error);
/// <summary>Whether the broker side is up.</summary>
public sealed record BrokerHealth(string Mode, bool Running, string Description);

/// <summary>One stream of a gateway in /api/gateways.</summary>
public sealed record StreamView(string Stream, long LastSeq, long Stored, long Gaps, long Missing);

/// <summary>A gateway as /api/gateways lists it.</summary>
public sealed record GatewayView(
    string Id,
    bool Online,
    DateTimeOffset? LastSeen,
    string? SoftwareVersion,
    string? ConfigVersion,
    Guid? BootId,
    DateTimeOffset? StatusAt,
    IReadOnlyDictionary<string, long> LastSeq,
    long GapCount,
    IReadOnlyList<StreamView> Streams)
{
    public static GatewayView From(GatewaySummary g) => new(
        g.Id, g.Online, g.LastSeen, g.SoftwareVersion, g.ConfigVersion, g.BootId, g.StatusAt,
        g.Streams.ToDictionary(s => s.Stream, s => s.LastSeq),
        g.GapCount,
        g.Streams.Select(s => new StreamView(s.Stream, s.LastSeq, s.Stored, s.Gaps, s.Missing)).ToList());
}

/// <summary>A missing range as /api/gateways/{id}/gaps returns it; reason is null when the records may still arrive.</summary>
public sealed record GapView(long From, long To, long Count, string? Reason);
/// <summary>The body of /api/gateways/{id}/gaps.</summary>
public sealed record GapsView(string Gateway, string Stream, IReadOnlyList<GapView> Gaps, long Missing);

/// <summary>The aggregate window of a reading.</summary>
public sealed record WindowView(double Min, double Avg, double Max, int Count, int WindowSeconds);

/// <summary>A stored reading as /api/readings returns it.</summary>
public sealed record ReadingView(
    string Gateway,
    string Stream,
    long Seq,
    string Sensor,
    string Quantity,
    string Unit,
    double Value,
    WindowView? Window,
    DataFlag Flag,
    DateTimeOffset Timestamp,
    ClockQuality Clock,
    DateTimeOffset ReceivedAt)
{
    public static ReadingView From(StoredReading r) => new(
        r.Gateway, r.Stream, r.Seq, r.Sensor, r.Quantity, r.Unit, r.Value,
        r is { Min: { } min, Avg: { } avg, Max: { } max, Count: { } count, WindowSeconds: { } seconds } ? new WindowView(min, avg, max, count, seconds) : null,
        r.Flag, r.Timestamp, r.Clock, r.ReceivedAt);
}

/// <summary>The body of /api/readings.</summary>
public sealed record ReadingPageView(IReadOnlyList<ReadingView> Items, string? NextCursor);

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
public sealed record ResponseTimesView(ResponseRuleView Rule, IReadOnlyList<ResponseTimeFigures> Items);
