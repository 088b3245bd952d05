using System.Data.Common;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Photos;

/// <summary>
/// Photos (attachments) assembled from the chunks of the attachments stream: their progress in the ledger
/// (<see cref="PhotoSchema"/>, the same SQL on both engines), their bytes in the <see cref="IPhotoStore"/> of the engine.
/// A photo whose every byte is in is verified against its SHA-256 before it is complete; one that does not hash to its
/// name is kept aside, logged, counted and never served, and chunks arriving after that start it again.
/// </summary>
public sealed partial class PhotoLedger(LedgerDatabase database, IPhotoStore bytes, ILogger<PhotoLedger>? log = null)
{
    private readonly ILogger _log = (ILogger?)log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Where the bytes are.</summary>
    public IPhotoStore Bytes => bytes;

    /// <summary>Counters of assembly and serving since start.</summary>
    public AttachmentCounters Counters { get; } = new();

    /// <summary>The photo store of <paramref name="database"/>'s engine: files beside a SQLite ledger, chunks in PostgreSQL.</summary>
    public static IPhotoStore StoreFor(LedgerDatabase database, ILogger? log = null) => database switch
    {
        SqliteLedgerDatabase sqlite => new DiskPhotoStore(Path.Combine(Path.GetDirectoryName(sqlite.Path) ?? ".", "attachments"), log),
        _ => new PostgresPhotoStore(database),
    };

    /// <summary>Stores the chunks of an attachments batch in the ingest's transaction; the number of records new to the ledger.</summary>
    public async Task<int> AddChunksAsync(DbConnection connection, DbTransaction transaction, Batch batch, long receivedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var added = 0;
        // One assembly of a photo at a time, across server nodes too: each photo's row is created if missing and, on PostgreSQL,
        // locked, in a fixed order, before its chunks are counted, so a node sees the chunks another node committed meanwhile.
        foreach (var first in batch.Records.OfType<AttachmentChunk>().GroupBy(c => c.Sha256, StringComparer.Ordinal).Select(g => g.First())
                     .OrderBy(c => c.Sha256, StringComparer.Ordinal))
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO attachments (sha256, content_type, size, terminal, gateway, received, complete_at, first_at)
                VALUES (@sha, @type, @size, @terminal, @gateway, 0, NULL, @at)
                ON CONFLICT DO NOTHING;
                """, cancellationToken, ("@sha", first.Sha256), ("@type", first.ContentType), ("@size", first.TotalSize), ("@terminal", first.TerminalId),
                ("@gateway", batch.GatewayId), ("@at", receivedAt));
            if (database.Engine == LedgerEngine.Postgres)
                await ScalarAsync(connection, transaction, "SELECT 1 FROM attachments WHERE sha256 = @sha FOR UPDATE;", cancellationToken, ("@sha", first.Sha256));
        }
        await using (var writes = bytes.Begin(connection, transaction))
        {
            for (var i = 0; i < batch.Records.Count; i++)
            {
                if (batch.Records[i] is not AttachmentChunk c)
                    throw new NotSupportedException($"records[{i}]: the attachments stream carries attachment chunks, not {batch.Records[i].GetType().Name}");
                var seq = batch.FirstSeq + i;
                if (await ScalarAsync(connection, transaction, "SELECT 1 FROM attachment_chunks WHERE gateway = @gateway AND seq = @seq;", cancellationToken,
                        ("@gateway", batch.GatewayId), ("@seq", seq)) is not null)
                    continue; // this very record again (a redelivered batch)
                added++;
                var (size, complete, attempt) = (await ListAsync(connection, transaction,
                    "SELECT size, CASE WHEN complete_at IS NOT NULL THEN 1 ELSE 0 END, mismatches FROM attachments WHERE sha256 = @sha;",
                    r => (r.GetInt64(0), r.GetInt64(1) != 0, r.GetInt64(2)), cancellationToken, ("@sha", c.Sha256)))[0];
                // A chunk of a photo already complete, or one that does not fit the size first declared, is recorded (its seq is
                // acknowledged) but its bytes are not used.
                var use = !complete && c.Offset + c.Data.Length <= size && c.TotalSize == size;
                if (!use && !complete)
                    _log.LogWarning("Attachment {Sha256}: chunk at {Offset} from gateway {Gateway} seq {Seq} declares {TotalSize} bytes, not {Size}; ignored",
                        c.Sha256, c.Offset, batch.GatewayId, seq, c.TotalSize, size);
                await ExecuteAsync(connection, transaction, """
                    INSERT INTO attachment_chunks (gateway, seq, sha256, "offset", length, attempt) VALUES (@gateway, @seq, @sha, @offset, @length, @attempt);
                    """, cancellationToken, ("@gateway", batch.GatewayId), ("@seq", seq), ("@sha", c.Sha256), ("@offset", c.Offset),
                    ("@length", use ? c.Data.Length : 0), ("@attempt", use ? attempt : -1));
                if (!use) continue;
                await writes.WriteAsync(c.Sha256, attempt, c.Offset, c.Data, cancellationToken);
                touched.Add(c.Sha256);
            }
            await writes.FlushAsync(cancellationToken);
            foreach (var sha in touched) await UpdateAssemblyAsync(connection, transaction, writes, sha, receivedAt, cancellationToken);
        }
        return added;
    }

    private async Task UpdateAssemblyAsync(DbConnection connection, DbTransaction transaction, IPhotoWrites writes, string sha, long now, CancellationToken cancellationToken)
    {
        var (size, attempt) = (await ListAsync(connection, transaction, "SELECT size, mismatches FROM attachments WHERE sha256 = @sha;",
            r => (r.GetInt64(0), r.GetInt64(1)), cancellationToken, ("@sha", sha)))[0];
        // The bytes covered by the chunks of this attempt: their union, since chunks may repeat or overlap.
        long received = 0, end = 0;
        var chunks = await ListAsync(connection, transaction,
            "SELECT \"offset\", length FROM attachment_chunks WHERE sha256 = @sha AND attempt = @attempt ORDER BY \"offset\", length DESC;",
            r => (From: r.GetInt64(0), To: r.GetInt64(0) + r.GetInt64(1)), cancellationToken, ("@sha", sha), ("@attempt", attempt));
        foreach (var (from, to) in chunks)
            if (to > end) { received += to - Math.Max(from, end); end = to; }
        if (received < size || chunks.Count == 0)
        {
            await ExecuteAsync(connection, transaction, "UPDATE attachments SET received = @received WHERE sha256 = @sha;", cancellationToken, ("@sha", sha), ("@received", received));
            return;
        }
        var actual = await writes.HashAsync(sha, attempt, size, cancellationToken);
        if (actual == sha)
        {
            await writes.KeepAsync(sha, attempt, cancellationToken);
            await ExecuteAsync(connection, transaction, "UPDATE attachments SET received = @received, complete_at = @at WHERE sha256 = @sha;", cancellationToken,
                ("@sha", sha), ("@received", size), ("@at", now));
            Counters.Complete();
            _log.LogDebug("Attachment {Sha256} complete and verified ({Size} bytes)", sha, size);
            return;
        }
        var aside = await writes.SetAsideAsync(sha, attempt, cancellationToken);
        await ExecuteAsync(connection, transaction, "UPDATE attachments SET received = 0, mismatches = mismatches + 1 WHERE sha256 = @sha;", cancellationToken, ("@sha", sha));
        Counters.Mismatch();
        _log.LogError("Attachment {Sha256}: the assembled {Size} bytes hash to {Actual}; kept aside at {Path}, not served", sha, size, actual, aside);
    }

    /// <summary>A photo's state, or null when no chunk of it has arrived.</summary>
    public async Task<StoredAttachment?> GetAsync(string sha256, CancellationToken cancellationToken = default) =>
        (await database.ReadAsync(c => ListAsync(c, null,
            "SELECT sha256, content_type, size, terminal, gateway, received, complete_at, first_at, mismatches FROM attachments WHERE sha256 = @sha;",
            r => new StoredAttachment(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetInt64(5), OptMs(r, 6), Ms(r.GetInt64(7)),
                r.GetInt32(8)), cancellationToken, ("@sha", sha256)), cancellationToken)).FirstOrDefault();

    /// <summary>
    /// The grids a photo belongs to: those of the problems and patrol records that carry it, the grid of the member whose
    /// terminal sent it, and those of the problems it was uploaded for through the API.
    /// </summary>
    public async Task<IReadOnlyList<string>> GridsOfAsync(StoredAttachment photo, CancellationToken cancellationToken = default) =>
        await database.ReadAsync(c => ListAsync(c, null, """
            SELECT grid FROM problems WHERE terminal = @terminal AND attachments LIKE @pattern
            UNION SELECT grid FROM patrols WHERE terminal = @terminal AND attachments LIKE @pattern
            UNION SELECT m.grid FROM terminals t JOIN members m ON m.id = t.member WHERE t.id = @terminal
            UNION SELECT grid FROM attachment_owners WHERE sha256 = @sha;
            """, r => r.GetString(0), cancellationToken, ("@terminal", photo.Terminal), ("@pattern", "%" + photo.Sha256 + "%"), ("@sha", photo.Sha256)),
            cancellationToken);

    /// <summary>The verified bytes of a complete photo, or why not; stored bytes that no longer match are logged and counted.</summary>
    public async Task<PhotoRead> ReadAsync(StoredAttachment photo, CancellationToken cancellationToken = default)
    {
        var read = await bytes.ReadAsync(photo, cancellationToken);
        if (read.Corrupt)
        {
            Counters.Corrupt();
            _log.LogError("Attachment {Sha256} not served: {Problem}", photo.Sha256, read.Problem);
        }
        return read;
    }
}

/// <summary>Counters of photo assembly and serving.</summary>
public sealed class AttachmentCounters
{
    private long _completed, _mismatches, _corrupt;

    /// <summary>Photos assembled and verified.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Assemblies that failed verification (kept aside).</summary>
    public long Mismatches => Interlocked.Read(ref _mismatches);

    /// <summary>Complete photos not served because their stored bytes no longer hash to their SHA-256.</summary>
    public long CorruptOnRead => Interlocked.Read(ref _corrupt);

    internal void Complete() => Interlocked.Increment(ref _completed);
    internal void Mismatch() => Interlocked.Increment(ref _mismatches);
    internal void Corrupt() => Interlocked.Increment(ref _corrupt);
}
