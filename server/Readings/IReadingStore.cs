using GridEdge.Protocol.Wire;
using GridEdge.Server.Ledgers;

namespace GridEdge.Server.Readings;

/// <summary>
/// The readings ledger: readings keyed by (gateway, stream, seq) so a redelivered record is stored once and a missing
/// range is visible, queried by time with keyset paging, and thinned by age.
/// </summary>
public interface IReadingStore
{
    /// <summary>
    /// Stores every record of the batch in one transaction, durable when the task completes. Records already stored are
    /// ignored, not overwritten. The whole batch range is then committed, whether its records were new or duplicates.
    /// </summary>
    Task<CommitResult> CommitBatchAsync(Batch batch, CancellationToken cancellationToken = default);

    /// <summary>One page of readings ordered by (timestamp, gateway, stream, seq), newest first when the query says so, with a cursor to the next page.</summary>
    Task<ReadingPage> QueryReadingsAsync(ReadingQuery query, CancellationToken cancellationToken = default);

    /// <summary>How many readings match the filters of <paramref name="query"/> (its limit and cursor are ignored).</summary>
    Task<long> CountReadingsAsync(ReadingQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes readings older than <paramref name="months"/> whole calendar months (UTC) before the month of <paramref name="now"/>:
    /// PostgreSQL drops whole monthly partitions, SQLite deletes the rows. 0 keeps everything.
    /// </summary>
    Task<ReadingRetention> ApplyRetentionAsync(DateTimeOffset now, int months, CancellationToken cancellationToken = default);
}

/// <summary>What a retention pass removed: readings before <paramref name="Before"/> (null when retention is off).</summary>
public sealed record ReadingRetention(DateTimeOffset? Before, int PartitionsDropped, long RowsDeleted);
