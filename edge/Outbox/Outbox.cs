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
/// its own collection whose _id is the sequence number, so reading in order is a scan of the _id index.
/// </remarks>
public sealed partial class Outbox : IDisposable
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
    private readonly SequenceReservation _reservation;
    private readonly Channel<PendingAppend> _appends;
    private readonly Task _writer;
    // Serialises every write transaction (appends, reclaims, checkpoints): LiteDB transactions belong to a thread.
    private readonly Lock _writeLock = new();
    private readonly Dictionary<string, StreamState> _streams = new(StringComparer.Ordinal);
    private long _deliveredSinceCheckpoint;
    private int _disposed;

    /// <summary>Raised after a commit, with the stream, once the new records can be read. Handlers must be quick.</summary>
    public event Action<string>? RecordsCommitted;

    public OutboxCounters Counters { get; } = new();

    /// <summary>Whether the writer that commits appends is still running (the systemd watchdog pets only while it is).</summary>
    public bool IsWriterAlive => !_writer.IsCompleted;

    public string FilePath => _settings.FilePath;

    /// <param name="time">Times eviction notes and throttles repeated log lines; the system clock when null.</param>
    public Outbox(OutboxSettings settings, ILogger<Outbox> logger, GatewayClock? clock = null, TimeProvider? time = null)
    {
        _settings = settings;
        _clock = clock ?? GatewayClock.ForThisBoot();
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _logThrottle = new LogThrottle(settings.RepeatedErrorLogInterval, _time);
        Directory.CreateDirectory(settings.DataDirectory);
        QuotaBytes = settings.QuotaBytes ?? OutboxQuota.DefaultFor(settings.DataDirectory);
        _reservation = SequenceReservation.Load(settings.DataDirectory, logger);
        _db = OpenOrMoveAside();
        _db.CheckpointSize = settings.CheckpointSizePages;
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
        var bytes = RecordEncoding.Encode(stream, record);
        // An unsynchronised stamp keeps its place on the monotonic clock, so it can be corrected once the time is known.
        long? monotonic = record.Clock == ClockQuality.Unsynchronised
            ? _clock.MonotonicMs - (long)(_clock.SystemUtcNow - record.Timestamp).TotalMilliseconds
            : null;
        var pending = new PendingAppend(stream, bytes, monotonic, evictable);
        if (!_appends.Writer.TryWrite(pending))
            return ValueTask.FromException<long>(new ObjectDisposedException(nameof(Outbox), "the outbox is closed"));
        // Cancelling stops the wait, not the append: a record already handed to the writer may still be committed.
        return ct.CanBeCanceled ? new ValueTask<long>(pending.Completion.Task.WaitAsync(ct)) : new ValueTask<long>(pending.Completion.Task);
    }

    /// <summary>Undelivered records of a stream with sequence numbers above <paramref name="afterSeq"/>, in order, up to a count and a byte budget (at least one record when any is pending).</summary>
    public IReadOnlyList<OutboxEntry> ReadPending(string stream, long afterSeq, int maxRecords, int maxBytes)
    {
        CheckStream(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        var result = new List<OutboxEntry>(Math.Min(maxRecords, 1024));
        var bytes = 0L;
        var docs = _db.GetCollection(CollectionName(stream)).Query()
            .Where("_id > @0", afterSeq)
            .OrderBy("_id")
            .Limit(maxRecords)
            .ToEnumerable();
        foreach (var doc in docs)
        {
            var size = doc[SizeField].AsInt32;
            if (result.Count > 0 && bytes + size > maxBytes) break;
            var seq = doc["_id"].AsInt64;
            result.Add(new OutboxEntry(seq, RecordEncoding.Decode(doc[RecordField].AsBinary, stream, seq), size));
            bytes += size;
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
                    if (state.PendingBytes is not null) deletedBytes += SizeOf(records, Query.Between("_id", range.From, range.To));
                    deleted += records.DeleteMany(Query.Between("_id", range.From, range.To));
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
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < _settings.MaxRecordsPerCommit && reader.TryRead(out var pending)) group.Add(pending);
            if (group.Count == 0) continue;
            HashSet<string>? committedStreams = null;
            var admitted = group;
            try
            {
                if (!TryReopen()) throw new IOException("the outbox store could not be reopened after a failed commit");
                admitted = AdmitWithinQuota(group);
                if (admitted.Count == 0) continue;
                committedStreams = CommitGroup(admitted);
                _commitFailing = false;
            }
            catch (Exception e)
            {
                RecoverFromFailedCommit(admitted, e);
                continue;
            }
            foreach (var stream in committedStreams) RaiseCommitted(stream);
        }
    }

    private void RaiseCommitted(string stream)
    {
        try { RecordsCommitted?.Invoke(stream); }
        catch (Exception e) { _logger.LogError(e, "A RecordsCommitted handler failed for {Stream}", stream); }
    }

    /// <summary>Assigns sequence numbers and commits one transaction; completes the callers only after the commit.</summary>
    private HashSet<string> CommitGroup(List<PendingAppend> group)
    {
        var seqs = new long[group.Count];
        var next = new Dictionary<string, long>(StringComparer.Ordinal);
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        lock (_writeLock)
        {
            foreach (var (stream, state) in _streams) next[stream] = state.Next;
            for (var i = 0; i < group.Count; i++)
            {
                var stream = group[i].Stream;
                seqs[i] = next[stream]++;
                added[stream] = added.GetValueOrDefault(stream) + 1;
            }
            // The reservation must cover a number before any commit can make it visible.
            _reservation.Ensure(added.Keys.ToDictionary(s => s, s => next[s] - 1, StringComparer.Ordinal), _settings.SeqReservationBlock);

            _db.BeginTrans();
            try
            {
                // One bulk insert per stream: LiteDB's per-document Insert costs several times more per record.
                foreach (var byStream in Enumerable.Range(0, group.Count).GroupBy(i => group[i].Stream))
                {
                    var docs = byStream.Select(i =>
                    {
                        var doc = new BsonDocument
                        {
                            ["_id"] = seqs[i],
                            [RecordField] = group[i].Bytes,
                            [SizeField] = group[i].Bytes.Length,
                        };
                        if (group[i].Evictable) doc[OutboxEviction.EvictableField] = true;
                        if (group[i].Monotonic is { } m)
                        {
                            doc[MonotonicField] = m;
                            doc[BootField] = _clock.BootId;
                        }
                        return doc;
                    });
                    _db.GetCollection(CollectionName(byStream.Key)).InsertBulk(docs, batchSize: _settings.MaxRecordsPerCommit);
                }
                var meta = _db.GetCollection(MetaCollection);
                foreach (var stream in added.Keys) meta.Upsert(MetaDocument(stream, next[stream], _streams[stream].DeliveredThrough));
                if (!_db.Commit()) throw new InvalidOperationException("LiteDB reported no transaction to commit");
                // Durable means on the device, not in the page cache: one fsync per group, shared by every append in it.
                FileSync.File(_settings.LogFilePath);
                if (!File.Exists(_settings.LogFilePath)) FileSync.File(_settings.FilePath);
            }
            catch
            {
                RollbackAfterFailure();
                throw;
            }
            foreach (var (stream, count) in added)
            {
                _streams[stream].Next = next[stream];
                _streams[stream].Backlog += count;
            }
            for (var i = 0; i < group.Count; i++) _streams[group[i].Stream].PendingBytes += group[i].Bytes.Length;
        }
        Counters.AddCommit(group.Count);
        for (var i = 0; i < group.Count; i++) group[i].Completion.TrySetResult(seqs[i]);
        return [.. added.Keys];
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
        _engine = new LiteDB.Engine.LiteEngine(new LiteDB.Engine.EngineSettings { Filename = _settings.FilePath });
        var db = new LiteDatabase(_engine);
        try
        {
            CreateCollections(db);
            LoadStreamState(db);
            return db;
        }
        catch
        {
            db.Dispose();
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
        e is not (UnauthorizedAccessException or OutOfMemoryException or DirectoryNotFoundException) && !IsDiskFull(e)
        && !(e is IOException && e.GetType() == typeof(IOException) && e.HResult is 11 or 32 or 33 or unchecked((int)0x80070020));

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
        foreach (var name in Streams.All.Select(CollectionName).Append(MetaCollection).Append(OutboxEviction.GapsCollection))
        {
            if (db.CollectionExists(name)) continue;
            var collection = db.GetCollection(name);
            collection.Insert(new BsonDocument { ["_id"] = "create" });
            collection.Delete("create");
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
            if (meta.TryGetValue(stream, out var doc))
            {
                state.Next = doc[NextField].AsInt64;
                state.DeliveredThrough = doc[DeliveredThroughField].AsInt64;
            }
            else
            {
                // A stream this store has never seen starts after anything a previous store may have issued.
                state.Next = _reservation.MarkOf(stream) + 1;
                state.DeliveredThrough = state.Next - 1;
            }
            state.Backlog = records.LongCount();
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
            pending.Completion.TrySetException(new ObjectDisposedException(nameof(Outbox), "the outbox closed before this record was committed"));
        lock (_writeLock)
        {
            // Closing checkpoints the log into the data file, which a full disk refuses; the log keeps the records for the next start.
            try { _db.Dispose(); }
            catch (Exception e) when (e is IOException or LiteException)
            {
                if (_engine is not null) GC.SuppressFinalize(_engine);
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

    private sealed class PendingAppend(string stream, byte[] bytes, long? monotonic, bool evictable)
    {
        public bool Evictable { get; } = evictable;
        public string Stream { get; } = stream;
        public byte[] Bytes { get; } = bytes;
        public long? Monotonic { get; } = monotonic;
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>How one record is stored: the binary codec's encoding of a one-record batch, which round-trips a reading or an alert exactly (to the millisecond).</summary>
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
        return BinaryCodec.Encode(new Batch("", "", 1, [record]));
    }

    public static Record Decode(byte[] bytes, string stream, long seq)
    {
        var result = BinaryCodec.DecodeBody(bytes.AsSpan(PayloadHeader.Length));
        if (!result.Ok || result.Value is not Batch { Records.Count: 1 } batch)
            throw new InvalidDataException($"outbox record {stream}/{seq} is unreadable: {result.Error}");
        return batch.Records[0];
    }
}
