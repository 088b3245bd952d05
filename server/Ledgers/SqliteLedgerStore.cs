using System.Data.Common;
using System.Text;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Data.Sqlite;

namespace GridEdge.Server.Ledgers;

/// <summary>
/// The embedded ledger: one SQLite file in WAL mode with synchronous=FULL, so a batch commit is on disk before the
/// ingest acknowledges it. Writes are serialised in-process; reads run beside them (WAL readers never block).
/// </summary>
public sealed partial class SqliteLedgerStore : ILedgerStore, IDisposable
{
    private readonly SqliteFile _file;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TimeProvider _time;

    public SqliteLedgerStore(string path, TimeProvider? time = null)
    {
        _file = new SqliteFile(path);
        Path = _file.Path;
        _time = time ?? TimeProvider.System;
    }

    public string Path { get; }

    /// <summary>Each gateway's last known state; the grid store creates it too, so it works on a file of its own.</summary>
    internal const string GatewaysTable = """
        CREATE TABLE IF NOT EXISTS gateways (
            id               TEXT    NOT NULL PRIMARY KEY,
            online           INTEGER NOT NULL DEFAULT 0,
            last_seen        INTEGER,
            software_version TEXT,
            config_version   TEXT,
            boot_id          TEXT,
            status_at        INTEGER
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Every stored record of every stream as (gateway, stream, seq): the tables that hold a stream's records, one SELECT each.
    /// Gateway listings and gaps read this one definition, so they agree on what a stream holds.
    /// </summary>
    private const string StreamRecords = """
        SELECT gateway, stream, seq FROM readings
        UNION ALL SELECT gateway, 'alerts', seq FROM alerts
        UNION ALL SELECT gateway, 'cmdres', seq FROM command_results
        UNION ALL SELECT gateway, 'checkins', seq FROM checkins
        UNION ALL SELECT gateway, 'uploads', seq FROM patrols
        UNION ALL SELECT gateway, 'uploads', seq FROM problems
        UNION ALL SELECT gateway, 'attachments', seq FROM attachment_chunks
        """;

    private static readonly string Schema = """
        CREATE TABLE IF NOT EXISTS readings (
            gateway        TEXT    NOT NULL,
            stream         TEXT    NOT NULL,
            seq            INTEGER NOT NULL,
            sensor_id      TEXT    NOT NULL,
            quantity       TEXT    NOT NULL,
            unit           TEXT    NOT NULL,
            value          REAL    NOT NULL,
            min            REAL,
            avg            REAL,
            max            REAL,
            count          INTEGER,
            window_seconds INTEGER,
            flag           INTEGER NOT NULL,
            ts             INTEGER NOT NULL,
            clock          INTEGER NOT NULL,
            received_at    INTEGER NOT NULL,
            PRIMARY KEY (gateway, stream, seq)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS readings_by_time ON readings (ts);
        CREATE INDEX IF NOT EXISTS readings_by_gateway_time ON readings (gateway, ts);
        """ + GatewaysTable + """
        CREATE TABLE IF NOT EXISTS monitors (
            gateway      TEXT    NOT NULL,
            mn           TEXT    NOT NULL,
            station      TEXT,
            last_contact INTEGER,
            reported_at  INTEGER NOT NULL,
            listed       INTEGER NOT NULL DEFAULT 1,
            conformance_warnings INTEGER NOT NULL DEFAULT 0,  -- as the gateway last reported it (since it started)
            PRIMARY KEY (gateway, mn)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS alerts (
            gateway         TEXT    NOT NULL,
            seq             INTEGER NOT NULL,
            alert_id        TEXT    NOT NULL,
            rule_id         TEXT    NOT NULL,
            kind            INTEGER NOT NULL,
            state           INTEGER NOT NULL,
            severity        INTEGER NOT NULL,
            sensor_id       TEXT    NOT NULL,
            quantity        TEXT    NOT NULL,
            alert_values    TEXT    NOT NULL,
            acknowledged_by TEXT,
            ts              INTEGER NOT NULL,
            clock           INTEGER NOT NULL,
            received_at     INTEGER NOT NULL,
            PRIMARY KEY (gateway, seq)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS alert_ledger (
            gateway         TEXT    NOT NULL,
            alert_id        TEXT    NOT NULL,
            rule_id         TEXT    NOT NULL,
            kind            INTEGER NOT NULL,
            severity        INTEGER NOT NULL,
            sensor_id       TEXT    NOT NULL,
            quantity        TEXT    NOT NULL,
            alert_values    TEXT    NOT NULL,
            opened_at       INTEGER NOT NULL,
            raised_at       INTEGER,
            acknowledged_at INTEGER,
            acknowledged_by TEXT,
            cleared_at      INTEGER,
            last_seq        INTEGER NOT NULL,
            received_at     INTEGER NOT NULL,
            PRIMARY KEY (gateway, alert_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS alert_ledger_by_order ON alert_ledger ((cleared_at IS NOT NULL), opened_at DESC, gateway, alert_id);
        CREATE INDEX IF NOT EXISTS alert_ledger_by_raise ON alert_ledger (raised_at);
        CREATE TABLE IF NOT EXISTS commands (
            gateway    TEXT    NOT NULL,
            command_id TEXT    NOT NULL,
            name       TEXT    NOT NULL,
            alert_id   TEXT,
            issued_by  TEXT,
            issued_at  INTEGER NOT NULL,
            PRIMARY KEY (gateway, command_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS commands_by_time ON commands (gateway, issued_at DESC);
        CREATE TABLE IF NOT EXISTS command_results (
            gateway     TEXT    NOT NULL,
            seq         INTEGER NOT NULL,
            command_id  TEXT    NOT NULL,
            name        TEXT    NOT NULL,
            outcome     INTEGER NOT NULL,
            detail      TEXT    NOT NULL,
            ts          INTEGER NOT NULL,
            clock       INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            PRIMARY KEY (gateway, seq)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS command_results_by_command ON command_results (gateway, command_id, seq);
        CREATE TABLE IF NOT EXISTS gateway_configs (
            gateway     TEXT    NOT NULL PRIMARY KEY,
            serial      INTEGER NOT NULL,
            version     TEXT    NOT NULL,
            alert_rules TEXT    NOT NULL,
            sent_at     INTEGER NOT NULL
        ) WITHOUT ROWID;
        """ + Grid.GridLedgers.SqliteV1; // the terminal streams' tables: the grid store writes them, gateway listings and gaps read them

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        // WAL is a property of the file: set once, it stays.
        await _file.CreateAsync(Schema + StoreSchema, cancellationToken);
        await _file.AddColumnIfMissingAsync("monitors", "conformance_warnings", "INTEGER NOT NULL DEFAULT 0", cancellationToken);
    }

    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM gateways;";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public Task<CommitResult> CommitBatchAsync(Batch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Records.Count == 0) throw new ArgumentException("a batch needs at least one record", nameof(batch));
        return CommitInTransactionAsync(batch, async (connection, transaction, receivedAt) =>
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT OR IGNORE INTO readings
                    (gateway, stream, seq, sensor_id, quantity, unit, value, min, avg, max, count, window_seconds, flag, ts, clock, received_at)
                VALUES ($gateway, $stream, $seq, $sensor, $quantity, $unit, $value, $min, $avg, $max, $count, $window, $flag, $ts, $clock, $received);
                """;
            var p = new Dictionary<string, SqliteParameter>();
            foreach (var name in new[] { "gateway", "stream", "seq", "sensor", "quantity", "unit", "value", "min", "avg", "max", "count", "window", "flag", "ts", "clock", "received" })
                p[name] = insert.Parameters.Add(new SqliteParameter("$" + name, null));
            p["gateway"].Value = batch.GatewayId;
            p["stream"].Value = batch.Stream;
            p["received"].Value = receivedAt;
            insert.Prepare();

            var added = 0;
            for (var i = 0; i < batch.Records.Count; i++)
            {
                if (batch.Records[i] is not Reading r)
                    throw new NotSupportedException($"records[{i}]: the ledger stores readings only, not {batch.Records[i].GetType().Name}");
                p["seq"].Value = batch.FirstSeq + i;
                p["sensor"].Value = r.SensorId;
                p["quantity"].Value = r.Quantity;
                p["unit"].Value = r.Unit;
                p["value"].Value = r.Value;
                p["min"].Value = (object?)r.Window?.Min ?? DBNull.Value;
                p["avg"].Value = (object?)r.Window?.Avg ?? DBNull.Value;
                p["max"].Value = (object?)r.Window?.Max ?? DBNull.Value;
                p["count"].Value = (object?)r.Window?.Count ?? DBNull.Value;
                p["window"].Value = (object?)r.Window?.WindowSeconds ?? DBNull.Value;
                p["flag"].Value = (int)r.Flag;
                p["ts"].Value = r.Timestamp.ToUnixTimeMilliseconds();
                p["clock"].Value = (int)r.Clock;
                added += await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            return added;
        }, cancellationToken);
    }

    public async Task RecordStatusAsync(GatewayStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(status);
        // Statuses can arrive out of order (a will published after the next birth): the newest one wins.
        await WriteAsync("""
            INSERT INTO gateways (id, online, last_seen, software_version, config_version, boot_id, status_at)
            VALUES ($id, $online, $seen, $software, $config, $boot, $at)
            ON CONFLICT (id) DO UPDATE SET
                online = excluded.online,
                last_seen = max(coalesce(gateways.last_seen, 0), excluded.last_seen),
                software_version = excluded.software_version,
                config_version = excluded.config_version,
                boot_id = excluded.boot_id,
                status_at = excluded.status_at
            WHERE gateways.status_at IS NULL OR excluded.status_at >= gateways.status_at;
            """, cancellationToken,
            ("$id", status.GatewayId),
            ("$online", status.State == GatewayState.Online ? 1 : 0),
            ("$seen", _time.GetUtcNow().ToUnixTimeMilliseconds()),
            ("$software", status.SoftwareVersion),
            ("$config", status.ConfigVersion),
            ("$boot", status.BootId.ToString("D")),
            ("$at", status.Timestamp.ToUnixTimeMilliseconds()));
        if (status.Monitors is { } monitors) await RecordMonitorsAsync(status.GatewayId, monitors, cancellationToken);
    }

    private async Task RecordMonitorsAsync(string gatewayId, IReadOnlyList<MonitorStatus> monitors, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using (var unlist = connection.CreateCommand())
            {
                unlist.CommandText = "UPDATE monitors SET listed = 0 WHERE gateway = $gateway;";
                unlist.Parameters.AddWithValue("$gateway", gatewayId);
                await unlist.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var upsert = connection.CreateCommand())
            {
                // The registration list is the gateway's to replace; a last contact only moves forward (a will carries an old one).
                upsert.CommandText = """
                    INSERT INTO monitors (gateway, mn, station, last_contact, reported_at, listed, conformance_warnings) VALUES ($gateway, $mn, $station, $contact, $now, 1, $warnings)
                    ON CONFLICT (gateway, mn) DO UPDATE SET
                        station = excluded.station,
                        conformance_warnings = excluded.conformance_warnings,
                        last_contact = CASE WHEN monitors.last_contact IS NULL OR excluded.last_contact > monitors.last_contact THEN coalesce(excluded.last_contact, monitors.last_contact) ELSE monitors.last_contact END,
                        reported_at = excluded.reported_at,
                        listed = 1;
                    """;
                var gateway = upsert.Parameters.Add("$gateway", SqliteType.Text);
                var mn = upsert.Parameters.Add("$mn", SqliteType.Text);
                var station = upsert.Parameters.Add("$station", SqliteType.Text);
                var contact = upsert.Parameters.Add("$contact", SqliteType.Integer);
                var warnings = upsert.Parameters.Add("$warnings", SqliteType.Integer);
                upsert.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
                gateway.Value = gatewayId;
                foreach (var m in monitors)
                {
                    mn.Value = m.Mn;
                    station.Value = (object?)m.Station ?? DBNull.Value;
                    contact.Value = m.LastContact is { } at ? at.ToUnixTimeMilliseconds() : DBNull.Value;
                    warnings.Value = m.ConformanceWarnings;
                    await upsert.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            await using (var prune = connection.CreateCommand())
            {
                prune.CommandText = "DELETE FROM monitors WHERE gateway = $gateway AND listed = 0;";
                prune.Parameters.AddWithValue("$gateway", gatewayId);
                await prune.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<IReadOnlyList<MonitorRecord>> GetMonitorsAsync(string gatewayId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT mn, station, last_contact, reported_at, conformance_warnings FROM monitors WHERE gateway = $gateway ORDER BY mn;";
        command.Parameters.AddWithValue("$gateway", gatewayId);
        var result = new List<MonitorRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result.Add(new MonitorRecord(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.GetInt64(4)));
        return result;
    }

    public Task TouchGatewayAsync(string gatewayId, DateTimeOffset seenAt, CancellationToken cancellationToken = default) =>
        WriteAsync("""
            INSERT INTO gateways (id, online, last_seen) VALUES ($id, 1, $at)
            ON CONFLICT (id) DO UPDATE SET online = 1, last_seen = max(coalesce(last_seen, 0), excluded.last_seen);
            """, cancellationToken, ("$id", gatewayId), ("$at", seenAt.ToUnixTimeMilliseconds()));

    public Task MarkOfflineAsync(string gatewayId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        WriteAsync("""
            INSERT INTO gateways (id, online, last_seen) VALUES ($id, 0, $at)
            ON CONFLICT (id) DO UPDATE SET online = 0, last_seen = max(coalesce(last_seen, 0), excluded.last_seen);
            """, cancellationToken, ("$id", gatewayId), ("$at", at.ToUnixTimeMilliseconds()));

    public async Task<IReadOnlyList<GatewaySummary>> GetGatewaysAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var streams = new Dictionary<string, List<StreamSummary>>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            // LAG with a default of 0 also counts a missing range before the first stored seq.
            command.CommandText = """
                SELECT gateway, stream, max(seq), count(*), sum(CASE WHEN seq > prev + 1 THEN 1 ELSE 0 END)
                FROM (SELECT gateway, stream, seq, LAG(seq, 1, 0) OVER (PARTITION BY gateway, stream ORDER BY seq) AS prev
                      FROM (
                """ + StreamRecords + """
                      ))
                GROUP BY gateway, stream
                ORDER BY gateway, stream;
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var gateway = reader.GetString(0);
                var last = reader.GetInt64(2);
                var stored = reader.GetInt64(3);
                if (!streams.TryGetValue(gateway, out var list)) streams[gateway] = list = [];
                list.Add(new StreamSummary(reader.GetString(1), last, stored, reader.GetInt64(4), last - stored));
            }
        }

        var result = new List<GatewaySummary>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id, online, last_seen, software_version, config_version, boot_id, status_at FROM gateways ORDER BY id;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetString(0);
                result.Add(new GatewaySummary(
                    id,
                    reader.GetInt64(1) != 0,
                    reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : Guid.Parse(reader.GetString(5)),
                    reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                    streams.TryGetValue(id, out var list) ? list : []));
            }
        }
        return result;
    }

    public async Task<IReadOnlyList<LedgerGap>> GetGapsAsync(string gatewayId, string stream, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // A virtual seq 0 in front makes a missing start (1..first-1) an ordinary gap.
        command.CommandText = """
            SELECT seq + 1, next_seq - 1
            FROM (SELECT seq, LEAD(seq) OVER (ORDER BY seq) AS next_seq
                  FROM (SELECT 0 AS seq UNION ALL SELECT seq FROM (
            """ + StreamRecords + """
                        ) WHERE gateway = $gateway AND stream = $stream))
            WHERE next_seq > seq + 1
            ORDER BY seq;
            """;
        command.Parameters.AddWithValue("$gateway", gatewayId);
        command.Parameters.AddWithValue("$stream", stream);
        var holes = new List<SeqRange>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) holes.Add(new SeqRange(reader.GetInt64(0), reader.GetInt64(1)));
        return await ExplainAsync(connection, gatewayId, stream, holes, cancellationToken);
    }

    public async Task<ReadingPage> QueryReadingsAsync(ReadingQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > ReadingQuery.MaxLimit)
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, $"limit must be from 1 to {ReadingQuery.MaxLimit}");
        ReadingCursor? after = null;
        if (query.Cursor is not null && !ReadingCursor.TryDecode(query.Cursor, out after))
            throw new ArgumentException($"cursor '{query.Cursor}' is not a cursor this ledger issued", nameof(query));
        if (after is { } issued && issued.Descending != query.Descending)
            throw new ArgumentException($"cursor '{query.Cursor}' continues a {(issued.Descending ? "newest" : "oldest")}-first listing, not this one", nameof(query));

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder("""
            SELECT gateway, stream, seq, sensor_id, quantity, unit, value, min, avg, max, count, window_seconds, flag, ts, clock, received_at
            FROM readings
            """);
        var where = Filters(query, command);
        if (after is { } c)
        {
            where.Add(query.Descending ? "(ts, gateway, stream, seq) < ($cts, $cgateway, $cstream, $cseq)" : "(ts, gateway, stream, seq) > ($cts, $cgateway, $cstream, $cseq)");
            command.Parameters.AddWithValue("$cts", c.TimestampMs);
            command.Parameters.AddWithValue("$cgateway", c.Gateway);
            command.Parameters.AddWithValue("$cstream", c.Stream);
            command.Parameters.AddWithValue("$cseq", c.Seq);
        }
        if (where.Count > 0) sql.Append(" WHERE ").AppendJoin(" AND ", where);
        sql.Append(query.Descending ? " ORDER BY ts DESC, gateway DESC, stream DESC, seq DESC LIMIT $limit;" : " ORDER BY ts, gateway, stream, seq LIMIT $limit;");
        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        command.CommandText = sql.ToString();

        var items = new List<StoredReading>(Math.Min(query.Limit + 1, 1024));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) items.Add(ReadReading(reader));
        }
        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            next = ReadingCursor.From(items[^1], query.Descending).Encode();
        }
        return new ReadingPage(items, next);
    }

    public async Task<long> CountReadingsAsync(ReadingQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = Filters(query, command);
        command.CommandText = "SELECT COUNT(*) FROM readings" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + ";";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static List<string> Filters(ReadingQuery query, SqliteCommand command)
    {
        var where = new List<string>();
        void Add(string clause, string name, object value)
        {
            where.Add(clause);
            command.Parameters.AddWithValue(name, value);
        }
        if (query.Gateway is not null) Add("gateway = $gateway", "$gateway", query.Gateway);
        if (query.Quantity is not null) Add("quantity = $quantity", "$quantity", query.Quantity);
        if (query.Sensor is not null) Add("sensor_id = $sensor", "$sensor", query.Sensor);
        if (query.From is { } from) Add("ts >= $from", "$from", from.ToUnixTimeMilliseconds());
        if (query.To is { } to) Add("ts < $to", "$to", to.ToUnixTimeMilliseconds());
        return where;
    }

    private static StoredReading ReadReading(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetDouble(6),
        r.IsDBNull(7) ? null : r.GetDouble(7),
        r.IsDBNull(8) ? null : r.GetDouble(8),
        r.IsDBNull(9) ? null : r.GetDouble(9),
        r.IsDBNull(10) ? null : r.GetInt32(10),
        r.IsDBNull(11) ? null : r.GetInt32(11),
        (DataFlag)r.GetInt32(12),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(13)),
        (ClockQuality)r.GetInt32(14),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(15)));

    public Task<CommitResult> CommitAlertsAsync(Batch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Records.Count == 0) throw new ArgumentException("a batch needs at least one record", nameof(batch));
        if (batch.Stream != Streams.Alerts) throw new ArgumentException($"stream '{batch.Stream}' is not '{Streams.Alerts}'", nameof(batch));
        return CommitInTransactionAsync(batch, async (connection, transaction, receivedAt) =>
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT OR IGNORE INTO alerts
                    (gateway, seq, alert_id, rule_id, kind, state, severity, sensor_id, quantity, alert_values, acknowledged_by, ts, clock, received_at)
                VALUES ($gateway, $seq, $alert, $rule, $kind, $state, $severity, $sensor, $quantity, $values, $by, $ts, $clock, $received);
                """;
            await using var fold = connection.CreateCommand();
            fold.Transaction = transaction;
            // In an UPDATE every alert_ledger.* is the row before the update: severity only rises, and the figures kept are
            // those of the raise that reached the highest severity; raised and acknowledged keep the earliest time, cleared the latest.
            fold.CommandText = """
                INSERT INTO alert_ledger
                    (gateway, alert_id, rule_id, kind, severity, sensor_id, quantity, alert_values, opened_at, raised_at, acknowledged_at, acknowledged_by, cleared_at, last_seq, received_at)
                VALUES ($gateway, $alert, $rule, $kind, $severity, $sensor, $quantity, $values, $ts, $raised, $acked, $by, $cleared, $seq, $received)
                ON CONFLICT (gateway, alert_id) DO UPDATE SET
                    alert_values = CASE WHEN excluded.raised_at IS NOT NULL AND (alert_ledger.raised_at IS NULL OR excluded.severity > alert_ledger.severity)
                                        THEN excluded.alert_values ELSE alert_ledger.alert_values END,
                    severity = max(alert_ledger.severity, excluded.severity),
                    opened_at = min(alert_ledger.opened_at, excluded.opened_at),
                    raised_at = min(coalesce(alert_ledger.raised_at, excluded.raised_at), coalesce(excluded.raised_at, alert_ledger.raised_at)),
                    acknowledged_by = CASE WHEN excluded.acknowledged_at IS NOT NULL AND (alert_ledger.acknowledged_at IS NULL OR excluded.acknowledged_at < alert_ledger.acknowledged_at)
                                           THEN excluded.acknowledged_by ELSE alert_ledger.acknowledged_by END,
                    acknowledged_at = min(coalesce(alert_ledger.acknowledged_at, excluded.acknowledged_at), coalesce(excluded.acknowledged_at, alert_ledger.acknowledged_at)),
                    cleared_at = max(coalesce(alert_ledger.cleared_at, excluded.cleared_at), coalesce(excluded.cleared_at, alert_ledger.cleared_at)),
                    last_seq = max(alert_ledger.last_seq, excluded.last_seq);
                """;
            var names = new[] { "gateway", "seq", "alert", "rule", "kind", "state", "severity", "sensor", "quantity", "values", "by", "ts", "clock", "received" };
            var p = names.ToDictionary(n => n, n => insert.Parameters.Add(new SqliteParameter("$" + n, null)));
            var f = new[] { "gateway", "alert", "rule", "kind", "severity", "sensor", "quantity", "values", "ts", "raised", "acked", "by", "cleared", "seq", "received" }
                .ToDictionary(n => n, n => fold.Parameters.Add(new SqliteParameter("$" + n, null)));
            p["gateway"].Value = f["gateway"].Value = batch.GatewayId;
            p["received"].Value = f["received"].Value = receivedAt;

            var added = 0;
            for (var i = 0; i < batch.Records.Count; i++)
            {
                if (batch.Records[i] is not Alert a)
                    throw new NotSupportedException($"records[{i}]: the alert ledger stores alerts only, not {batch.Records[i].GetType().Name}");
                var ts = a.Timestamp.ToUnixTimeMilliseconds();
                var values = ValuesToJson(a.Values);
                p["seq"].Value = f["seq"].Value = batch.FirstSeq + i;
                p["alert"].Value = f["alert"].Value = a.AlertId;
                p["rule"].Value = f["rule"].Value = a.RuleId;
                p["kind"].Value = f["kind"].Value = (int)a.AlertKind;
                p["state"].Value = (int)a.State;
                p["severity"].Value = f["severity"].Value = (int)a.Severity;
                p["sensor"].Value = f["sensor"].Value = a.SensorId;
                p["quantity"].Value = f["quantity"].Value = a.Quantity;
                p["values"].Value = f["values"].Value = values;
                p["by"].Value = f["by"].Value = (object?)a.AcknowledgedBy ?? DBNull.Value;
                p["ts"].Value = f["ts"].Value = ts;
                p["clock"].Value = (int)a.Clock;
                f["raised"].Value = a.State == AlertState.Raised ? ts : DBNull.Value;
                f["acked"].Value = a.State == AlertState.Acknowledged ? ts : DBNull.Value;
                f["cleared"].Value = a.State == AlertState.Cleared ? ts : DBNull.Value;
                var isNew = await insert.ExecuteNonQueryAsync(cancellationToken);
                // Only a transition stored for the first time changes its alert: a redelivery folds nothing twice.
                if (isNew == 0) continue;
                added++;
                await fold.ExecuteNonQueryAsync(cancellationToken);
            }
            return added;
        }, cancellationToken);
    }

    private const string AlertColumns =
        "gateway, alert_id, rule_id, kind, severity, sensor_id, quantity, alert_values, opened_at, raised_at, acknowledged_at, acknowledged_by, cleared_at, last_seq, received_at";

    public async Task<AlertPage> QueryAlertsAsync(AlertQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > AlertQuery.MaxLimit)
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, $"limit must be from 1 to {AlertQuery.MaxLimit}");
        AlertCursor? after = null;
        if (query.Cursor is not null && !AlertCursor.TryDecode(query.Cursor, out after))
            throw new ArgumentException($"cursor '{query.Cursor}' is not a cursor this ledger issued", nameof(query));

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        void Add(string clause, string name, object value)
        {
            where.Add(clause);
            command.Parameters.AddWithValue(name, value);
        }
        if (query.Gateway is not null) Add("gateway = $gateway", "$gateway", query.Gateway);
        if (query.State == AlertStateFilter.Open) where.Add("cleared_at IS NULL");
        if (query.State == AlertStateFilter.Closed) where.Add("cleared_at IS NOT NULL");
        if (query.Severity is { } severity) Add("severity = $severity", "$severity", (int)severity);
        if (query.Kind is { } kind) Add("kind = $kind", "$kind", (int)kind);
        if (query.From is { } from) Add("opened_at >= $from", "$from", from.ToUnixTimeMilliseconds());
        if (query.To is { } to) Add("opened_at < $to", "$to", to.ToUnixTimeMilliseconds());
        if (after is { } c)
        {
            // Order: open (0) before closed (1), then opened_at descending, then gateway and alert id ascending.
            where.Add("""
                ((cleared_at IS NOT NULL) > $cclosed
                 OR ((cleared_at IS NOT NULL) = $cclosed AND (opened_at < $cat OR (opened_at = $cat AND (gateway, alert_id) > ($cgateway, $calert)))))
                """);
            command.Parameters.AddWithValue("$cclosed", c.Closed ? 1 : 0);
            command.Parameters.AddWithValue("$cat", c.OpenedAtMs);
            command.Parameters.AddWithValue("$cgateway", c.Gateway);
            command.Parameters.AddWithValue("$calert", c.AlertId);
        }
        command.CommandText = $"SELECT {AlertColumns} FROM alert_ledger" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
            " ORDER BY (cleared_at IS NOT NULL), opened_at DESC, gateway, alert_id LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", query.Limit + 1);

        var items = new List<StoredAlert>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) items.Add(ReadAlert(reader));
        }
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
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = new List<string> { "raised_at IS NOT NULL" };
        if (gatewayId is not null) { where.Add("gateway = $gateway"); command.Parameters.AddWithValue("$gateway", gatewayId); }
        if (from is { } f) { where.Add("raised_at >= $from"); command.Parameters.AddWithValue("$from", f.ToUnixTimeMilliseconds()); }
        if (to is { } t) { where.Add("raised_at < $to"); command.Parameters.AddWithValue("$to", t.ToUnixTimeMilliseconds()); }
        command.CommandText = $"SELECT {AlertColumns} FROM alert_ledger WHERE {string.Join(" AND ", where)} ORDER BY gateway, raised_at, alert_id;";
        var items = new List<StoredAlert>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) items.Add(ReadAlert(reader));
        return items;
    }

    public async Task<long> CountAlertTransitionsAsync(string gatewayId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM alerts WHERE gateway = $gateway;";
        command.Parameters.AddWithValue("$gateway", gatewayId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<StoredAlert?> GetAlertAsync(string gatewayId, string alertId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AlertColumns} FROM alert_ledger WHERE gateway = $gateway AND alert_id = $alert;";
        command.Parameters.AddWithValue("$gateway", gatewayId);
        command.Parameters.AddWithValue("$alert", alertId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadAlert(reader) : null;
    }

    public Task RecordCommandAsync(IssuedCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return WriteAsync("""
            INSERT OR IGNORE INTO commands (gateway, command_id, name, alert_id, issued_by, issued_at)
            VALUES ($gateway, $id, $name, $alert, $by, $at);
            """, cancellationToken,
            ("$gateway", command.Gateway), ("$id", command.CommandId), ("$name", command.Name),
            ("$alert", (object?)command.AlertId ?? DBNull.Value), ("$by", (object?)command.By ?? DBNull.Value), ("$at", command.IssuedAt.ToUnixTimeMilliseconds()));
    }

    public Task<CommitResult> CommitCommandResultsAsync(Batch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Records.Count == 0) throw new ArgumentException("a batch needs at least one record", nameof(batch));
        if (batch.Stream != Streams.CommandResults) throw new ArgumentException($"stream '{batch.Stream}' is not '{Streams.CommandResults}'", nameof(batch));
        return CommitInTransactionAsync(batch, async (connection, transaction, receivedAt) =>
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT OR IGNORE INTO command_results (gateway, seq, command_id, name, outcome, detail, ts, clock, received_at)
                VALUES ($gateway, $seq, $id, $name, $outcome, $detail, $ts, $clock, $received);
                """;
            var p = new[] { "gateway", "seq", "id", "name", "outcome", "detail", "ts", "clock", "received" }
                .ToDictionary(n => n, n => insert.Parameters.Add(new SqliteParameter("$" + n, null)));
            p["gateway"].Value = batch.GatewayId;
            p["received"].Value = receivedAt;
            var added = 0;
            for (var i = 0; i < batch.Records.Count; i++)
            {
                if (batch.Records[i] is not CommandResult c)
                    throw new NotSupportedException($"records[{i}]: the command ledger stores command results only, not {batch.Records[i].GetType().Name}");
                p["seq"].Value = batch.FirstSeq + i;
                p["id"].Value = c.CommandId;
                p["name"].Value = c.Name;
                p["outcome"].Value = (int)c.Outcome;
                p["detail"].Value = c.Detail;
                p["ts"].Value = c.Timestamp.ToUnixTimeMilliseconds();
                p["clock"].Value = (int)c.Clock;
                added += await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            return added;
        }, cancellationToken);
    }

    /// <summary>
    /// The frame every batch commit shares: one writer at a time, one transaction holding the batch's records (stored
    /// by <paramref name="store"/>, which returns how many were new) and the gateway's last-seen time, then the result.
    /// </summary>
    private async Task<CommitResult> CommitInTransactionAsync(Batch batch,
        Func<SqliteConnection, SqliteTransaction, long, Task<int>> store, CancellationToken cancellationToken)
    {
        var receivedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var added = await store(connection, transaction, receivedAt);
            await TouchInTransactionAsync(connection, transaction, batch.GatewayId, receivedAt, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new CommitResult(batch.GatewayId, batch.Stream, new SeqRange(batch.FirstSeq, batch.LastSeq), added, batch.Records.Count - added);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Moves a gateway's last-seen time forward (never back) inside a commit's transaction.</summary>
    private static async Task TouchInTransactionAsync(SqliteConnection connection, SqliteTransaction transaction, string gatewayId, long receivedAt, CancellationToken cancellationToken)
    {
        await using var seen = connection.CreateCommand();
        seen.Transaction = transaction;
        seen.CommandText = """
            INSERT INTO gateways (id, last_seen) VALUES ($id, $at)
            ON CONFLICT (id) DO UPDATE SET last_seen = max(coalesce(last_seen, 0), excluded.last_seen);
            """;
        seen.Parameters.AddWithValue("$id", gatewayId);
        seen.Parameters.AddWithValue("$at", receivedAt);
        await seen.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string ResultColumns = "r.command_id, r.name, r.outcome, r.detail, r.ts, r.received_at";

    private static StoredCommandResult? ReadResult(DbDataReader r, int i) => r.IsDBNull(i) ? null : new(
        r.GetString(i), r.GetString(i + 1), (CommandOutcome)r.GetInt32(i + 2), r.GetString(i + 3),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i + 4)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i + 5)));

    public async Task<IReadOnlyList<CommandWithResult>> GetCommandsAsync(string gatewayId, int limit = 100, CancellationToken cancellationToken = default,
        (DateTimeOffset IssuedAt, string CommandId)? after = null)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // The latest answer to each command (a gateway answers once; a redelivered duplicate is ignored there).
        command.CommandText = $"""
            SELECT c.gateway, c.command_id, c.name, c.alert_id, c.issued_by, c.issued_at, {ResultColumns}
            FROM commands c
            LEFT JOIN command_results r ON r.gateway = c.gateway AND r.seq =
                (SELECT max(seq) FROM command_results x WHERE x.gateway = c.gateway AND x.command_id = c.command_id AND x.name = c.name)
            WHERE c.gateway = $gateway{(after is null ? "" : " AND (c.issued_at < $cat OR (c.issued_at = $cat AND c.command_id > $cid))")}
            ORDER BY c.issued_at DESC, c.command_id
            LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$gateway", gatewayId);
        if (after is { } a)
        {
            command.Parameters.AddWithValue("$cat", a.IssuedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$cid", a.CommandId);
        }
        command.Parameters.AddWithValue("$limit", limit);
        var items = new List<CommandWithResult>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var issued = new IssuedCommand(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)));
            items.Add(new CommandWithResult(issued, ReadResult(reader, 6)));
        }
        return items;
    }

    public async Task<SentConfig> RecordConfigAsync(string gatewayId, Func<long, string> version, string alertRules, DateTimeOffset sentAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            long serial;
            await using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = "SELECT serial FROM gateway_configs WHERE gateway = $gateway;";
                read.Parameters.AddWithValue("$gateway", gatewayId);
                serial = (await read.ExecuteScalarAsync(cancellationToken)) is long last ? last + 1 : 1;
            }
            var name = version(serial);
            await using (var write = connection.CreateCommand())
            {
                write.Transaction = transaction;
                write.CommandText = """
                    INSERT INTO gateway_configs (gateway, serial, version, alert_rules, sent_at) VALUES ($gateway, $serial, $version, $rules, $at)
                    ON CONFLICT (gateway) DO UPDATE SET serial = excluded.serial, version = excluded.version, alert_rules = excluded.alert_rules, sent_at = excluded.sent_at;
                    """;
                write.Parameters.AddWithValue("$gateway", gatewayId);
                write.Parameters.AddWithValue("$serial", serial);
                write.Parameters.AddWithValue("$version", name);
                write.Parameters.AddWithValue("$rules", alertRules);
                write.Parameters.AddWithValue("$at", sentAt.ToUnixTimeMilliseconds());
                await write.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return new SentConfig(gatewayId, serial, name, alertRules, DateTimeOffset.FromUnixTimeMilliseconds(sentAt.ToUnixTimeMilliseconds()), null);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<SentConfig?> GetConfigAsync(string gatewayId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT g.gateway, g.serial, g.version, g.alert_rules, g.sent_at, {ResultColumns}
            FROM gateway_configs g
            LEFT JOIN command_results r ON r.gateway = g.gateway AND r.seq =
                (SELECT max(seq) FROM command_results x WHERE x.gateway = g.gateway AND x.command_id = g.version AND x.name = 'config')
            WHERE g.gateway = $gateway;
            """;
        command.Parameters.AddWithValue("$gateway", gatewayId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new SentConfig(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), ReadResult(reader, 5));
    }

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

    private static DateTimeOffset? Time(DbDataReader r, int i) => r.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));

    private static StoredAlert ReadAlert(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), (AlertKind)r.GetInt32(3), (AlertSeverity)r.GetInt32(4), r.GetString(5), r.GetString(6),
        ValuesFromJson(r.GetString(7)),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)),
        Time(r, 9), Time(r, 10), r.IsDBNull(11) ? null : r.GetString(11), Time(r, 12),
        r.GetInt64(13), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(14)));

    private async Task WriteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _file.OpenAsync(cancellationToken);

    public void Dispose()
    {
        _file.ClearPool();
        _writeLock.Dispose();
    }
}
