using System.Data.Common;
using GridEdge.Protocol.Records;

namespace GridEdge.Server.Alerts;

/// <summary>
/// Something that acts on each alert transition in the transaction that stores it (the problem an alarm opens): it commits with
/// the transition or not at all, and a redelivered transition, stored already, never reaches it again.
/// </summary>
public interface IAlertFollower
{
    /// <summary>Called once for each transition stored for the first time, in batch order, inside the alert ledger's write transaction.</summary>
    /// <param name="seq">The transition's seq in the gateway's alerts stream (ledger numbers).</param>
    /// <param name="receivedAt">The server's receive time, Unix ms.</param>
    Task FollowAsync(DbConnection connection, DbTransaction transaction, string gateway, long seq, Alert alert, long receivedAt, CancellationToken cancellationToken);
}
