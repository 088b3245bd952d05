using System.Collections.Concurrent;

namespace GridEdge.Server.Ingest;

/// <summary>Why a payload was not ingested.</summary>
public enum RejectReason
{
    /// <summary>The topic is not under gridedge/v1/{gatewayId}/.</summary>
    BadTopic,
    /// <summary>The topic's leaf is not one the ingest takes (status or up/{stream}).</summary>
    UnknownLeaf,
    /// <summary>The payload is over Server:Ingest:MaxPayloadBytes.</summary>
    Oversize,
    /// <summary>The payload did not decode or validate.</summary>
    DecodeError,
    /// <summary>The payload's gateway id or stream differs from its topic's.</summary>
    TopicMismatch,
    /// <summary>A valid message of the wrong kind for its topic (e.g. an ack sent up).</summary>
    UnexpectedMessage,
    /// <summary>The ledger failed to store it (the gateway will send it again: no ack was sent).</summary>
    LedgerFailure,
}

/// <summary>Counters of what the ingest did since start; read by /health and /api/ingest/metrics.</summary>
public sealed class IngestMetrics
{
    private long _batches, _recordsNew, _recordsDuplicate, _statuses, _acksPublished, _ackFailures;
    private readonly ConcurrentDictionary<RejectReason, long> _rejected = new();
    private readonly ConcurrentDictionary<string, long> _refused = new(StringComparer.Ordinal);

    public void BatchCommitted(int recordsNew, int recordsDuplicate)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _recordsNew, recordsNew);
        Interlocked.Add(ref _recordsDuplicate, recordsDuplicate);
    }

    public void StatusRecorded() => Interlocked.Increment(ref _statuses);
    public void AckPublished() => Interlocked.Increment(ref _acksPublished);
    public void AckFailed() => Interlocked.Increment(ref _ackFailures);
    public void Rejected(RejectReason reason) => _rejected.AddOrUpdate(reason, 1, (_, n) => n + 1);

    /// <summary>Counts a broker refusal: "connect", "publish" or "subscribe".</summary>
    public void Refused(string what) => _refused.AddOrUpdate(what, 1, (_, n) => n + 1);

    public long RejectedCount(RejectReason reason) => _rejected.GetValueOrDefault(reason);
    public long RefusedCount(string what) => _refused.GetValueOrDefault(what);

    public IngestMetricsSnapshot Snapshot() => new(
        Interlocked.Read(ref _batches),
        Interlocked.Read(ref _recordsNew),
        Interlocked.Read(ref _recordsDuplicate),
        Interlocked.Read(ref _statuses),
        Interlocked.Read(ref _acksPublished),
        Interlocked.Read(ref _ackFailures),
        Enum.GetValues<RejectReason>().ToDictionary(r => ToCamel(r.ToString()), r => _rejected.GetValueOrDefault(r)),
        new[] { "connect", "publish", "subscribe" }.ToDictionary(k => k, k => _refused.GetValueOrDefault(k)));

    private static string ToCamel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>A point-in-time copy of <see cref="IngestMetrics"/>.</summary>
public sealed record IngestMetricsSnapshot(
    long Batches,
    long RecordsNew,
    long RecordsDuplicate,
    long StatusMessages,
    long AcksPublished,
    long AckFailures,
    IReadOnlyDictionary<string, long> Rejected,
    IReadOnlyDictionary<string, long> Refused)
{
    /// <summary>Photos assembled on the server: verified complete, and assembled files that failed their SHA-256 (kept aside).</summary>
    public AttachmentMetrics? Attachments { get; init; }
}

/// <summary>Counters of attachment assembly in the ledger.</summary>
public sealed record AttachmentMetrics(long Completed, long Mismatches);
