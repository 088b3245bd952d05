namespace GridEdge.Edge.Outbox;

/// <summary>What the outbox has done since it was opened; records per commit shows group commit at work.</summary>
public sealed class OutboxCounters
{
    private long _appended, _commits, _failedCommits, _delivered, _corruptStoresMovedAside, _checkpoints, _dedupeAnswered, _dedupeExpired, _dedupeEvicted, _evicted, _refusedFull;

    /// <summary>Records committed (each one's AppendAsync has returned or is about to).</summary>
    public long Appended => Interlocked.Read(ref _appended);
    /// <summary>Append transactions committed.</summary>
    public long Commits => Interlocked.Read(ref _commits);
    /// <summary>Append transactions that failed (every caller in them got the exception).</summary>
    public long FailedCommits => Interlocked.Read(ref _failedCommits);
    /// <summary>Records removed because the server acknowledged them.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);
    /// <summary>Store files that failed to open and were renamed aside.</summary>
    public long CorruptStoresMovedAside => Interlocked.Read(ref _corruptStoresMovedAside);
    /// <summary>Explicit checkpoints of the LiteDB log into the data file.</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Appends with a key already stored: nothing was stored again, the earlier group was returned.</summary>
    public long DedupeAnswered => Interlocked.Read(ref _dedupeAnswered);
    /// <summary>Keys of appends stored once that were dropped because they expired.</summary>
    public long DedupeKeysExpired => Interlocked.Read(ref _dedupeExpired);
    /// <summary>Keys dropped before expiring because more than <see cref="OutboxSettings.MaxDedupeKeys"/> were held: a resend of theirs would be stored again.</summary>
    public long DedupeKeysEvicted => Interlocked.Read(ref _dedupeEvicted);
    /// <summary>Records given up at the quota before the server had them (oldest readings; their ranges are gap notes).</summary>
    public long Evicted => Interlocked.Read(ref _evicted);
    /// <summary>Appends refused because the outbox was at its quota with nothing evictable left.</summary>
    public long RefusedFull => Interlocked.Read(ref _refusedFull);

    public double RecordsPerCommit => Commits == 0 ? 0 : (double)Appended / Commits;

    internal void AddCommit(int records) { Interlocked.Add(ref _appended, records); Interlocked.Increment(ref _commits); }
    internal void AddFailedCommit() => Interlocked.Increment(ref _failedCommits);
    internal void AddDelivered(long records) => Interlocked.Add(ref _delivered, records);
    internal void AddCorruptStore() => Interlocked.Increment(ref _corruptStoresMovedAside);
    internal void AddDedupeAnswered() => Interlocked.Increment(ref _dedupeAnswered);
    internal void AddDedupePruned(int expired, int evicted)
    {
        if (expired > 0) Interlocked.Add(ref _dedupeExpired, expired);
        if (evicted > 0) Interlocked.Add(ref _dedupeEvicted, evicted);
    }
    internal void AddEvicted(long records) => Interlocked.Add(ref _evicted, records);
    internal void AddRefusedFull(long appends) => Interlocked.Add(ref _refusedFull, appends);
    internal void AddCheckpoint() => Interlocked.Increment(ref _checkpoints);
}
