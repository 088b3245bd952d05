using GridEdge.Protocol.Wire;
using GridEdge.Server.Ledgers;

namespace GridEdge.Server.Alerts;

/// <summary>
/// The alert ledger: every alert transition a gateway sent, keyed by (gateway, seq) like readings, and one aggregated
/// row per alert folded from them.
/// </summary>
public interface IAlertStore
{
    /// <summary>
    /// Stores the alert transitions of a batch of the <c>alerts</c> stream in one transaction and folds each new one into
    /// its alert's aggregated row (severity only rises; raised and acknowledged keep the earliest time, cleared the latest).
    /// Duplicates are ignored; the whole range is committed.
    /// </summary>
    Task<CommitResult> CommitAlertsAsync(Batch batch, CancellationToken cancellationToken = default);

    /// <summary>One page of aggregated alerts: open ones first, then newest (by <see cref="StoredAlert.OpenedAt"/>) first.</summary>
    Task<AlertPage> QueryAlertsAsync(AlertQuery query, CancellationToken cancellationToken = default);

    /// <summary>Every alert with a raise time in [<paramref name="from"/>, <paramref name="to"/>), optionally of one gateway, for response-time figures.</summary>
    Task<IReadOnlyList<StoredAlert>> GetRaisedAlertsAsync(string? gatewayId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default);

    /// <summary>How many alert transitions (records of the alerts stream) the ledger holds for a gateway.</summary>
    Task<long> CountAlertTransitionsAsync(string gatewayId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Alert transitions that reached the ledger at or after <paramref name="receivedFromMs"/> (the server's clock), oldest
    /// arrival first, at most <paramref name="limit"/>: what the console's live feed sends.
    /// </summary>
    Task<IReadOnlyList<AlertArrival>> ArrivedSinceAsync(long receivedFromMs, int limit, CancellationToken cancellationToken = default);

    /// <summary>The aggregated alert <paramref name="alertId"/> of a gateway, or null when the ledger has none.</summary>
    Task<StoredAlert?> GetAlertAsync(string gatewayId, string alertId, CancellationToken cancellationToken = default);
}
