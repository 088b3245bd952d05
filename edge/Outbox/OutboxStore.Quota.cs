using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Logging;

namespace GridEdge.Edge.Outbox;

public sealed partial class OutboxStore
{
    /// <summary>The bytes the outbox may hold (records plus their overhead, see <see cref="OutboxQuota"/>); 0: no quota.</summary>
    public long QuotaBytes { get; }

    /// <summary>What the records waiting here count against the quota.</summary>
    public long UsedBytes
    {
        get
        {
            lock (_writeLock)
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
                return Used();
            }
        }
    }

    /// <summary>Ranges of records given up before the server had them (oldest first), not yet reported to it.</summary>
    public IReadOnlyList<EvictionNote> PendingGapNotes()
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return OutboxEviction.Read(_db);
        }
    }

    /// <summary>Forgets gap notes the server has acknowledged; returns how many were still here.</summary>
    public int MarkGapNotesSent(IEnumerable<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return OutboxEviction.Delete(_db, ids);
        }
    }

    // Callers hold _writeLock.
    private long Used()
    {
        var used = 0L;
        foreach (var (stream, state) in _streams)
        {
            state.PendingBytes ??= SizeOf(_db.GetCollection(CollectionName(stream)), null);
            used += state.PendingBytes.Value + state.Backlog * OutboxQuota.RecordOverheadBytes;
        }
        return used + _dedupe.Count * OutboxQuota.DedupeKeyBytes;
    }

    /// <summary>
    /// Makes room for a group under the quota, evicting the oldest evictable readings if it must. A group that still does
    /// not fit is refused whole with <see cref="OutboxFullException"/> (an empty list is returned): the appends of one
    /// source (an HJ 212 frame's readings) are stored together or not at all, so its resend stores nothing twice.
    /// </summary>
    private List<PendingAppend> AdmitWithinQuota(List<PendingAppend> group)
    {
        if (QuotaBytes <= 0) return group;
        lock (_writeLock)
        {
            var used = Used();
            var incoming = group.Sum(p => p.Records.Sum(r => OutboxQuota.Cost(r.Bytes.Length)) + (p.Dedupe is null ? 0 : OutboxQuota.DedupeKeyBytes));
            // The filesystem itself is nearly full (the estimate was low, or another process filled it): take only what
            // fits in pages eviction frees, so the file does not grow into ENOSPC.
            if (OutboxQuota.FreeBytes(_settings.DataDirectory) is { } free && free < _reserveBytes)
            {
                var freed = Evict(Streams.Readings, incoming).Cost;
                if (freed >= incoming) return group;
                return RefuseFull(group, $"the gateway's disk is nearly full ({free} bytes free, {_reserveBytes} kept for the store's log and the system)");
            }
            if (used + incoming <= QuotaBytes) return group;

            var target = (long)(QuotaBytes * OutboxQuota.EvictToShare);
            used -= Evict(Streams.Readings, used + incoming - target).Cost;
            if (used + incoming <= QuotaBytes) return group;

            return RefuseFull(group, $"{used} of {QuotaBytes} bytes ({QuotaKey}) hold records that may not be evicted");
        }
    }

    private List<PendingAppend> RefuseFull(List<PendingAppend> group, string why)
    {
        var full = new OutboxFullException($"the outbox is full: {why}; retry once the uplink has delivered some");
        foreach (var pending in group) pending.Fail(full);
        Counters.AddRefusedFull(group.Count);
        LogThrottled(LogLevel.Warning, "full", null, "Outbox full ({Why}): refused {Count} commits since the last report", why);
        return [];
    }

    private OutboxEviction.Evicted Evict(string stream, long cost)
    {
        var state = _streams[stream];
        _db.BeginTrans();
        OutboxEviction.Evicted evicted;
        try
        {
            evicted = OutboxEviction.EvictOldest(_db, CollectionName(stream), stream, cost, SizeField, _time.GetUtcNow());
            if (evicted.Count == 0)
            {
                _db.Rollback();
                return evicted;
            }
            // Appends write no counter; a delete that may take a stream's last records must (LoadStreamState).
            _db.GetCollection(MetaCollection).Upsert(MetaDocument(stream, state.Next, state.DeliveredThrough));
            if (!_db.Commit()) throw new InvalidOperationException("LiteDB reported no transaction to commit");
            FileSync.File(_settings.LogFilePath);
        }
        catch
        {
            RollbackAfterFailure();
            throw;
        }
        state.Backlog -= evicted.Count;
        state.PendingBytes -= evicted.Bytes;
        Counters.AddEvicted(evicted.Count);
        LogThrottled(LogLevel.Warning, "evicted", null,
            "Outbox at its quota of {Quota} bytes: evicted the oldest {Stream} ({Count} evictions since the last report; their ranges are kept as gap notes for the server)",
            QuotaBytes, stream);
        return evicted;
    }

    private const string QuotaKey = "Edge:Outbox:QuotaBytes";
}
