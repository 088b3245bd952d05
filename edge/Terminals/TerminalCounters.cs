namespace GridEdge.Edge.Terminals;

/// <summary>What the terminal API has accepted and refused since start. Thread-safe; read with <see cref="Snapshot"/>.</summary>
public sealed class TerminalCounters
{
    private long _checkIns, _patrols, _problems, _taskSteps, _attachments, _replays, _unauthorized, _forbidden, _invalid, _idempotencyConflicts,
        _uploadConflicts, _quota, _hashMismatches, _tooLarge, _interruptedUploads, _failures, _rateLimited,
        _connectionsEvicted, _connectionsRefused, _connectionsSilent;

    internal void CheckIn() => Interlocked.Increment(ref _checkIns);
    internal void Patrol() => Interlocked.Increment(ref _patrols);
    internal void Problem() => Interlocked.Increment(ref _problems);
    internal void TaskStep() => Interlocked.Increment(ref _taskSteps);
    internal void Attachment() => Interlocked.Increment(ref _attachments);
    internal void Replay() => Interlocked.Increment(ref _replays);
    internal void Unauthorized() => Interlocked.Increment(ref _unauthorized);
    internal void Forbidden() => Interlocked.Increment(ref _forbidden);
    internal void Invalid() => Interlocked.Increment(ref _invalid);
    internal void IdempotencyConflict() => Interlocked.Increment(ref _idempotencyConflicts);
    internal void UploadConflict() => Interlocked.Increment(ref _uploadConflicts);
    internal void OverQuota() => Interlocked.Increment(ref _quota);
    internal void HashMismatch() => Interlocked.Increment(ref _hashMismatches);
    internal void TooLarge() => Interlocked.Increment(ref _tooLarge);
    internal void InterruptedUpload() => Interlocked.Increment(ref _interruptedUploads);
    internal void Failure() => Interlocked.Increment(ref _failures);
    internal void RateLimited() => Interlocked.Increment(ref _rateLimited);
    internal void ConnectionEvicted() => Interlocked.Increment(ref _connectionsEvicted);
    internal void ConnectionRefused() => Interlocked.Increment(ref _connectionsRefused);
    internal void ConnectionSilent() => Interlocked.Increment(ref _connectionsSilent);

    public TerminalCountersSnapshot Snapshot() => new(
        new AcceptedCounts(Read(ref _checkIns), Read(ref _patrols), Read(ref _problems), Read(ref _attachments), Read(ref _replays), Read(ref _taskSteps)),
        new RefusedCounts(Read(ref _unauthorized), Read(ref _forbidden), Read(ref _invalid), Read(ref _idempotencyConflicts), Read(ref _uploadConflicts),
            Read(ref _quota), Read(ref _hashMismatches), Read(ref _tooLarge), Read(ref _failures), Read(ref _rateLimited)),
        Read(ref _interruptedUploads),
        new ConnectionCounts(Read(ref _connectionsEvicted), Read(ref _connectionsRefused), Read(ref _connectionsSilent)));

    private static long Read(ref long value) => Interlocked.Read(ref value);
}

/// <summary>The terminal API's counters at one moment.</summary>
public sealed record TerminalCountersSnapshot(AcceptedCounts Accepted, RefusedCounts Refused, long InterruptedUploads, ConnectionCounts Connections);

/// <summary>Requests stored (replays: retries answered with the first response, nothing stored again).</summary>
public sealed record AcceptedCounts(long CheckIns, long Patrols, long Problems, long Attachments, long Replays, long TaskSteps);

/// <summary>Requests refused, by reason.</summary>
public sealed record RefusedCounts(long Unauthorized, long Forbidden, long Invalid, long IdempotencyConflict, long UploadConflict, long OverQuota,
    long HashMismatch, long TooLarge, long Failed, long RateLimited);

/// <summary>Connections the limit closed: idle ones for a newcomer (evicted), newcomers while all were busy (refused), ones that sent nothing in time (silent).</summary>
public sealed record ConnectionCounts(long Evicted, long Refused, long Silent);
