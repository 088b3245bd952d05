using GridEdge.Edge.Outbox;
using GridEdge.Protocol.Diagnostics;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace GridEdge.Edge.Terminals;

/// <summary>
/// What the terminal API remembers besides the outbox, in {DataDirectory}/terminals.db (LiteDB): the attachments being
/// staged and the hashes of attachments already complete. Every write is synced to the device before it returns. The
/// first responses to each (terminal, Idempotency-Key) are kept with their records in the outbox now; those an earlier
/// version wrote here are still read, and pruned after the retention.
/// </summary>
internal sealed class TerminalState : IDisposable
{
    public const string FileName = "terminals.db";
    private const string LogFileName = "terminals-log.db";

    private readonly string _path, _logPath;
    private readonly ILogger _logger;
    private readonly LogThrottle _throttle;
    private readonly Lock _writeLock = new();
    // Replaced (under _writeLock) when a failed write left it unusable: the next operation opens the file again.
    private volatile LiteDatabase _db;
    private volatile bool _needsReopen;
    private bool _disposed;

    /// <summary>
    /// Opens the store; one LiteDB cannot read is moved aside (terminals.db.corrupt-{time}) and a fresh one started. What
    /// is lost then is only memory: a retried record may be stored again (the server's ledger drops it), a photo
    /// uploaded before may be uploaded again.
    /// </summary>
    public static TerminalState OpenOrMoveAside(string dataDirectory, ILogger logger, TimeProvider? time = null)
    {
        try
        {
            return new TerminalState(dataDirectory, logger, time);
        }
        catch (Exception e) when (e is not (IOException or UnauthorizedAccessException or OutOfMemoryException))
        {
            var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
            foreach (var name in new[] { FileName, LogFileName })
            {
                var path = Path.Combine(dataDirectory, name);
                if (File.Exists(path)) File.Move(path, $"{path}.corrupt-{stamp}");
            }
            logger.LogError(e, "The terminal API's store {Path} could not be opened ({Problem}); moved it aside and started a fresh one", Path.Combine(dataDirectory, FileName), e.Message);
            return new TerminalState(dataDirectory, logger, time);
        }
    }

    public TerminalState(string dataDirectory, ILogger logger, TimeProvider? time = null)
    {
        Directory.CreateDirectory(dataDirectory);
        _path = Path.Combine(dataDirectory, FileName);
        _logPath = Path.Combine(dataDirectory, LogFileName);
        _logger = logger;
        _throttle = new LogThrottle(TimeSpan.FromMinutes(1), time ?? TimeProvider.System);
        _db = Open(_path);
    }

    private static LiteDatabase Open(string path)
    {
        var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct });
        try
        {
            // Read once now, so a damaged file shows itself at start rather than in the middle of a request.
            _ = db.GetCollection(Responses).Count() + db.GetCollection(Staged).FindAll().Count() + db.GetCollection(Completed).Count();
            return db;
        }
        catch
        {
            // The reason it could not be opened is what the caller needs, not a second failure closing it.
            Close(db);
            throw;
        }
    }

    private const string Responses = "responses", Staged = "staged", Completed = "complete";

    // --- idempotency

    /// <summary>The first response to a request as an earlier version remembered it, or null.</summary>
    public StoredResponse? FindResponse(string terminalId, string key) => Read(db =>
    {
        var doc = db.GetCollection(Responses).FindById(ResponseId(terminalId, key));
        return doc is null ? null : new StoredResponse(doc["f"].AsString, doc["s"].AsInt32, doc["b"].AsString);
    });

    /// <summary>Forgets responses (written by an earlier version) stored before <paramref name="cutoff"/>; returns how many.</summary>
    public int PruneResponses(DateTimeOffset cutoff) =>
        Write(db => db.GetCollection(Responses).DeleteMany(LiteQueries.LessThan("at", cutoff.UtcDateTime)));

    // A terminal id never holds '|' (TerminalIds rule), so the pair is unambiguous.
    private static string ResponseId(string terminalId, string key) => terminalId + "|" + key;

    // --- attachments

    public StagedUpload? FindStaged(string sha256) => Read(db => db.GetCollection(Staged).FindById(sha256) is { } doc ? ToStaged(doc) : null);

    public IReadOnlyList<StagedUpload> AllStaged() => Read<IReadOnlyList<StagedUpload>>(db => [.. db.GetCollection(Staged).FindAll().Select(ToStaged)]);

    public void SaveStaged(StagedUpload upload) => Write(db => db.GetCollection(Staged).Upsert(new BsonDocument
    {
        ["_id"] = upload.Sha256,
        ["size"] = upload.Size,
        ["type"] = upload.ContentType,
        ["terminal"] = upload.TerminalId,
        ["opened"] = upload.OpenedAt.UtcDateTime,
    }));

    public void DeleteStaged(string sha256) => Write(db => db.GetCollection(Staged).Delete(sha256));

    public CompletedAttachment? FindComplete(string sha256) =>
        Read(db => db.GetCollection(Completed).FindById(sha256) is { } doc ? new CompletedAttachment(sha256, doc["size"].AsInt64, doc["type"].AsString) : null);

    /// <summary>Marks an attachment complete and forgets its staging, in one transaction.</summary>
    public void Complete(StagedUpload upload) => Write(db =>
    {
        db.BeginTrans();
        try
        {
            db.GetCollection(Completed).Upsert(new BsonDocument { ["_id"] = upload.Sha256, ["size"] = upload.Size, ["type"] = upload.ContentType, ["at"] = DateTime.UtcNow });
            db.GetCollection(Staged).Delete(upload.Sha256);
            db.Commit();
        }
        catch
        {
            try { db.Rollback(); }
            catch (Exception e) when (e is LiteException or IOException) { }
            throw;
        }
        return true;
    });

    private static StagedUpload ToStaged(BsonDocument doc) =>
        new(doc["_id"].AsString, doc["size"].AsInt64, doc["type"].AsString, doc["terminal"].AsString, new DateTimeOffset(doc["opened"].AsDateTime.ToUniversalTime()));

    private T Read<T>(Func<LiteDatabase, T> read)
    {
        var db = Usable();
        try
        {
            return read(db);
        }
        catch (Exception e) when (e is LiteException or IOException or ObjectDisposedException)
        {
            throw Failed(db, "read", e);
        }
    }

    private T Write<T>(Func<LiteDatabase, T> write)
    {
        lock (_writeLock)
        {
            var db = Usable();
            try
            {
                var result = write(db);
                // LiteDB does not sync its log on commit (see FileSync): what the API answered must survive a power cut.
                FileSync.File(_logPath);
                return result;
            }
            catch (Exception e) when (e is LiteException or IOException or ObjectDisposedException)
            {
                throw Failed(db, "written", e);
            }
        }
    }

    /// <summary>The open store, reopened first if a failure left it unusable.</summary>
    /// <exception cref="TerminalStoreUnavailableException">It cannot be opened now (the disk is still full).</exception>
    private LiteDatabase Usable()
    {
        if (!_needsReopen) return _db;
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_needsReopen) return _db;
            Close(_db);
            try
            {
                _db = Open(_path);
                _needsReopen = false;
                _logger.LogInformation("The terminal API's store {Path} was reopened after a failure", _path);
                return _db;
            }
            catch (Exception e) when (e is LiteException or IOException)
            {
                LogThrottled("open", e);
                throw new TerminalStoreUnavailableException($"the terminal API's store {FileName} cannot be opened now ({e.Message}); nothing was stored, retry later", e);
            }
        }
    }

    // A failed write may leave LiteDB holding a half-done transaction and its locks: the store is reopened before its next use,
    // and the abandoned transactions must not roll back again from the finalizer thread (that ends the process).
    private TerminalStoreUnavailableException Failed(LiteDatabase db, string what, Exception e)
    {
        LiteTransactions.Disarm(db);
        _needsReopen = true;
        LogThrottled(what, e);
        return new TerminalStoreUnavailableException($"the terminal API's store {FileName} could not be {what} ({e.Message}); nothing was stored, retry later", e);
    }

    private void LogThrottled(string what, Exception e)
    {
        if (_throttle.ShouldLog(what + ":" + e.Message, out var count))
            _logger.LogError("The terminal API's store {Path} could not be {What}: {Error} ({Count} like it since the last report); it is reopened at the next request",
                _path, what, e.Message, count);
    }

    private static void Close(LiteDatabase db)
    {
        try { LiteTransactions.Close(db); }
        catch (Exception e) when (e is IOException or LiteException or ObjectDisposedException) { }
    }

    public void Dispose()
    {
        lock (_writeLock)
        {
            if (_disposed) return;
            _disposed = true;
            Close(_db);
        }
    }
}

/// <summary>The terminal API's own store (attachments being staged) could not be read or written now: nothing was stored; the terminal retries.</summary>
public sealed class TerminalStoreUnavailableException(string message, Exception? inner) : IOException(message, inner);

/// <summary>The first response to a request, as sent: a retry with the same key and body gets exactly this.</summary>
/// <param name="Fingerprint">SHA-256 of the method, path and body of the first request.</param>
internal sealed record StoredResponse(string Fingerprint, int Status, string Body);

/// <summary>An attachment being uploaded: what the terminal declared; the bytes received are the staged file's.</summary>
internal sealed record StagedUpload(string Sha256, long Size, string ContentType, string TerminalId, DateTimeOffset OpenedAt);

/// <summary>An attachment verified and handed to the outbox.</summary>
internal sealed record CompletedAttachment(string Sha256, long Size, string ContentType);
