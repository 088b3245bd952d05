using System.Data.Common;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Gateways;

/// <summary>Moves a gateway's last-seen time forward (never back) inside another write's transaction (every batch commit).</summary>
public static class GatewayTouch
{
    public static Task SeenAsync(LedgerDatabase database, DbConnection connection, DbTransaction transaction, string gatewayId, long at, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(connection, transaction, $"""
            INSERT INTO gateways (id, last_seen) VALUES (@id, @at)
            ON CONFLICT (id) DO UPDATE SET last_seen = {database.Greatest("coalesce(gateways.last_seen, 0)", "excluded.last_seen")};
            """, cancellationToken, ("@id", gatewayId), ("@at", at));
}
