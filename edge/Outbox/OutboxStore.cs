using System.Threading.Channels;
using GridEdge.Edge.Time;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Diagnostics;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace GridEdge.Edge.Outbox;

/// <summary>
/// The gateway's durable outbox: every record is committed to one LiteDB file with the next sequence number of its
/// stream before its source is acknowledged, and stays there until the server acknowledges it.
/// </summary>
/// <remarks>
/// Appends go through a channel to one writer task that folds everything pending into one transaction (group
/// commit), so a thousand concurrent appends cost a handful of file syncs rather than a thousand. Each stream has
/// its own collection of runs of consecutive records (<see cref="RecordRun"/>) whose _id is the run's first sequence
/// number, so reading in order is a scan of the _id index and LiteDB's work is per run, not per record. An append may
/// carry a key (<see cref="AppendAllAsync"/>); the key is committed with its records in the <c>dedupe</c> collection,
/// which is no stream, and a later append with the same key stores nothing and gets the first one's answer.
/// </remarks>
public sealed partial class OutboxStore : IDisposable
{
    private const string MetaCollection = "meta";
    private const string RecordField = "r", SizeField = "n", NextField = "next", DeliveredThroughField = "deliveredThrough";
    // Only on records stamped while the clock was unsynchronised: the monotonic time of the stamp and the boot it belongs to.
    private const string MonotonicField = "m", BootField = "b", UncorrectableField = "u";

    private readonly OutboxSettings _settings;
    private readonly GatewayClock _clock;
    private readonly ILogger _logger;
    // Replaced only under _writeLock, when a failed commit left the store unusable (Outbox.Recovery.cs).
    private LiteDatabase _db;
    private LiteDB.Engine.LiteEngine? _engine;
    private readonly TimeProvider _time;
    private readonly LogThrottle _logThrottle;
    private readonly long _reserveBytes;
    private readonly SequenceReservation _reservation;
    private readonly Channel<PendingAppend> _appends;
    private readonly Task _writer;
    // Serialises every write transaction (appends, reclaims, checkpoints): LiteDB transactions belong to a thread.
    private readonly Lock _writeLock = new();
    private readonly Dictionary<string, StreamState> _streams = new(StringComparer.Ordinal);
    private DedupeKeys _dedupe = null!;
    private long _deliveredSinceCheckpoint;
    private int _disposed;

    /// <summary>Raised after a commit, with the stream, once the new records can be read. Handlers must be quick.</summary>
    public event Action<string>? RecordsCommitted;

    public OutboxCounters Counters { get; } = new();

    /// <summary>Whether the writer that commits appends is still running (the systemd watchdog pets only while it is).</summary>
    public bool IsWriterAlive => !_writer.IsCompleted;

    public string FilePath => _settings.FilePath;

    /// <summary>
    /// This store's identity (see <see cref="StoreIdentity"/>), sent with every batch and in the birth certificate; null for
    /// a store from before identities, which is sent as before.
    /// </summary>
    public Guid? StoreId { get; }

    /// <param name="time">Times eviction notes and throttles repeated log lines; the system clock when null.</param>
    public OutboxStore(OutboxSettings settings, ILogger<OutboxStore> logger, GatewayClock? clock = null, TimeProvider? time = null)
    {
        _settings = settings;
        _clock = clock ?? GatewayClock.ForThisBoot();
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _logThrottle = new LogThrottle(settings.RepeatedErrorLogInterval, _time);
        Directory.CreateDirectory(settings.DataDirectory);
        QuotaBytes = settings.QuotaBytes ?? OutboxQuota.DefaultFor(settings.DataDirectory);
        _reserveBytes = QuotaBytes <= 0 ? 0 : OutboxQuota.ReserveFor(settings.DataDirectory);
        var hadLegacyData = File.Exists(settings.FilePath) || File.Exists(Path.Combine(settings.DataDirectory, SequenceReservation.FileName));
        _reservation = SequenceReservation.Load(settings.DataDirectory, logger);
        _db = OpenOrMoveAside();
        var storeId = StoreIdentity.Establish(settings.DataDirectory, _db.GetCollection(MetaCollection), hadLegacyData, _reservation.HasMarks, logger);
        StoreId = storeId == Guid.Empty ? null : storeId;
        _db.CheckpointSize = settings.CheckpointSizePages;
        PruneDedupeKeys();
        _appends = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Stores a record durably and returns its sequence number; returns only after the commit that holds it.</summary>
    /// <remarks>Readings may be evicted at the quota (oldest first); every other stream's records never are.</remarks>
    /// <exception cref="ArgumentException">The stream is unknown, or the record does not belong on it or breaks the protocol's rules.</exception>
    /// <exception cref="OutboxFullException">The outbox is at its quota and nothing in it may be evicted: nothing stored.</exception>
    /// <exception cref="OutboxUnavailableException">The commit failed (the disk refused a write): nothing stored.</exception>
    public ValueTask<long> AppendAsync(string stream, Record record, CancellationToken ct = default) =>
        AppendAsync(stream, record, evictable: stream == Streams.Readings, ct);

    /// <summary>Stores a record as <see cref="AppendAsync(string, Record, CancellationToken)"/>, saying whether it may be evicted at the quota (readings of registered HJ 212 monitors may not).</summary>
    public ValueTask<long> AppendAsync(string stream, Record record, bool evictable, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var pending = new PendingAppend(stream, [Encode(stream, record)], evictable: evictable);
        if (!_appends.Writer.TryWrite(pending))
            return ValueTask.FromException<long>(new ObjectDisposedException(nameof(OutboxStore), "the outbox is closed"));
        // Cancelling stops the wait, not the append: a record already handed to the writer may still be committed.
        var task = pending.Seq!.Task;
        return ct.CanBeCanceled ? new ValueTask<long>(task.WaitAsync(ct)) : new ValueTask<long>(task);
    }

    /// <summary>
    /// Stores records of one stream in one commit, all or none, under consecutive sequence numbers; returns after that
    /// commit. With <paramref name="dedupe"/>, stores them at most once while its key is remembered: the key and its
    /// answer are committed with the records, and an append whose key is already known (committed before, or earlier in
    /// the same commit) stores nothing and returns the group stored under it (<see cref="StoredGroup.Earlier"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No records, an unknown stream, a record that does not belong on it or breaks the protocol's rules, or a KeepFor outside 1 s to 10 years.</exception>
    public ValueTask<StoredGroup> AppendAllAsync(string stream, IReadOnlyList<Record> records, DedupeEntry? dedupe = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) throw new ArgumentException("a group to append holds at least one record", nameof(records));
        if (dedupe is not null && (dedupe.KeepFor < TimeSpan.FromSeconds(1) || dedupe.KeepFor > TimeSpan.FromDays(3650)))
            throw new ArgumentException($"a dedupe key is kept 1 s to 10 years, not {dedupe.KeepFor}", nameof(dedupe));
        var encoded = new EncodedRecord[records.Count];
        for (var i = 0; i < encoded.Length; i++) encoded[i] = Encode(stream, records[i] ?? throw new ArgumentNullException(nameof(records)));
        var pending = new PendingAppend(stream, encoded, dedupe);
        if (!_appends.Writer.TryWrite(pending))
            return ValueTask.FromException<StoredGroup>(new ObjectDisposedException(nameof(OutboxStore), "the outbox is closed"));
        var task = pending.Group!.Task;
        return ct.CanBeCanceled ? new ValueTask<StoredGroup>(task.WaitAsync(ct)) : new ValueTask<StoredGroup>(task);
    }

    /// <summary>The group committed under a key, if the key is remembered and has not expired; appends still on their way to a commit are not seen.</summary>
    /// <exception cref="OutboxUnavailableException">The store is not usable now (a full disk left it closed); it is reopened when it can be.</exception>
    public StoredGroup? FindStored(DedupeKey key)
    {
        // A failed commit may have left the store closed: the next lookup reopens it (so a sender's retry heals it too).
        if (!TryReopen()) throw new OutboxUnavailableException("the outbox store cannot be opened now (is the disk full?); nothing was stored, retry later", null);
        try
        {
            return _dedupe.Find(key.Id, _clock.SystemUtcNow);
        }
        catch (Exception e) when (e is LiteException or ObjectDisposedException or IOException)
        {
            _needsReopen = true;
            throw new OutboxUnavailableException($"the outbox store could not be read ({e.Message}); nothing was stored, retry later", e);
        }
    }

    /// <summary>Keys remembered now (<see cref="AppendAllAsync"/>), at most <see cref="OutboxSettings.MaxDedupeKeys"/>.</summary>
    public long DedupeKeyCount
    {
        get { lock (_writeLock) return _dedupe.Count; }
    }

    private EncodedRecord Encode(string stream, Record record)
    {
        var bytes = RecordEncoding.Encode(stream, record);
        // An unsynchronised stamp keeps its place on the monotonic clock, so it can be corrected once the time is known.
        long? monotonic = record.Clock == ClockQuality.Unsynchronised
            ? _clock.MonotonicMs - (long)(_clock.SystemUtcNow - record.Timestamp).TotalMilliseconds
            : null;
        return new EncodedRecord(bytes, monotonic);
    }

    /// <summary>Undelivered records of a stream with sequence numbers above <paramref name="afterSeq"/>, in order, up to a count and a byte budget (at least one record when any is pending).</summary>
    public IReadOnlyList<OutboxEntry> ReadPending(string stream, long afterSeq, int maxRecords, int maxBytes)
    {
        CheckStream(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        var result = new List<OutboxEntry>(Math.Min(maxRecords, 1024));
        var bytes = 0L;
        var records = _db.GetCollection(CollectionName(stream));
        // The run holding afterSeq + 1 may start below it (an acknowledgement or a smaller batch ended inside it).
        var docs = records.Query().Where("_id > @0", afterSeq).OrderBy("_id").Limit(maxRecords).ToEnumerable();
        if (RunReaching(records, afterSeq + 1) is { } reaching) docs = docs.Prepend(reaching);
        // The two queries read at different moments: a run cut in between shows its records twice, taken once.
        var through = afterSeq;
        foreach (var doc in docs)
        {
            var first = doc["_id"].AsInt64;
            // A batch takes whole runs while they fit, so acknowledgements seldom cut one.
            if (result.Count > 0 && first > through && (result.Count + RecordRun.CountOf(doc) > maxRecords || bytes + doc[SizeField].AsInt32 > maxBytes)) break;
            var single = !doc[RecordRun.CountField].IsInt32;
            var forms = RecordRun.Forms(doc, RecordField);
            for (var i = 0; i < forms.Length && result.Count < maxRecords; i++)
            {
                if (first + i <= through) continue;
                if (result.Count > 0 && bytes + forms[i].Length > maxBytes) return result;
                result.Add(new OutboxEntry(stream, first + i, single ? RecordEncoding.Form(forms[i]) : forms[i]));
                bytes += forms[i].Length;
                through = first + i;
            }
            if (result.Count >= maxRecords) break;
        }
        return result;
    }

    /// <summary>Removes acknowledged records (delivered and reclaimed at once); returns how many were still there.</summary>
    public int MarkDelivered(string stream, SeqRange range) => MarkDelivered(stream, [range]);

    /// <summary>Removes the records of several acknowledged ranges of one stream in one transaction.</summary>
    public int MarkDelivered(string stream, IReadOnlyList<SeqRange> ranges)
    {
        CheckStream(stream);
        var deleted = 0;
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var state = _streams[stream];
            var records = _db.GetCollection(CollectionName(stream));
            var deletedBytes = 0L;
            _db.BeginTrans();
            try
            {
                foreach (var range in ranges)
                {
                    if (range.To < range.From) continue;
                    var removed = RemoveRange(records, range);
                    deleted += removed.Records;
                    deletedBytes += removed.Bytes;
                }
                if (deleted == 0)
                {
                    _db.Rollback();
                    return 0;
                }
                var oldest = records.Find(Query.All("_id", Query.Ascending), 0, 1).FirstOrDefault();
                var deliveredThrough = oldest is null ? state.Next - 1 : oldest["_id"].AsInt64 - 1;
                _db.GetCollection(MetaCollection).Upsert(MetaDocument(stream, state.Next, deliveredThrough));
                _db.Commit();
                state.DeliveredThrough = deliveredThrough;
                state.Backlog -= deleted;
                state.PendingBytes -= deletedBytes;
            }
            catch
            {
                RollbackAfterFailure();
                throw;
            }
            Counters.AddDelivered(deleted);
            _deliveredSinceCheckpoint += deleted;
            CheckpointIfDue();
        }
        return deleted;
    }

    /// <summary>Records of a stream not yet acknowledged.</summary>
    public long Backlog(string stream)
    {
        CheckStream(stream);
        lock (_writeLock) return _streams[stream].Backlog;
    }

    /// <summary>Records not yet acknowledged, per stream (every known stream, zeros included).</summary>
    public IReadOnlyDictionary<string, long> Backlogs()
    {
        lock (_writeLock) return _streams.ToDictionary(s => s.Key, s => s.Value.Backlog, StringComparer.Ordinal);
    }

    /// <summary>
    /// Bytes of a stream's records not yet acknowledged, as stored (the terminal API's attachment quota counts them). The
    /// first call reads the stream once; from then on the figure is kept up to date as records come and go.
    /// </summary>
    public long PendingBytes(string stream)
    {
        CheckStream(stream);
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var state = _streams[stream];
            return state.PendingBytes ??= SizeOf(_db.GetCollection(CollectionName(stream)), null);
        }
    }

    private static long SizeOf(ILiteCollection<BsonDocument> records, BsonExpression? where)
    {
        var total = 0L;
        var query = where is null ? records.Query() : records.Query().Where(where);
        foreach (var doc in query.Select(BsonExpression.Create("{ n: $." + SizeField + " }")).ToEnumerable())
            total += doc[SizeField].AsInt32;
        return total;
    }

    /// <summary>The sequence number the next record of a stream will get.</summary>
    public long NextSeq(string stream)
    {
        CheckStream(stream);
        lock (_writeLock) return _streams[stream].Next;
    }

    /// <summary>Every sequence number of a stream up to this one has been acknowledged.</summary>
    public long DeliveredThrough(string stream)
    {
        CheckStream(stream);
        lock (_writeLock) return _streams[stream].DeliveredThrough;
    }

    /// <summary>Size of the LiteDB log file (the part a checkpoint folds into the data file), 0 when there is none.</summary>
    public long LogFileBytes => File.Exists(_settings.LogFilePath) ? new FileInfo(_settings.LogFilePath).Length : 0;

    /// <summary>
    /// Re-stamps the records still waiting here that were stamped while the clock was unsynchronised: a record of the
    /// same boot as <paramref name="bootId"/> gets the anchor's time moved by the monotonic distance between them and
    /// clock quality <see cref="ClockQuality.Corrected"/>; one from an earlier boot cannot be placed (the monotonic
    /// clock restarted), keeps its stamp and quality <see cref="ClockQuality.Unsynchronised"/>, and is counted.
    /// Records already acknowledged are in the ledger and are not touched.
    /// </summary>
    public (int Corrected, int Uncorrectable) CorrectTimestamps(Guid bootId, TimeAnchor anchor)
    {
        var corrected = 0;
        var uncorrectable = 0;
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var resized = new Dictionary<string, long>(StringComparer.Ordinal);
            _db.BeginTrans();
            try
            {
                foreach (var stream in Streams.All)
                {
                    var collection = _db.GetCollection(CollectionName(stream));
                    var stamped = collection.Find(Query.And(Query.Not(MonotonicField, BsonValue.Null), Query.Not(UncorrectableField, true))).ToList();
                    foreach (var doc in stamped)
                    {
                        if (doc[BootField].AsGuid != bootId)
                        {
                            doc[UncorrectableField] = true;
                            collection.Update(doc);
                            uncorrectable++;
                            continue;
                        }
                        var seq = doc["_id"].AsInt64;
                        var record = RecordEncoding.Decode(doc[RecordField].AsBinary, stream, seq);
                        var restamped = record with { Timestamp = anchor.At(doc[MonotonicField].AsInt64), Clock = ClockQuality.Corrected };
                        var bytes = RecordEncoding.Encode(stream, restamped);
                        collection.Update(new BsonDocument { ["_id"] = seq, [RecordField] = bytes, [SizeField] = bytes.Length });
                        resized[stream] = resized.GetValueOrDefault(stream) + bytes.Length - doc[SizeField].AsInt32;
                        corrected++;
                    }
                }
                _db.Commit();
                FileSync.File(_settings.LogFilePath);
                foreach (var (stream, delta) in resized) _streams[stream].PendingBytes += delta;
            }
            catch
            {
                RollbackAfterFailure();
                throw;
            }
        }
        return (corrected, uncorrectable);
    }

    /// <summary>Folds the log into the data file now.</summary>
    public void Checkpoint()
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            CheckpointDurably();
        }
    }

    private void CheckpointIfDue()
    {
        if (_deliveredSinceCheckpoint < _settings.CheckpointAfterDelivered && LogFileBytes < _settings.CheckpointAfterLogBytes) return;
        CheckpointDurably();
    }

    // LiteDB folds the log into the data file with unsynced writes (LiteDB issue #2818); sync the data file at once so
    // the window in which a power cut could lose folded pages is as short as we can make it from outside LiteDB.
    private void CheckpointDurably()
    {
        try { _db.Checkpoint(); }
        catch (Exception e) when (e is IOException or LiteException)
        {
            // A full disk: the log still holds everything; the writer reopens the store before its next commit.
            _needsReopen = true;
            throw;
        }
        FileSync.File(_settings.FilePath);
        FileSync.File(_settings.LogFilePath);
        _deliveredSinceCheckpoint = 0;
        Counters.AddCheckpoint();
    }

    private async Task WriteLoopAsync()
    {
        var reader = _appends.Reader;
        var group = new List<PendingAppend>(_settings.MaxRecordsPerCommit);
        var gathering = (long)(_settings.CommitGathering.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var lastLooping = 0;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            int records = 0, looping = 0;
            void Take()
            {
                while (records < _settings.MaxRecordsPerCommit && reader.TryRead(out var pending))
                {
                    group.Add(pending);
                    records += pending.Records.Length;
                    if (pending.Dedupe is null) looping++;
                }
            }
            Take();
            if (group.Count == 0) continue;
            // Appenders without a key (the gateway's own sensors, the load source) append again within microseconds of
            // being answered: when many were, give them that moment to join this commit. Keyed appends (a monitor's frame,
            // a terminal's request) are new arrivals, not appenders coming back: they never wait for each other, and
            // yielding for them only kept a thread from 1,000 HJ 212 connections (peak RSS +20-30 MB).
            if (looping < lastLooping && lastLooping >= MinAppendsToGather && gathering > 0)
                await GatherAsync(() => { Take(); return looping >= lastLooping || records >= _settings.MaxRecordsPerCommit; }, gathering).ConfigureAwait(false);
            lastLooping = looping;
            HashSet<string>? committedStreams = null;
            var admitted = group;
            try
            {
                if (!TryReopen()) throw new IOException("the outbox store could not be reopened after a failed commit");
                admitted = AdmitWithinQuota(group);
                if (admitted.Count == 0) continue;
                committedStreams = CommitGroup(admitted);
            }
            catch (Exception e)
            {
                RecoverFromFailedCommit(admitted, e);
                continue;
            }
            foreach (var stream in committedStreams) RaiseCommitted(stream);
        }
    }

    // A commit waits for the unkeyed appenders of the last one only when there were at least this many of them.
    private const int MinAppendsToGather = 8;

    // Takes what arrives until `enough` says so or the time is up. It yields rather than waits: the appenders come back
    // within microseconds, sooner than a wait for the channel would wake the writer (64 in flight: 62 records per commit
    // yielding, 46 waiting).
    private static async Task GatherAsync(Func<bool> enough, long gathering)
    {
        var until = System.Diagnostics.Stopwatch.GetTimestamp() + gathering;
        while (!enough() && System.Diagnostics.Stopwatch.GetTimestamp() < until) await Task.Yield();
    }

    private void RaiseCommitted(string stream)
    {
        try { RecordsCommitted?.Invoke(stream); }
        catch (Exception e) { _logger.LogError(e, "A RecordsCommitted handler failed for {Stream}", stream); }
    }

    /// <summary>
    /// Assigns sequence numbers and commits one transaction; completes the callers only after the commit. An append whose
    /// key is known already, or taken by an earlier append of the same group, stores nothing and gets that earlier group.
    /// </summary>
    private HashSet<string> CommitGroup(List<PendingAppend> group)
    {
        var firstSeqs = new long[group.Count];
        var next = new Dictionary<string, long>(StringComparer.Ordinal);
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        var dedupe = group.Exists(p => p.Dedupe is not null) ? new GroupDedupe(group.Count, _clock.SystemUtcNow) : null;
        var stored = 0;
        lock (_writeLock)
        {
            foreach (var (stream, state) in _streams) next[stream] = state.Next;
            for (var i = 0; i < group.Count; i++)
            {
                if (dedupe is not null && !dedupe.Claim(i, group[i], _dedupe)) continue;
                var stream = group[i].Stream;
                var count = group[i].Records.Length;
                firstSeqs[i] = next[stream];
                next[stream] += count;
                added[stream] = added.GetValueOrDefault(stream) + count;
                stored += count;
            }
            // The reservation must cover a number before any commit can make it visible.
            _reservation.Ensure(added.Keys.ToDictionary(s => s, s => next[s] - 1, StringComparer.Ordinal), _settings.SeqReservationBlock);

            (int Expired, int Evicted) pruned = default;
            _db.BeginTrans();
            try
            {
                // One bulk insert of runs per stream: LiteDB's work is per document, and a run holds many records.
                foreach (var byStream in Enumerable.Range(0, group.Count).Where(i => dedupe?.Stores(i) ?? true).GroupBy(i => group[i].Stream))
                    _db.GetCollection(CollectionName(byStream.Key)).InsertBulk(RunDocuments(byStream.Select(i => (group[i], firstSeqs[i]))), batchSize: _settings.MaxRecordsPerCommit);
                if (dedupe is not null)
                {
                    for (var i = 0; i < group.Count; i++)
                        if (dedupe.Stores(i) && group[i].Dedupe is { } entry) _dedupe.Remember(entry, GroupOf(group[i], firstSeqs[i], earlier: false), dedupe.Now);
                    pruned = _dedupe.Prune(dedupe.Now);
                }
                // No counter is written: the runs themselves say where a stream's numbers stand (LoadStreamState); only
                // a transaction that deletes records writes the counter down.
                if (!_db.Commit()) throw new InvalidOperationException("LiteDB reported no transaction to commit");
                // Durable means on the device, not in the page cache: one fsync per group, shared by every append in it.
                FileSync.File(_settings.LogFilePath);
                if (!File.Exists(_settings.LogFilePath)) FileSync.File(_settings.FilePath);
            }
            catch
            {
                RollbackAfterFailure();
                _dedupe.RolledBack();
                throw;
            }
            // Healthy again before any caller hears of the commit (the watchdog and a waiting terminal may ask at once).
            _commitFailing = false;
            _dedupe.Committed();
            Counters.AddDedupePruned(pruned.Expired, pruned.Evicted);
            foreach (var (stream, count) in added)
            {
                _streams[stream].Next = next[stream];
                _streams[stream].Backlog += count;
            }
            for (var i = 0; i < group.Count; i++)
            {
                if (!(dedupe?.Stores(i) ?? true)) continue;
                foreach (var record in group[i].Records) _streams[group[i].Stream].PendingBytes += record.Bytes.Length;
            }
        }
        Counters.AddCommit(stored);
        for (var i = 0; i < group.Count; i++)
        {
            var pending = group[i];
            if (dedupe?.EarlierOf(i, group, firstSeqs) is { } earlier)
            {
                Counters.AddDedupeAnswered();
                pending.Succeed(earlier);
            }
            else if (pending.Seq is { } seq) seq.TrySetResult(firstSeqs[i]);
            else pending.Succeed(GroupOf(pending, firstSeqs[i], earlier: false));
        }
        return [.. added.Keys];
    }

    private static StoredGroup GroupOf(PendingAppend pending, long firstSeq, bool earlier) =>
        new(pending.Stream, firstSeq, pending.Records.Length, pending.Dedupe?.Answer ?? [], earlier);

    /// <summary>Which appends of one group are stored, and for those that are not, which earlier group their key names.</summary>
    private sealed class GroupDedupe(int size, DateTimeOffset now)
    {
        private readonly Dictionary<string, int> _claimed = new(StringComparer.Ordinal);
        // Per append: the group committed before under its key, or the index of the append in this group that took the key first.
        private readonly StoredGroup?[] _stored = new StoredGroup?[size];
        private readonly int[] _sameAs = Enumerable.Repeat(-1, size).ToArray();

        public DateTimeOffset Now { get; } = now;

        /// <summary>Whether append <paramref name="i"/> is to be stored: it has no key, or its key is neither committed nor claimed by an earlier append of this group.</summary>
        public bool Claim(int i, PendingAppend pending, DedupeKeys keys)
        {
            if (pending.Dedupe is not { } entry) return true;
            if (_claimed.TryGetValue(entry.Key.Id, out var first)) _sameAs[i] = first;
            else if (keys.Find(entry.Key.Id, Now) is { } earlier) _stored[i] = earlier;
            else
            {
                _claimed[entry.Key.Id] = i;
                return true;
            }
            return false;
        }

        public bool Stores(int i) => _stored[i] is null && _sameAs[i] < 0;

        public StoredGroup? EarlierOf(int i, List<PendingAppend> group, long[] firstSeqs) =>
            _stored[i] ?? (_sameAs[i] is var first and >= 0 ? GroupOf(group[first], firstSeqs[first], earlier: true) : null);
    }

    private LiteDatabase OpenOrMoveAside()
    {
        try
        {
            return OpenAndProbe();
        }
        catch (Exception e) when (IsCorruption(e))
        {
            var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
            var aside = MoveAside(_settings.FilePath, stamp);
            var logAside = File.Exists(_settings.LogFilePath) ? MoveAside(_settings.LogFilePath, stamp) : null;
            Counters.AddCorruptStore();
            _logger.LogError(e,
                "Outbox {Path} could not be opened ({Problem}); moved it to {Aside} (log: {LogAside}) and started a fresh store; sequence numbers continue above the reserved marks",
                _settings.FilePath, e.Message, aside, logAside);
            return OpenAndProbe();
        }
    }

    private LiteDatabase OpenAndProbe()
    {
        if (File.Exists(_settings.FilePath))
        {
            // Probe read-only first: LiteDB flags a file it finds damaged (a byte in its header), and the copy moved
            // aside must stay exactly as it was found.
            using var probe = new LiteDatabase(new ConnectionString { Filename = _settings.FilePath, Connection = ConnectionType.Direct, ReadOnly = true });
            Probe(probe);
        }
        // Our own engine, so that one whose closing failed (a full disk) can be kept from throwing again from its finalizer.
        var engine = new LiteDB.Engine.LiteEngine(new LiteDB.Engine.EngineSettings { Filename = _settings.FilePath });
        var db = new LiteDatabase(engine);
        try
        {
            CreateCollections(db);
            LoadStreamState(db);
            _dedupe = new DedupeKeys(db, _settings.MaxDedupeKeys);
            _engine = engine;
            return db;
        }
        catch
        {
            // The reason it could not be opened is what the caller needs, not a second failure closing it.
            try { LiteTransactions.Close(db, engine); }
            catch (Exception e) when (e is IOException or LiteException) { }
            throw;
        }
    }

    /// <summary>
    /// Reads every document, so a damaged page shows itself at start rather than in the middle of a drain. The
    /// outbox holds only what is not yet acknowledged, so this is normally small; after a long outage it is the price
    /// of knowing the file is sound.
    /// </summary>
    private static void Probe(LiteDatabase db)
    {
        foreach (var name in db.GetCollectionNames())
        {
            foreach (var doc in db.GetCollection(name).FindAll())
            {
                if (doc["_id"].IsNull) throw new InvalidDataException($"a document in '{name}' has no _id");
            }
        }
    }

    // A lock held by another process is not damage, nor is a full disk: never move a file aside for that.
    private static bool IsCorruption(Exception e) =>
        e is not (UnauthorizedAccessException or OutOfMemoryException or DirectoryNotFoundException)
        && !IsDiskFull(e) && !(e is IOException && e.GetType() == typeof(IOException) && e.HResult is 11 or 32 or 33 or unchecked((int)0x80070020));

    private static string MoveAside(string path, string stamp)
    {
        var target = $"{path}.corrupt-{stamp}";
        for (var i = 1; File.Exists(target); i++) target = $"{path}.corrupt-{stamp}-{i}";
        File.Move(path, target);
        return target;
    }

    /// <summary>
    /// Creates every stream's collection up front. LiteDB creates a collection lazily inside the first write's
    /// transaction, and a reader on another thread (the uplink) that looks at it meanwhile can fail with "page type
    /// must be collection page".
    /// </summary>
    private static void CreateCollections(LiteDatabase db)
    {
        foreach (var name in Streams.All.Select(CollectionName).Append(MetaCollection).Append(DedupeKeys.CollectionName).Append(OutboxEviction.GapsCollection))
        {
            if (db.CollectionExists(name)) continue;
            var collection = db.GetCollection(name);
            collection.Insert(new BsonDocument { ["_id"] = "create" });
            collection.Delete("create");
        }
        DedupeKeys.Create(db);
    }

    // Keys that expired while the gateway was off go at once, not with the next keyed append.
    private void PruneDedupeKeys()
    {
        lock (_writeLock)
        {
            if (_dedupe.Count == 0) return;
            _db.BeginTrans();
            (int Expired, int Evicted) pruned;
            try
            {
                pruned = _dedupe.Prune(_clock.SystemUtcNow);
                _db.Commit();
            }
            catch
            {
                RollbackAfterFailure();
                _dedupe.RolledBack();
                throw;
            }
            _dedupe.Committed();
            Counters.AddDedupePruned(pruned.Expired, pruned.Evicted);
        }
    }

    private void LoadStreamState(LiteDatabase db)
    {
        _streams.Clear();
        var meta = db.GetCollection(MetaCollection).FindAll().ToDictionary(d => d["_id"].AsString, StringComparer.Ordinal);
        foreach (var stream in Streams.All)
        {
            var records = db.GetCollection(CollectionName(stream));
            var state = new StreamState();
            // Appends write no counter: the runs stored say how far the numbers went since a delete last wrote it down.
            var (backlog, oldest, afterLast) = CountRuns(records);
            state.Backlog = backlog;
            if (meta.TryGetValue(stream, out var doc))
            {
                state.Next = Math.Max(doc[NextField].AsInt64, afterLast);
                state.DeliveredThrough = doc[DeliveredThroughField].AsInt64;
            }
            else if (backlog > 0)
            {
                // Appended to, never deleted from: the numbers this store issued are the ones it holds.
                state.Next = afterLast;
                state.DeliveredThrough = oldest - 1;
            }
            else
            {
                // A stream this store has never seen starts after anything a previous store may have issued.
                state.Next = _reservation.MarkOf(stream) + 1;
                state.DeliveredThrough = state.Next - 1;
            }
            _streams[stream] = state;
        }
    }

    private static BsonDocument MetaDocument(string stream, long next, long deliveredThrough) => new()
    {
        ["_id"] = stream,
        [NextField] = next,
        [DeliveredThroughField] = deliveredThrough,
    };

    private static string CollectionName(string stream) => "stream_" + stream;

    private static void CheckStream(string stream)
    {
        if (!Streams.IsKnown(stream)) throw new ArgumentException($"stream '{stream}' is not one of {string.Join(", ", Streams.All)}", nameof(stream));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _appends.Writer.TryComplete();
        // Let the writer commit what it already took; appends after this point fail.
        if (!_writer.Wait(TimeSpan.FromSeconds(30))) _logger.LogError("Outbox writer did not finish within 30 s of closing");
        while (_appends.Reader.TryRead(out var pending))
            pending.Fail(new ObjectDisposedException(nameof(OutboxStore), "the outbox closed before this record was committed"));
        lock (_writeLock)
        {
            // Closing checkpoints the log into the data file, which a full disk refuses; the log keeps the records for the next start.
            try { LiteTransactions.Close(_db, _engine); }
            catch (Exception e) when (e is IOException or LiteException)
            {
                _logger.LogWarning("Outbox closed without its final checkpoint: {Error}", e.Message);
            }
        }
    }

    private sealed class StreamState
    {
        public long Next;
        public long DeliveredThrough;
        public long Backlog;
        // Bytes of the records not yet acknowledged: null until someone asks (the first ask scans the stream once), then
        // kept up to date by appends, reclaims and re-stamping, so asking again costs nothing.
        public long? PendingBytes;
    }

    private readonly record struct EncodedRecord(byte[] Bytes, long? Monotonic);

    /// <summary>What one caller handed the writer: one record (<see cref="AppendAsync(string, Record, CancellationToken)"/>), or a group stored all or none, perhaps with a key (<see cref="AppendAllAsync"/>).</summary>
    private sealed class PendingAppend
    {
        public PendingAppend(string stream, EncodedRecord[] records, bool evictable)
        {
            Stream = stream;
            Records = records;
            Evictable = evictable;
            Seq = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public PendingAppend(string stream, EncodedRecord[] records, DedupeEntry? dedupe)
        {
            Stream = stream;
            Records = records;
            Dedupe = dedupe;
            Group = new TaskCompletionSource<StoredGroup>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public string Stream { get; }
        public EncodedRecord[] Records { get; }
        /// <summary>Whether its records may be evicted at the quota (the gateway's own sensor readings).</summary>
        public bool Evictable { get; }
        public DedupeEntry? Dedupe { get; }
        /// <summary>Completed with the record's sequence number (one record, no key).</summary>
        public TaskCompletionSource<long>? Seq { get; }
        /// <summary>Completed with where the group is stored (a group, or a key).</summary>
        public TaskCompletionSource<StoredGroup>? Group { get; }

        public void Succeed(StoredGroup group)
        {
            Seq?.TrySetResult(group.FirstSeq);
            Group?.TrySetResult(group);
        }

        public void Fail(Exception e)
        {
            Seq?.TrySetException(e);
            Group?.TrySetException(e);
        }
    }
}

/// <summary>
/// How one record is stored: its form (<see cref="BinaryCodec.EncodeRecord"/>), which round-trips every record exactly (a
/// reading to the millisecond) and is put together into a batch without being decoded. Stores written before forms hold
/// one-record batch payloads; they are read as well, and turned into forms as they are sent.
/// </summary>
internal static class RecordEncoding
{
    public static byte[] Encode(string stream, Record record)
    {
        if (!Streams.IsKnown(stream)) throw new ArgumentException($"stream '{stream}' is not one of {string.Join(", ", Streams.All)}", nameof(stream));
        if (!Streams.Accepts(stream, record))
            throw new ArgumentException($"a {record.GetType().Name} does not belong on stream '{stream}' (it carries {Streams.Carries(stream)})", nameof(record));
        // A record the server would refuse would block its stream forever: refuse it here, while its source can still hear about it.
        if (Validation.CheckRecord(record) is { } error)
            throw new ArgumentException($"{RecordKinds.Of(record)}.{error.Field}: {error.Problem}", nameof(record));
        return BinaryCodec.EncodeRecord(record);
    }

    /// <summary>The stored bytes as a form: themselves, or, for a one-record payload of an older store, the form of its record.</summary>
    public static byte[] Form(byte[] stored) =>
        stored is [(byte)'G', ..] && BinaryCodec.DecodeRecord(stored) is { Ok: true } legacy ? BinaryCodec.EncodeRecord(legacy.Value!) : stored;

    public static Record Decode(byte[] bytes, string stream, long seq)
    {
        var result = BinaryCodec.DecodeRecord(bytes);
        if (!result.Ok) throw new InvalidDataException($"outbox record {stream}/{seq} is unreadable: {result.Error}");
        return result.Value!;
    }
}
