using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Ledgers;

namespace GridEdge.Server.Alerts;

/// <summary>
/// One alert as the alert ledger aggregates its transitions: the highest severity reached, the figures of the raise
/// that reached it, and when it was raised, acknowledged (by whom) and cleared.
/// </summary>
/// <param name="OpenedAt">The earliest transition time seen: the raise, or whatever arrived of an alert whose raise is missing (the sort key).</param>
/// <param name="ReceivedAt">When the server received the first transition of the alert.</param>
/// <param name="LastSeq">The highest alerts-stream sequence number that changed this alert.</param>
public sealed record StoredAlert(
    string Gateway,
    string AlertId,
    string RuleId,
    AlertKind Kind,
    AlertSeverity Severity,
    string Sensor,
    string Quantity,
    IReadOnlyList<AlertValue> Values,
    DateTimeOffset OpenedAt,
    DateTimeOffset? RaisedAt,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    DateTimeOffset? ClearedAt,
    long LastSeq,
    DateTimeOffset ReceivedAt)
{
    /// <summary>Not cleared yet.</summary>
    public bool Open => ClearedAt is null;

    /// <summary>Acknowledged minus raised, when both are known.</summary>
    public TimeSpan? ResponseTime => RaisedAt is { } raised && AcknowledgedAt is { } ack ? ack - raised : null;
}

/// <summary>Which alerts a query returns by lifecycle.</summary>
public enum AlertStateFilter
{
    All,
    /// <summary>Not cleared.</summary>
    Open,
    /// <summary>Cleared.</summary>
    Closed,
}

/// <summary>An alert transition as it arrived: gateway, seq, which alert, its state, severity and kind, its time and arrival.</summary>
public sealed record AlertArrival(string Gateway, long Seq, string AlertId, AlertState State, AlertSeverity Severity, AlertKind Kind, DateTimeOffset Timestamp,
    long ReceivedAtMs);

/// <summary>Filters and paging of an alert query; <see cref="From"/> (inclusive) and <see cref="To"/> (exclusive) bound <see cref="StoredAlert.OpenedAt"/>;
/// <see cref="Gateways"/>, when given, limits the listing to those gateways (the caller's scope).</summary>
public sealed record AlertQuery(
    string? Gateway = null,
    AlertStateFilter State = AlertStateFilter.All,
    AlertSeverity? Severity = null,
    AlertKind? Kind = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Limit = AlertQuery.DefaultLimit,
    string? Cursor = null,
    IReadOnlyList<string>? Gateways = null)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
}

/// <summary>One page of alerts, open ones first, then newest first; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record AlertPage(IReadOnlyList<StoredAlert> Items, string? NextCursor);

/// <summary>The opaque keyset cursor of an alert page: the sort key (closed, opened at, gateway, alert id) of the last alert.</summary>
public readonly record struct AlertCursor(bool Closed, long OpenedAtMs, string Gateway, string AlertId)
{
    public string Encode()
    {
        return CursorText.Encode(string.Create(CultureInfo.InvariantCulture, $"a1|{(Closed ? 1 : 0)}|{OpenedAtMs}|{Gateway}|{AlertId}"));
    }

    public static AlertCursor From(StoredAlert a) => new(!a.Open, a.OpenedAt.ToUnixTimeMilliseconds(), a.Gateway, a.AlertId);

    public static bool TryDecode(string? cursor, [NotNullWhen(true)] out AlertCursor? value)
    {
        value = null;
        // The alert id may itself hold '|': it is everything after the fourth separator.
        if (!CursorText.TryDecode(cursor, 1024, 5, out var parts) || parts[0] != "a1" || (parts[1] != "0" && parts[1] != "1")) return false;
        if (!long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var at)) return false;
        if (!GatewayIds.IsValid(parts[3]) || parts[4].Length == 0) return false;
        value = new AlertCursor(parts[1] == "1", at, parts[3], parts[4]);
        return true;
    }
}
