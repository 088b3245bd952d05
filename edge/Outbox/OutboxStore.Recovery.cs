using Microsoft.Extensions.Logging;

namespace GridEdge.Edge.Outbox;

public sealed partial class OutboxStore
{
    // Set when a commit failed and cleared by the next that succeeds; the store must be reopened before it is used again.
    private volatile bool _commitFailing;
    private volatile bool _needsReopen;

    /// <summary>
    /// Whether the writer is alive and able to commit: false from a failed commit (a full disk) until one succeeds. The
    /// systemd watchdog pets only while this holds, so a writer that cannot store anything gets the gateway restarted.
    /// </summary>
    public bool IsWriterHealthy => IsWriterAlive && !_commitFailing;

    /// <summary>
    /// After a failed commit LiteDB may hold a half-finished transaction with its locks, or may have closed its engine;
    /// and the commit may have reached the log before the failure (a checkpoint that ran out of space). So the store is
    /// reopened and the streams' state read back from it: the sequence numbers continue from what was committed, and
    /// the group is answered by what the file holds (stored, or failed with nothing stored).
    /// </summary>
    private void RecoverFromFailedCommit(List<PendingAppend> group, Exception failure)
    {
        _commitFailing = true;
        Counters.AddFailedCommit();
        Dictionary<string, long> nextBefore;
        bool committed;
        lock (_writeLock)
        {
            nextBefore = _streams.ToDictionary(s => s.Key, s => s.Value.Next, StringComparer.Ordinal);
            _needsReopen = true;
            committed = TryReopen() && group.Count > 0 && _streams[group[0].Stream].Next > nextBefore[group[0].Stream];
        }
        if (!committed)
        {
            LogThrottled(LogLevel.Error, "commit:" + failure.GetType().Name + ":" + failure.Message, failure,
                "Outbox commit failed ({Error}); its appends were refused with nothing stored ({Count} failed commits like it since the last report)", failure.Message);
            var refusal = new OutboxUnavailableException($"the outbox could not store the record ({failure.Message}); nothing was stored, retry later", failure);
            foreach (var pending in group) pending.Fail(refusal);
            return;
        }
        // The transaction reached the file: every append in it is stored, with the numbers it was given.
        _logger.LogWarning("Outbox commit reported {Error} after the records were stored; the store was reopened and the {Count} appends answered", failure.Message, group.Count);
        _commitFailing = false;
        Counters.AddCommit(group.Sum(p => p.Records.Length));
        foreach (var pending in group)
        {
            // A keyed append may have been answered from an earlier commit: the reopened store's keys say where it is.
            if (pending.Dedupe is { } entry && FindStored(entry.Key) is { } stored)
            {
                pending.Succeed(stored);
                continue;
            }
            var first = nextBefore[pending.Stream];
            nextBefore[pending.Stream] += pending.Records.Length;
            pending.Succeed(new StoredGroup(pending.Stream, first, pending.Records.Length, pending.Dedupe?.Answer ?? [], Earlier: false));
        }
        foreach (var stream in group.Select(p => p.Stream).Distinct()) RaiseCommitted(stream);
    }

    /// <summary>Reopens the store if a failure left it unusable; false (and logged, throttled) when it cannot be opened yet.</summary>
    private bool TryReopen()
    {
        if (!_needsReopen) return true;
        lock (_writeLock)
        {
            if (!_needsReopen) return true;
            try { LiteTransactions.Close(_db, _engine); }
            catch (Exception e)
            {
                LogThrottled(LogLevel.Warning, "close:" + e.GetType().Name, null, "Closing the outbox after a failure: {Error} ({Count} since the last report)", e.Message);
            }
            try
            {
                _db = OpenAndProbe();
                _db.CheckpointSize = _settings.CheckpointSizePages;
                _needsReopen = false;
                return true;
            }
            catch (Exception e)
            {
                LogThrottled(LogLevel.Error, "reopen:" + e.GetType().Name + ":" + e.Message, null,
                    "The outbox could not be reopened: {Error} ({Count} attempts since the last report)", e.Message);
                return false;
            }
        }
    }

    /// <summary>
    /// Rolls back after a failed write without hiding why it failed: after an I/O error LiteDB's own rollback often fails
    /// too ("discarded page must be writable"), and then only reopening the store clears its state.
    /// </summary>
    private void RollbackAfterFailure()
    {
        try { _db.Rollback(); }
        catch (Exception e) when (e is LiteDB.LiteException or IOException or ObjectDisposedException or InvalidOperationException) { }
        // This thread's failed transaction is abandoned with the store: its finalizer must not roll it back again.
        LiteTransactions.Disarm(_engine);
        _needsReopen = true;
    }

    /// <summary>ENOSPC (28) on Linux, ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL on Windows, here or in an inner exception.</summary>
    internal static bool IsDiskFull(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is IOException && e.HResult is 28 or unchecked((int)0x80070027) or unchecked((int)0x80070070)) return true;
        return false;
    }

    private void LogThrottled(LogLevel level, string key, Exception? exception, string template, params object?[] args)
    {
        if (!_logThrottle.ShouldLog(key, out var count)) return;
#pragma warning disable CA2254 // the templates are constants of this class; the count is always their last property
        _logger.Log(level, exception, template, [.. args, count]);
#pragma warning restore CA2254
    }
}
