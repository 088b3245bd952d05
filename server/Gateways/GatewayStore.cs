using GridEdge.Protocol.Wire;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Gateways;

/// <summary>The gateways ledger over a <see cref="LedgerDatabase"/> (SQLite or PostgreSQL, the same SQL).</summary>
public sealed partial class GatewayStore : IGatewayStore
{
    private readonly LedgerDatabase _database;
    private readonly TimeProvider _time;

    /// <summary>
    /// Every stored record of every stream as (gateway, stream, seq): the tables that hold a stream's records, one SELECT each.
    /// </summary>
    private readonly string _streamRecords;

    public GatewayStore(LedgerDatabase database, IEnumerable<StreamTable> streams, TimeProvider time)
    {
        _database = database;
        _time = time;
        var tables = streams.DistinctBy(s => s.Table).ToList();
        if (tables.Count == 0) throw new ArgumentException("at least one stream table is needed", nameof(streams));
        _streamRecords = string.Join("\nUNION ALL ", tables.Select(t => t.Select));
    }

    public Task PingAsync(CancellationToken cancellationToken = default) =>
        _database.ReadAsync(c => Sql.ScalarAsync(c, null, "SELECT COUNT(*) FROM gateways;", cancellationToken), cancellationToken);

    public async Task RecordStatusAsync(GatewayStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(status);
        // Statuses can arrive out of order (a will published after the next birth): the newest one wins.
        await _database.WriteAsync((c, t) => Sql.ExecuteAsync(c, t, $"""
            INSERT INTO gateways (id, online, last_seen, software_version, config_version, boot_id, status_at)
            VALUES (@id, @online, @seen, @software, @config, @boot, @at)
            ON CONFLICT (id) DO UPDATE SET
                online = excluded.online,
                last_seen = {_database.Greatest("coalesce(gateways.last_seen, 0)", "excluded.last_seen")},
                software_version = excluded.software_version,
                config_version = excluded.config_version,
                boot_id = excluded.boot_id,
                status_at = excluded.status_at
            WHERE gateways.status_at IS NULL OR excluded.status_at >= gateways.status_at;
            """, cancellationToken,
            ("@id", status.GatewayId),
            ("@online", status.State == GatewayState.Online ? 1L : 0L),
            ("@seen", _time.GetUtcNow().ToUnixTimeMilliseconds()),
            ("@software", status.SoftwareVersion),
            ("@config", status.ConfigVersion),
            ("@boot", status.BootId.ToString("D")),
            ("@at", status.Timestamp.ToUnixTimeMilliseconds())), cancellationToken);
        if (status.Monitors is { } monitors) await RecordMonitorsAsync(status.GatewayId, monitors, cancellationToken);
    }

    private Task RecordMonitorsAsync(string gatewayId, IReadOnlyList<MonitorStatus> monitors, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            await Sql.ExecuteAsync(connection, transaction, "UPDATE monitors SET listed = 0 WHERE gateway = @gateway;", cancellationToken, ("@gateway", gatewayId));
            // The registration list is the gateway's to replace; a last contact only moves forward (a will carries an old one).
            await using (var upsert = Sql.Command(connection, transaction, """
                INSERT INTO monitors (gateway, mn, station, last_contact, reported_at, listed, conformance_warnings) VALUES (@gateway, @mn, @station, @contact, @now, 1, @warnings)
                ON CONFLICT (gateway, mn) DO UPDATE SET
                    station = excluded.station,
                    conformance_warnings = excluded.conformance_warnings,
                    last_contact = CASE WHEN monitors.last_contact IS NULL OR excluded.last_contact > monitors.last_contact THEN coalesce(excluded.last_contact, monitors.last_contact) ELSE monitors.last_contact END,
                    reported_at = excluded.reported_at,
                    listed = 1;
                """))
            {
                foreach (var m in monitors)
                {
                    Sql.Bind(upsert, ("@gateway", gatewayId), ("@mn", m.Mn), ("@station", m.Station), ("@contact", m.LastContact?.ToUnixTimeMilliseconds()),
                        ("@now", now), ("@warnings", m.ConformanceWarnings));
                    await upsert.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            await Sql.ExecuteAsync(connection, transaction, "DELETE FROM monitors WHERE gateway = @gateway AND listed = 0;", cancellationToken, ("@gateway", gatewayId));
        }, cancellationToken);

    public async Task<IReadOnlyList<MonitorRecord>> GetMonitorsAsync(string gatewayId, CancellationToken cancellationToken = default) =>
        await _database.ReadAsync(c => Sql.ListAsync(c, null,
            "SELECT mn, station, last_contact, reported_at, conformance_warnings FROM monitors WHERE gateway = @gateway ORDER BY mn;",
            r => new MonitorRecord(r.GetString(0), Sql.Str(r, 1), Sql.OptMs(r, 2), Sql.Ms(r.GetInt64(3)), r.GetInt64(4)),
            cancellationToken, ("@gateway", gatewayId)), cancellationToken);

    public Task TouchGatewayAsync(string gatewayId, DateTimeOffset seenAt, CancellationToken cancellationToken = default) =>
        SetOnlineAsync(gatewayId, true, seenAt, cancellationToken);

    public Task MarkOfflineAsync(string gatewayId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        SetOnlineAsync(gatewayId, false, at, cancellationToken);

    private Task SetOnlineAsync(string gatewayId, bool online, DateTimeOffset at, CancellationToken cancellationToken) =>
        _database.WriteAsync((c, t) => Sql.ExecuteAsync(c, t, $"""
            INSERT INTO gateways (id, online, last_seen) VALUES (@id, @online, @at)
            ON CONFLICT (id) DO UPDATE SET online = excluded.online, last_seen = {_database.Greatest("coalesce(gateways.last_seen, 0)", "excluded.last_seen")};
            """, cancellationToken, ("@id", gatewayId), ("@online", online ? 1L : 0L), ("@at", at.ToUnixTimeMilliseconds())), cancellationToken);

    public async Task<IReadOnlyList<GatewaySummary>> GetGatewayStatesAsync(CancellationToken cancellationToken = default) =>
        await _database.ReadAsync(connection => Sql.ListAsync(connection, null,
            "SELECT id, online, last_seen, software_version, config_version, boot_id, status_at FROM gateways ORDER BY id;",
            r => new GatewaySummary(r.GetString(0), r.GetInt64(1) != 0, Sql.OptMs(r, 2), Sql.Str(r, 3), Sql.Str(r, 4),
                r.IsDBNull(5) ? null : Guid.Parse(r.GetString(5)), Sql.OptMs(r, 6), []), cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<GatewaySummary>> GetGatewaysAsync(CancellationToken cancellationToken = default) =>
        await _database.ReadAsync(async connection =>
        {
            var streams = new Dictionary<string, List<StreamSummary>>(StringComparer.Ordinal);
            // LAG with a default of 0 also counts a missing range before the first stored seq.
            var rows = await Sql.ListAsync(connection, null, $"""
                SELECT gateway, stream, max(seq), count(*), sum(CASE WHEN seq > prev + 1 THEN 1 ELSE 0 END)
                FROM (SELECT gateway, stream, seq, LAG(seq, 1, CAST(0 AS BIGINT)) OVER (PARTITION BY gateway, stream ORDER BY seq) AS prev
                      FROM ({_streamRecords}) AS records) AS ordered
                GROUP BY gateway, stream
                ORDER BY gateway, stream;
                """, r => (Gateway: r.GetString(0), Stream: r.GetString(1), Last: r.GetInt64(2), Stored: r.GetInt64(3), Gaps: r.GetInt64(4)), cancellationToken);
            foreach (var row in rows)
            {
                if (!streams.TryGetValue(row.Gateway, out var list)) streams[row.Gateway] = list = [];
                list.Add(new StreamSummary(row.Stream, row.Last, row.Stored, row.Gaps, row.Last - row.Stored));
            }
            return await Sql.ListAsync(connection, null,
                "SELECT id, online, last_seen, software_version, config_version, boot_id, status_at FROM gateways ORDER BY id;",
                r => new GatewaySummary(r.GetString(0), r.GetInt64(1) != 0, Sql.OptMs(r, 2), Sql.Str(r, 3), Sql.Str(r, 4),
                    r.IsDBNull(5) ? null : Guid.Parse(r.GetString(5)), Sql.OptMs(r, 6),
                    streams.TryGetValue(r.GetString(0), out var list) ? list : []),
                cancellationToken);
        }, cancellationToken);

    public async Task<IReadOnlyList<LedgerGap>> GetGapsAsync(string gatewayId, string stream, CancellationToken cancellationToken = default) =>
        await _database.ReadAsync(async connection =>
        {
            // A virtual seq 0 in front makes a missing start (1..first-1) an ordinary gap.
            var holes = await Sql.ListAsync(connection, null, $"""
                SELECT seq + 1, next_seq - 1
                FROM (SELECT seq, LEAD(seq) OVER (ORDER BY seq) AS next_seq
                      FROM (SELECT CAST(0 AS BIGINT) AS seq
                            UNION ALL SELECT seq FROM ({_streamRecords}) AS records WHERE gateway = @gateway AND stream = @stream) AS numbered) AS ordered
                WHERE next_seq > seq + 1
                ORDER BY seq;
                """, r => new SeqRange(r.GetInt64(0), r.GetInt64(1)), cancellationToken, ("@gateway", gatewayId), ("@stream", stream));
            return await ExplainAsync(connection, gatewayId, stream, holes, cancellationToken);
        }, cancellationToken);

}
