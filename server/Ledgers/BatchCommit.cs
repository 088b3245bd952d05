using System.Data.Common;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Gateways;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Ledgers;

/// <summary>
/// The frame every batch commit of a gateway stream shares: one write transaction holding the batch's records (stored by
/// the caller, which returns how many were new) and the gateway's last-seen time, then the result. Committed means durable.
/// </summary>
public static class BatchCommit
{
    /// <summary>Checks the batch, runs <paramref name="store"/> and the last-seen update in one transaction, and reports the range.</summary>
    /// <param name="store">Stores the records; given the connection, the transaction and the receive time (Unix ms).</param>
    public static async Task<CommitResult> CommitAsync(LedgerDatabase database, TimeProvider time, Batch batch, string? expectedStream,
        Func<DbConnection, DbTransaction, long, Task<int>> store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Records.Count == 0) throw new ArgumentException("a batch needs at least one record", nameof(batch));
        if (expectedStream is not null && batch.Stream != expectedStream)
            throw new ArgumentException($"stream '{batch.Stream}' is not '{expectedStream}'", nameof(batch));
        var receivedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        var added = await database.WriteAsync(async (connection, transaction) =>
        {
            var added = await store(connection, transaction, receivedAt);
            await GatewayTouch.SeenAsync(database, connection, transaction, batch.GatewayId, receivedAt, cancellationToken);
            return added;
        }, cancellationToken);
        return new CommitResult(batch.GatewayId, batch.Stream, new SeqRange(batch.FirstSeq, batch.LastSeq), added, batch.Records.Count - added);
    }
}
