using System.Data.Common;
using System.Security.Cryptography;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Photos;

/// <summary>A photo uploaded whole for a problem: its SHA-256, size and type, and whether the ledger had it already.</summary>
public sealed record UploadedPhoto(string Sha256, long Size, string ContentType, bool New);

// Photos uploaded whole through the API (a rectification photo from the console), beside those assembled from chunks.
public sealed partial class PhotoLedger
{
    // An uploaded photo came from no terminal and through no gateway: the empty id, which no terminal or gateway can have.
    private const string NoTerminal = "";

    /// <summary>
    /// Stores <paramref name="content"/> as a complete photo verified against its SHA-256, through the engine's photo store,
    /// in the caller's transaction, and records that it belongs to problem <paramref name="problemId"/> of
    /// <paramref name="grid"/> (so callers of that grid are served it). A photo the ledger has complete already is not
    /// written again; one still being assembled from a terminal's chunks is completed by these bytes.
    /// </summary>
    /// <exception cref="InvalidOperationException">The ledger holds a photo with this SHA-256 but another size (a terminal declared it wrongly).</exception>
    public async Task<UploadedPhoto> AddUploadAsync(DbConnection connection, DbTransaction transaction, ReadOnlyMemory<byte> content, string contentType,
        long problemId, string grid, string by, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var now = at.ToUnixTimeMilliseconds();
        var created = await ScalarAsync(connection, transaction, """
            INSERT INTO attachments (sha256, content_type, size, terminal, gateway, received, complete_at, first_at)
            VALUES (@sha, @type, @size, @none, @none, 0, NULL, @at)
            ON CONFLICT DO NOTHING
            RETURNING sha256;
            """, cancellationToken, ("@sha", sha), ("@type", contentType), ("@size", (long)content.Length), ("@none", NoTerminal), ("@at", now)) is not null;
        // One assembly of a photo at a time, across server nodes too (as the chunks' ingest does).
        if (database.Engine == Storage.LedgerEngine.Postgres)
            await ScalarAsync(connection, transaction, "SELECT 1 FROM attachments WHERE sha256 = @sha FOR UPDATE;", cancellationToken, ("@sha", sha));
        var (size, complete, attempt, storedType) = (await ListAsync(connection, transaction,
            "SELECT size, CASE WHEN complete_at IS NOT NULL THEN 1 ELSE 0 END, mismatches, content_type FROM attachments WHERE sha256 = @sha;",
            r => (r.GetInt64(0), r.GetInt64(1) != 0, r.GetInt64(2), r.GetString(3)), cancellationToken, ("@sha", sha)))[0];
        if (size != content.Length)
            throw new InvalidOperationException($"photo {sha}: the ledger holds it with {size} bytes declared, the upload has {content.Length}");
        if (!complete)
        {
            await using var writes = bytes.Begin(connection, transaction);
            await writes.WriteAsync(sha, attempt, 0, content, cancellationToken);
            await writes.FlushAsync(cancellationToken);
            var actual = await writes.HashAsync(sha, attempt, size, cancellationToken);
            if (actual != sha) throw new InvalidOperationException($"photo {sha}: the stored upload hashes to {actual}");
            await writes.KeepAsync(sha, attempt, cancellationToken);
            await ExecuteAsync(connection, transaction, "UPDATE attachments SET received = size, complete_at = @at WHERE sha256 = @sha;", cancellationToken,
                ("@sha", sha), ("@at", now));
            Counters.Complete();
        }
        await ExecuteAsync(connection, transaction, """
            INSERT INTO attachment_owners (sha256, problem_id, grid, by, at) VALUES (@sha, @problem, @grid, @by, @at)
            ON CONFLICT DO NOTHING;
            """, cancellationToken, ("@sha", sha), ("@problem", problemId), ("@grid", grid), ("@by", by), ("@at", now));
        _log.LogInformation("Photo {Sha256} ({Size} bytes, {ContentType}) uploaded for problem {ProblemId} by {By}; already complete in the ledger: {AlreadyComplete}",
            sha, size, storedType, problemId, by, complete);
        // A photo already in the ledger keeps the type it was first stored with: that is the type it is served with.
        return new UploadedPhoto(sha, size, storedType, created);
    }
}
