using GridEdge.Protocol.Wire;

namespace GridEdge.Server.Ledgers;

/// <summary>
/// The server's durable ledger of what gateways sent: records keyed by (gateway, stream, seq) so a redelivered record is
/// stored once and a missing range is visible, plus each gateway's last known state. SQLite now, PostgreSQL later: both
/// must pass <c>LedgerContractTests</c>.
/// </summary>
public interface ILedgerStore
{
    /// <summary>Creates the schema if needed. Idempotent; called once at start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Fails if the ledger cannot be reached (health check).</summary>
    Task PingAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores every record of the batch in one transaction, durable when the task completes. Records already stored are
    /// ignored, not overwritten. The whole batch range is then committed, whether its records were new or duplicates.
    /// </summary>
    Task<CommitResult> CommitBatchAsync(Batch batch, CancellationToken cancellationToken = default);

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

    /// <summary>Every gateway known to the ledger, by id.</summary>
    Task<IReadOnlyList<GatewaySummary>> GetGatewaysAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Sequence ranges missing between 1 and the highest stored seq of one gateway's stream, in order, each with its reason
    /// where one is known: a gap note's, or <c>store_replaced</c> inside the range of a store a later one replaced.
    /// </summary>
    Task<IReadOnlyList<LedgerGap>> GetGapsAsync(string gatewayId, string stream, CancellationToken cancellationToken = default);

    /// <summary>One page of readings ordered by (timestamp, gateway, stream, seq), newest first when the query says so, with a cursor to the next page.</summary>
    Task<ReadingPage> QueryReadingsAsync(ReadingQuery query, CancellationToken cancellationToken = default);

    /// <summary>How many readings match the filters of <paramref name="query"/> (its limit and cursor are ignored).</summary>
    Task<long> CountReadingsAsync(ReadingQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the alert transitions of a batch of the <c>alerts</c> stream in one transaction, keyed by (gateway, seq) like
    /// readings, and folds each new one into its alert's aggregated row (severity only rises; raised and acknowledged
    /// keep the earliest time, cleared the latest). Duplicates are ignored; the whole range is committed.
    /// </summary>
    Task<CommitResult> CommitAlertsAsync(Batch batch, CancellationToken cancellationToken = default);

    /// <summary>One page of aggregated alerts: open ones first, then newest (by <see cref="StoredAlert.OpenedAt"/>) first.</summary>
    Task<AlertPage> QueryAlertsAsync(AlertQuery query, CancellationToken cancellationToken = default);

    /// <summary>Every alert with a raise time in [<paramref name="from"/>, <paramref name="to"/>), optionally of one gateway, for response-time figures.</summary>
    Task<IReadOnlyList<StoredAlert>> GetRaisedAlertsAsync(string? gatewayId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default);

    /// <summary>How many alert transitions (records of the alerts stream) the ledger holds for a gateway.</summary>
    Task<long> CountAlertTransitionsAsync(string gatewayId, CancellationToken cancellationToken = default);

    /// <summary>The aggregated alert <paramref name="alertId"/> of a gateway, or null when the ledger has none.</summary>
    Task<StoredAlert?> GetAlertAsync(string gatewayId, string alertId, CancellationToken cancellationToken = default);

    /// <summary>Records a command sent to a gateway (before it is published, so a fast answer always finds it).</summary>
    Task RecordCommandAsync(IssuedCommand command, CancellationToken cancellationToken = default);

    /// <summary>Stores the command results of a batch of the <c>cmdres</c> stream, keyed by (gateway, seq); duplicates are ignored, the whole range is committed.</summary>
    Task<CommitResult> CommitCommandResultsAsync(Batch batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// The latest commands sent to a gateway, newest first (then by command id), each with the gateway's latest answer; with
    /// <paramref name="after"/>, those that come after that command in this order.
    /// </summary>
    Task<IReadOnlyList<CommandWithResult>> GetCommandsAsync(string gatewayId, int limit = 100, CancellationToken cancellationToken = default,
        (DateTimeOffset IssuedAt, string CommandId)? after = null);

    /// <summary>Reserves the next configuration serial of a gateway (1, 2, …) and records the configuration as sent.</summary>
    Task<SentConfig> RecordConfigAsync(string gatewayId, Func<long, string> version, string alertRules, DateTimeOffset sentAt, CancellationToken cancellationToken = default);

    /// <summary>The last configuration sent to a gateway with the answer to its version, or null when none was sent.</summary>
    Task<SentConfig?> GetConfigAsync(string gatewayId, CancellationToken cancellationToken = default);
}
