using GridEdge.Protocol.Wire;

namespace GridEdge.Server.Gateways;

/// <summary>
/// Each gateway's last known state (status, monitors, connection), the store epochs that keep a replaced outbox store's
/// numbers apart, and the extent and gaps of every stream it sent, over whichever engine holds the ledger.
/// </summary>
public interface IGatewayStore
{
    /// <summary>Fails if the ledger cannot be reached (health check).</summary>
    Task PingAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The offset at which a gateway's outbox store keeps its records of a stream (ledger seq = the store's seq + offset),
    /// registering the store when it is new: the first store of a stream gets 0 (so does the legacy store, null, while it is
    /// the only one), a later store the highest seq stored so far, so a store that starts at 1 again never lands on
    /// earlier records. The holes of every store before the latest are reported as <c>store_replaced</c> gaps.
    /// </summary>
    Task<long> OpenStoreAsync(string gatewayId, string stream, Guid? storeId, CancellationToken cancellationToken = default);

    /// <summary>Records ranges a gateway says it will never send (ledger seqs), with their reason; a repeated note is stored once.</summary>
    Task RecordGapNotesAsync(string gatewayId, IReadOnlyList<GapNote> notes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a birth or death certificate: online state, versions and boot id. An older status than the last applied one is ignored.
    /// A status that lists HJ 212 monitors replaces the gateway's monitor list (last contact never moves backwards), whatever its age.
    /// </summary>
    Task RecordStatusAsync(GatewayStatus status, CancellationToken cancellationToken = default);

    /// <summary>The HJ 212 monitors a gateway last reported, by MN.</summary>
    Task<IReadOnlyList<MonitorRecord>> GetMonitorsAsync(string gatewayId, CancellationToken cancellationToken = default);

    /// <summary>Marks the gateway connected and seen at <paramref name="seenAt"/>.</summary>
    Task TouchGatewayAsync(string gatewayId, DateTimeOffset seenAt, CancellationToken cancellationToken = default);

    /// <summary>Marks the gateway disconnected at <paramref name="at"/>.</summary>
    Task MarkOfflineAsync(string gatewayId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Every gateway known to the ledger, by id, with its streams' figures (reads every stored record: for listings, not checks).</summary>
    Task<IReadOnlyList<GatewaySummary>> GetGatewaysAsync(CancellationToken cancellationToken = default);

    /// <summary>Every gateway's state (online, last seen, versions) without its streams: one small table, for checks and the live feed.</summary>
    Task<IReadOnlyList<GatewaySummary>> GetGatewayStatesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Sequence ranges missing between 1 and the highest stored seq of one gateway's stream, in order, each with its reason
    /// where one is known: a gap note's, or <c>store_replaced</c> inside the range of a store a later one replaced.
    /// </summary>
    Task<IReadOnlyList<LedgerGap>> GetGapsAsync(string gatewayId, string stream, CancellationToken cancellationToken = default);
}
