using GridEdge.Server.Storage;

namespace GridEdge.Server.Cluster;

/// <summary>Who holds a duty, and until when.</summary>
public sealed record DutyLease(string Duty, string Holder, DateTimeOffset ExpiresAt, DateTimeOffset AcquiredAt);

/// <summary>
/// Leases in the shared ledger that choose one node for each duty that must run once (publishing configurations,
/// retention, …): a node takes a duty whose lease is free or expired, and keeps it by renewing before it expires.
/// A node that dies stops renewing, and another takes the duty once the lease expires. One statement decides, so two
/// nodes asking at once never both win. Node clocks are assumed NTP-synchronised (a lease is seconds long).
/// </summary>
public sealed class DutyLeases(LedgerDatabase database, TimeProvider time)
{
    /// <summary>This process's identity as a lease holder: host, process id and a random part (a restarted node is a new holder).</summary>
    public string NodeId { get; init; } = $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Takes or renews <paramref name="duty"/> for <paramref name="ttl"/>; whether this node holds it now.</summary>
    public async Task<bool> TryHoldAsync(string duty, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var changed = await database.WriteAsync((connection, transaction) => Sql.ExecuteAsync(connection, transaction, """
            INSERT INTO duty_leases (duty, holder, expires_at, acquired_at) VALUES (@duty, @holder, @expires, @now)
            ON CONFLICT (duty) DO UPDATE SET
                holder = excluded.holder,
                expires_at = excluded.expires_at,
                acquired_at = CASE WHEN duty_leases.holder = excluded.holder THEN duty_leases.acquired_at ELSE excluded.acquired_at END
            WHERE duty_leases.holder = excluded.holder OR duty_leases.expires_at < @now;
            """, cancellationToken, ("@duty", duty), ("@holder", NodeId), ("@expires", now + (long)ttl.TotalMilliseconds), ("@now", now)), cancellationToken);
        return changed == 1;
    }

    /// <summary>Gives <paramref name="duty"/> up at once if this node holds it (a node stopping cleanly), so another takes it without waiting.</summary>
    public Task ReleaseAsync(string duty, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => Sql.ExecuteAsync(connection, transaction,
            "DELETE FROM duty_leases WHERE duty = @duty AND holder = @holder;", cancellationToken, ("@duty", duty), ("@holder", NodeId)), cancellationToken);

    /// <summary>Every lease, by duty.</summary>
    public Task<List<DutyLease>> ListAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection => Sql.ListAsync(connection, null,
            "SELECT duty, holder, expires_at, acquired_at FROM duty_leases ORDER BY duty;",
            r => new DutyLease(r.GetString(0), r.GetString(1), Sql.Ms(r.GetInt64(2)), Sql.Ms(r.GetInt64(3))), cancellationToken), cancellationToken);
}
