using GridEdge.Edge.Outbox;
using LiteDB;

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

    private readonly string _logPath;
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _responses, _staged, _complete;
    private readonly Lock _writeLock = new();

    /// <summary>
    /// Opens the store; one LiteDB cannot read is moved aside (terminals.db.corrupt-{time}) and a fresh one started. What
    /// is lost then is only memory: a retried record may be stored again (the server's ledger drops it), a photo
    /// uploaded before may be uploaded again.
    /// </summary>
    public static TerminalState OpenOrMoveAside(string dataDirectory, Microsoft.Extensions.Logging.ILogger logger)
    {
        try
        {
            return new TerminalState(dataDirectory);
        }
        catch (Exception e) when (e is not (IOException or UnauthorizedAccessException or OutOfMemoryException))
        {
            var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
            foreach (var name in new[] { FileName, LogFileName })
            {
                var path = Path.Combine(dataDirectory, name);
                if (File.Exists(path)) File.Move(path, $"{path}.corrupt-{stamp}");
            }
            Microsoft.Extensions.Logging.LoggerExtensions.LogError(logger, e,
                "The terminal API's store {Path} could not be opened ({Problem}); moved it aside and started a fresh one", Path.Combine(dataDirectory, FileName), e.Message);
            return new TerminalState(dataDirectory);
        }
    }

    public TerminalState(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        _logPath = Path.Combine(dataDirectory, LogFileName);
        _db = new LiteDatabase(new ConnectionString { Filename = Path.Combine(dataDirectory, FileName), Connection = ConnectionType.Direct });
        _responses = _db.GetCollection("responses");
        _staged = _db.GetCollection("staged");
        _complete = _db.GetCollection("complete");
        try
        {
            // Read once now, so a damaged file shows itself at start rather than in the middle of a request.
            _ = _responses.Count() + _staged.FindAll().Count() + _complete.Count();
        }
        catch
        {
            _db.Dispose();
            throw;
        }
    }

    // --- idempotency

    /// <summary>The first response to a request as an earlier version remembered it, or null.</summary>
    public StoredResponse? FindResponse(string terminalId, string key)
    {
        var doc = _responses.FindById(ResponseId(terminalId, key));
        return doc is null ? null : new StoredResponse(doc["f"].AsString, doc["s"].AsInt32, doc["b"].AsString);
    }

    /// <summary>Forgets responses (written by an earlier version) stored before <paramref name="cutoff"/>; returns how many.</summary>
    public int PruneResponses(DateTimeOffset cutoff)
    {
        var pruned = 0;
        Write(() => pruned = _responses.DeleteMany(Outbox.LiteQueries.LessThan("at", cutoff.UtcDateTime)));
        return pruned;
    }

    // A terminal id never holds '|' (TerminalIds rule), so the pair is unambiguous.
    private static string ResponseId(string terminalId, string key) => terminalId + "|" + key;

    // --- attachments

    public StagedUpload? FindStaged(string sha256)
    {
        var doc = _staged.FindById(sha256);
        return doc is null ? null : ToStaged(doc);
    }

    public IReadOnlyList<StagedUpload> AllStaged() => [.. _staged.FindAll().Select(ToStaged)];

    public void SaveStaged(StagedUpload upload) => Write(() => _staged.Upsert(new BsonDocument
    {
        ["_id"] = upload.Sha256,
        ["size"] = upload.Size,
        ["type"] = upload.ContentType,
        ["terminal"] = upload.TerminalId,
        ["opened"] = upload.OpenedAt.UtcDateTime,
    }));

    public void DeleteStaged(string sha256) => Write(() => _staged.Delete(sha256));

    public CompletedAttachment? FindComplete(string sha256)
    {
        var doc = _complete.FindById(sha256);
        return doc is null ? null : new CompletedAttachment(sha256, doc["size"].AsInt64, doc["type"].AsString);
    }

    /// <summary>Marks an attachment complete and forgets its staging, in one transaction.</summary>
    public void Complete(StagedUpload upload) => Write(() =>
    {
        _db.BeginTrans();
        try
        {
            _complete.Upsert(new BsonDocument { ["_id"] = upload.Sha256, ["size"] = upload.Size, ["type"] = upload.ContentType, ["at"] = DateTime.UtcNow });
            _staged.Delete(upload.Sha256);
            _db.Commit();
        }
        catch
        {
            // A rollback that fails too (a full disk) must not be retried by the transaction's finalizer: that ends the process.
            try { _db.Rollback(); }
            catch (Exception e) when (e is LiteException or IOException) { Outbox.LiteTransactions.Disarm(_db); }
            throw;
        }
    });

    private static StagedUpload ToStaged(BsonDocument doc) =>
        new(doc["_id"].AsString, doc["size"].AsInt64, doc["type"].AsString, doc["terminal"].AsString, new DateTimeOffset(doc["opened"].AsDateTime.ToUniversalTime()));

    private void Write(Action write)
    {
        lock (_writeLock)
        {
            write();
            // LiteDB does not sync its log on commit (see FileSync): a remembered response must survive a power cut.
            FileSync.File(_logPath);
        }
    }

    public void Dispose() => _db.Dispose();
}

/// <summary>The first response to a request, as sent: a retry with the same key and body gets exactly this.</summary>
/// <param name="Fingerprint">SHA-256 of the method, path and body of the first request.</param>
internal sealed record StoredResponse(string Fingerprint, int Status, string Body);

/// <summary>An attachment being uploaded: what the terminal declared; the bytes received are the staged file's.</summary>
internal sealed record StagedUpload(string Sha256, long Size, string ContentType, string TerminalId, DateTimeOffset OpenedAt);

/// <summary>An attachment verified and handed to the outbox.</summary>
internal sealed record CompletedAttachment(string Sha256, long Size, string ContentType);
