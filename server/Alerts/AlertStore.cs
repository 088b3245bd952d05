using System.Data.Common;
using System.Text;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Ledgers;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Alerts;

/// <summary>The alert ledger over a <see cref="LedgerDatabase"/> (SQLite or PostgreSQL, the same SQL).</summary>
/// <param name="followers">Each is given every newly stored transition in the commit's own transaction.</param>
public sealed class AlertStore(LedgerDatabase database, TimeProvider time, IEnumerable<IAlertFollower>? followers = null) : IAlertStore
{
    private readonly IAlertFollower[] _followers = [.. followers ?? []];

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AlertArrival>> ArrivedSinceAsync(long receivedFromMs, int limit, CancellationToken cancellationToken = default) =>
        await database.ReadAsync(c => Sql.ListAsync(c, null, """
            SELECT gateway, seq, alert_id, state, severity, kind, ts, received_at FROM alerts
            WHERE received_at >= @from ORDER BY received_at, gateway, seq LIMIT @limit;
            """, r => new AlertArrival(r.GetString(0), r.GetInt64(1), r.GetString(2), (AlertState)r.GetInt64(3), (AlertSeverity)r.GetInt64(4), (AlertKind)r.GetInt64(5),
                Sql.Ms(r.GetInt64(6)), r.GetInt64(7)), cancellationToken, ("@from", receivedFromMs), ("@limit", limit)), cancellationToken);

    private const string AlertColumns =
        "gateway, alert_id, rule_id, kind, severity, sensor_id, quantity, alert_values, opened_at, raised_at, acknowledged_at, acknowledged_by, cleared_at, last_seq, received_at";

    public Task<CommitResult> CommitAlertsAsync(Batch batch, CancellationToken cancellationToken = default) =>
        BatchCommit.CommitAsync(database, time, batch, Streams.Alerts, async (connection, transaction, receivedAt) =>
        {
            await using var insert = Sql.Command(connection, transaction, """
                INSERT INTO alerts
                    (gateway, seq, alert_id, rule_id, kind, state, severity, sensor_id, quantity, alert_values, acknowledged_by, ts, clock, received_at)
                VALUES (@gateway, @seq, @alert, @rule, @kind, @state, @severity, @sensor, @quantity, @values, @by, @ts, @clock, @received)
                ON CONFLICT DO NOTHING;
                """);
            // In an UPDATE every alert_ledger.* is the row before the update: severity only rises, and the figures kept are
            // those of the raise that reached the highest severity; raised and acknowledged keep the earliest time, cleared the latest.
            await using var fold = Sql.Command(connection, transaction, $"""
                INSERT INTO alert_ledger
                    (gateway, alert_id, rule_id, kind, severity, sensor_id, quantity, alert_values, opened_at, raised_at, acknowledged_at, acknowledged_by, cleared_at, last_seq, received_at)
                VALUES (@gateway, @alert, @rule, @kind, @severity, @sensor, @quantity, @values, @ts, @raised, @acked, @by, @cleared, @seq, @received)
                ON CONFLICT (gateway, alert_id) DO UPDATE SET
                    alert_values = CASE WHEN excluded.raised_at IS NOT NULL AND (alert_ledger.raised_at IS NULL OR excluded.severity > alert_ledger.severity)
                                        THEN excluded.alert_values ELSE alert_ledger.alert_values END,
                    severity = {database.Greatest("alert_ledger.severity", "excluded.severity")},
                    opened_at = {database.Least("alert_ledger.opened_at", "excluded.opened_at")},
                    raised_at = {database.Least("coalesce(alert_ledger.raised_at, excluded.raised_at)", "coalesce(excluded.raised_at, alert_ledger.raised_at)")},
                    acknowledged_by = CASE WHEN excluded.acknowledged_at IS NOT NULL AND (alert_ledger.acknowledged_at IS NULL OR excluded.acknowledged_at < alert_ledger.acknowledged_at)
                                           THEN excluded.acknowledged_by ELSE alert_ledger.acknowledged_by END,
                    acknowledged_at = {database.Least("coalesce(alert_ledger.acknowledged_at, excluded.acknowledged_at)", "coalesce(excluded.acknowledged_at, alert_ledger.acknowledged_at)")},
                    cleared_at = {database.Greatest("coalesce(alert_ledger.cleared_at, excluded.cleared_at)", "coalesce(excluded.cleared_at, alert_ledger.cleared_at)")},
                    last_seq = {database.Greatest("alert_ledger.last_seq", "excluded.last_seq")};
                """);

            var added = 0;
            for (var i = 0; i < batch.Records.Count; i++)
            {
                if (batch.Records[i] is not Alert a)
                    throw new NotSupportedException($"records[{i}]: the alert ledger stores alerts only, not {batch.Records[i].GetType().Name}");
                var ts = a.Timestamp.ToUnixTimeMilliseconds();
                (string, object?)[] shared =
                [
                    ("@gateway", batch.GatewayId), ("@seq", batch.FirstSeq + i), ("@alert", a.AlertId), ("@rule", a.RuleId), ("@kind", (long)a.AlertKind),
                    ("@severity", (long)a.Severity), ("@sensor", a.SensorId), ("@quantity", a.Quantity), ("@values", ValuesToJson(a.Values)),
                    ("@by", a.AcknowledgedBy), ("@ts", ts), ("@received", receivedAt),
                ];
                Sql.Bind(insert, shared);
                Sql.Bind(insert, ("@state", (long)a.State), ("@clock", (long)a.Clock));
                // Only a transition stored for the first time changes its alert: a redelivery folds nothing twice.
                if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0) continue;
                added++;
                Sql.Bind(fold, shared);
                Sql.Bind(fold,
                    ("@raised", a.State == AlertState.Raised ? ts : null),
                    ("@acked", a.State == AlertState.Acknowledged ? ts : null),
                    ("@cleared", a.State == AlertState.Cleared ? ts : null));
                await fold.ExecuteNonQueryAsync(cancellationToken);
                foreach (var follower in _followers)
                    await follower.FollowAsync(connection, transaction, batch.GatewayId, batch.FirstSeq + i, a, receivedAt, cancellationToken);
            }
            return added;
        }, cancellationToken);

    public async Task<AlertPage> QueryAlertsAsync(AlertQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > AlertQuery.MaxLimit)
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, $"limit must be from 1 to {AlertQuery.MaxLimit}");
        AlertCursor? after = null;
        if (query.Cursor is not null && !AlertCursor.TryDecode(query.Cursor, out after))
            throw new ArgumentException($"cursor '{query.Cursor}' is not a cursor this ledger issued", nameof(query));

        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        void Add(string clause, string name, object value)
        {
            where.Add(clause);
            parameters.Add((name, value));
        }
        if (query.Gateway is not null) Add("gateway = @gateway", "@gateway", query.Gateway);
        if (query.Gateways is { } scope)
        {
            var (condition, scoped) = Sql.In("gateway", "sg", scope);
            where.Add(condition);
            parameters.AddRange(scoped);
        }
        if (query.State == AlertStateFilter.Open) where.Add("cleared_at IS NULL");
        if (query.State == AlertStateFilter.Closed) where.Add("cleared_at IS NOT NULL");
        if (query.Severity is { } severity) Add("severity = @severity", "@severity", (long)severity);
        if (query.Kind is { } kind) Add("kind = @kind", "@kind", (long)kind);
        if (query.From is { } from) Add("opened_at >= @from", "@from", from.ToUnixTimeMilliseconds());
        if (query.To is { } to) Add("opened_at < @to", "@to", to.ToUnixTimeMilliseconds());
        if (after is { } c)
        {
            // Order: open (false) before closed (true), then opened_at descending, then gateway and alert id ascending.
            // The flag is a boolean parameter: 0/1 in SQLite, a boolean in PostgreSQL, compared with (cleared_at IS NOT NULL) alike.
            where.Add("""
                ((cleared_at IS NOT NULL) > @cclosed
                 OR ((cleared_at IS NOT NULL) = @cclosed AND (opened_at < @cat OR (opened_at = @cat AND (gateway, alert_id) > (@cgateway, @calert)))))
                """);
            parameters.AddRange([("@cclosed", c.Closed), ("@cat", c.OpenedAtMs), ("@cgateway", c.Gateway), ("@calert", c.AlertId)]);
        }
        var sql = $"SELECT {AlertColumns} FROM alert_ledger" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
            " ORDER BY (cleared_at IS NOT NULL), opened_at DESC, gateway, alert_id LIMIT @limit;";
        parameters.Add(("@limit", query.Limit + 1));

        var items = await database.ReadAsync(connection => Sql.ListAsync(connection, null, sql, ReadAlert, cancellationToken, [.. parameters]), cancellationToken);
        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            next = AlertCursor.From(items[^1]).Encode();
        }
        return new AlertPage(items, next);
    }

    public async Task<IReadOnlyList<StoredAlert>> GetRaisedAlertsAsync(string? gatewayId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default)
    {
        var where = new List<string> { "raised_at IS NOT NULL" };
        var parameters = new List<(string, object?)>();
        if (gatewayId is not null) { where.Add("gateway = @gateway"); parameters.Add(("@gateway", gatewayId)); }
        if (from is { } f) { where.Add("raised_at >= @from"); parameters.Add(("@from", f.ToUnixTimeMilliseconds())); }
        if (to is { } t) { where.Add("raised_at < @to"); parameters.Add(("@to", t.ToUnixTimeMilliseconds())); }
        var sql = $"SELECT {AlertColumns} FROM alert_ledger WHERE {string.Join(" AND ", where)} ORDER BY gateway, raised_at, alert_id;";
        return await database.ReadAsync(c => Sql.ListAsync(c, null, sql, ReadAlert, cancellationToken, [.. parameters]), cancellationToken);
    }

    public async Task<long> CountAlertTransitionsAsync(string gatewayId, CancellationToken cancellationToken = default) =>
        Convert.ToInt64(await database.ReadAsync(c => Sql.ScalarAsync(c, null, "SELECT COUNT(*) FROM alerts WHERE gateway = @gateway;", cancellationToken,
            ("@gateway", gatewayId)), cancellationToken));

    public async Task<StoredAlert?> GetAlertAsync(string gatewayId, string alertId, CancellationToken cancellationToken = default) =>
        (await database.ReadAsync(c => Sql.ListAsync(c, null, $"SELECT {AlertColumns} FROM alert_ledger WHERE gateway = @gateway AND alert_id = @alert;",
            ReadAlert, cancellationToken, ("@gateway", gatewayId), ("@alert", alertId)), cancellationToken)).SingleOrDefault();

    private static string ValuesToJson(IReadOnlyList<AlertValue> values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var v in values)
            {
                writer.WriteStartObject();
                writer.WriteString("name", v.Name);
                writer.WriteNumber("value", v.Value);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static AlertValue[] ValuesFromJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(e => new AlertValue(e.GetProperty("name").GetString()!, e.GetProperty("value").GetDouble())).ToArray();
    }

    private static StoredAlert ReadAlert(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), (AlertKind)r.GetInt64(3), (AlertSeverity)r.GetInt64(4), r.GetString(5), r.GetString(6),
        ValuesFromJson(r.GetString(7)),
        Sql.Ms(r.GetInt64(8)),
        Sql.OptMs(r, 9), Sql.OptMs(r, 10), Sql.Str(r, 11), Sql.OptMs(r, 12),
        r.GetInt64(13), Sql.Ms(r.GetInt64(14)));
}
