using System.Data.Common;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Ledgers;
using GridEdge.Server.Patrols;
using GridEdge.Server.Photos;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Grid;

/// <summary>
/// The terminal streams' ingest (check-ins, uploads, attachments) into the patrol, problem and photo ledgers: one
/// transaction per batch with the gateway's last-seen time, the whole range committed and returned for the ack like every
/// other stream. Records are keyed by (gateway, seq) and by (terminal, record_id), so a redelivery, or the same terminal
/// record through another gateway, is stored once.
/// </summary>
public sealed class GridStore(LedgerDatabase database, IPatrolLedger patrols, IProblemLedger problems, PhotoLedger photos, TimeProvider? time = null,
    Tasks.TaskStepLedger? taskSteps = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Counters of photo assembly since start.</summary>
    public AttachmentCounters Attachments => photos.Counters;

    /// <summary>Whether <see cref="CommitAsync"/> takes batches of <paramref name="stream"/>.</summary>
    public static bool IsTerminalStream(string stream) => stream is Streams.CheckIns or Streams.Uploads or Streams.Attachments;

    /// <summary>Commits a batch of any terminal stream (checkins, uploads, attachments).</summary>
    public Task<CommitResult> CommitAsync(Batch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Stream switch
        {
            Streams.CheckIns => CommitInTransactionAsync(batch, async (connection, transaction, receivedAt) =>
            {
                var added = 0;
                for (var i = 0; i < batch.Records.Count; i++)
                {
                    if (batch.Records[i] is not CheckIn c) throw new NotSupportedException($"records[{i}]: the checkins stream carries check-ins, not {batch.Records[i].GetType().Name}");
                    if (await patrols.AddCheckInAsync(connection, transaction, batch.GatewayId, batch.FirstSeq + i, c, receivedAt, cancellationToken)) added++;
                }
                return added;
            }, cancellationToken),
            Streams.Uploads => CommitInTransactionAsync(batch, async (connection, transaction, receivedAt) =>
            {
                var added = 0;
                for (var i = 0; i < batch.Records.Count; i++)
                {
                    var seq = batch.FirstSeq + i;
                    var isNew = batch.Records[i] switch
                    {
                        PatrolRecord p => await patrols.AddPatrolAsync(connection, transaction, batch.GatewayId, seq, p, receivedAt, cancellationToken),
                        ProblemReport r => await problems.AddReportAsync(connection, transaction, batch.GatewayId, seq, r, receivedAt, cancellationToken),
                        // Stored undecided with the batch; the tasks duty applies it to its problem or complaint right after.
                        TaskStep s when taskSteps is not null => await taskSteps.AddAsync(connection, transaction, batch.GatewayId, seq, s, receivedAt, cancellationToken),
                        var other => throw new NotSupportedException($"records[{i}]: the uploads stream carries {Streams.Carries(Streams.Uploads)}, not {other.GetType().Name}"),
                    };
                    if (isNew) added++;
                }
                return added;
            }, cancellationToken),
            Streams.Attachments => CommitInTransactionAsync(batch,
                (connection, transaction, receivedAt) => photos.AddChunksAsync(connection, transaction, batch, receivedAt, cancellationToken), cancellationToken),
            _ => throw new ArgumentException($"stream '{batch.Stream}' is not a terminal stream", nameof(batch)),
        };
    }

    /// <summary>The frame of every terminal-stream commit: one transaction with the records and the gateway's last-seen time.</summary>
    private async Task<CommitResult> CommitInTransactionAsync(Batch batch, Func<DbConnection, DbTransaction, long, Task<int>> store, CancellationToken cancellationToken)
    {
        if (batch.Records.Count == 0) throw new ArgumentException("a batch needs at least one record", nameof(batch));
        var receivedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var added = await database.WriteAsync(async (connection, transaction) =>
        {
            var added = await store(connection, transaction, receivedAt);
            await Sql.ExecuteAsync(connection, transaction, $"""
                INSERT INTO gateways (id, last_seen) VALUES (@id, @at)
                ON CONFLICT (id) DO UPDATE SET last_seen = {database.Greatest("COALESCE(gateways.last_seen, 0)", "excluded.last_seen")};
                """, cancellationToken, ("@id", batch.GatewayId), ("@at", receivedAt));
            return added;
        }, cancellationToken);
        return new CommitResult(batch.GatewayId, batch.Stream, new SeqRange(batch.FirstSeq, batch.LastSeq), added, batch.Records.Count - added);
    }
}
