using System.Data.Common;
using System.Security.Cryptography;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Photos;

/// <summary>
/// Photos as chunks in PostgreSQL (photo_chunks: photo, attempt, offset, bytes), written in the ingest's transaction as the
/// upload assembles and read back chunk by chunk, so every server node serves every photo. Chunks may repeat or overlap
/// (they carry the same bytes): the photo is their union in offset order.
/// </summary>
public sealed class PostgresPhotoStore(LedgerDatabase database) : IPhotoStore
{
    /// <inheritdoc/>
    public IPhotoWrites Begin(DbConnection connection, DbTransaction transaction) => new Writes(connection, transaction);

    /// <inheritdoc/>
    public Task<PhotoRead> ReadAsync(StoredAttachment photo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(photo);
        return database.ReadAsync(async connection =>
        {
            var content = new MemoryStream(checked((int)photo.Size));
            var (actual, length) = await AssembleAsync(connection, null, photo.Sha256, photo.Mismatches, photo.Size, content, cancellationToken);
            if (actual == photo.Sha256 && length == photo.Size)
            {
                content.Position = 0;
                return new PhotoRead(content, null);
            }
            await content.DisposeAsync();
            return length == 0 && photo.Size > 0
                ? new PhotoRead(null, "an attachment whose bytes are in the ledger (it is marked complete but has no stored chunks)")
                : new PhotoRead(null, $"an attachment whose stored bytes still hash to its SHA-256 (the {length} bytes stored hash to {actual}: they were damaged in the database)", Corrupt: true);
        }, cancellationToken);
    }

    /// <summary>Streams the union of an attempt's chunks (up to <paramref name="size"/> bytes) into <paramref name="output"/> (when given) and hashes it.</summary>
    private static async Task<(string Sha256, long Length)> AssembleAsync(DbConnection connection, DbTransaction? transaction, string sha256, long attempt, long size,
        Stream? output, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long end = 0;
        await using (var command = Command(connection, transaction,
            "SELECT \"offset\", bytes FROM photo_chunks WHERE sha256 = @sha AND attempt = @attempt ORDER BY \"offset\", length(bytes) DESC;",
            ("@sha", sha256), ("@attempt", (int)attempt)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
            {
                var from = reader.GetInt64(0);
                var bytes = (byte[])reader.GetValue(1);
                if (from > end) break; // a hole: the bytes after it are not the photo's
                var skip = (int)Math.Min(bytes.Length, end - from);
                var take = (int)Math.Min(bytes.Length - skip, size - end);
                if (take <= 0) continue;
                hash.AppendData(bytes, skip, take);
                if (output is not null) await output.WriteAsync(bytes.AsMemory(skip, take), cancellationToken);
                end += take;
            }
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), end);
    }

    private sealed class Writes(DbConnection connection, DbTransaction transaction) : IPhotoWrites
    {
        public async Task WriteAsync(string sha256, long attempt, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            // The same offset again carries the same bytes; a longer chunk there (cut differently) covers more of the photo.
            await ExecuteAsync(connection, transaction, """
                INSERT INTO photo_chunks (sha256, attempt, "offset", bytes) VALUES (@sha, @attempt, @offset, @bytes)
                ON CONFLICT (sha256, attempt, "offset") DO UPDATE SET bytes = excluded.bytes WHERE length(excluded.bytes) > length(photo_chunks.bytes);
                """, cancellationToken, ("@sha", sha256), ("@attempt", (int)attempt), ("@offset", offset), ("@bytes", data.ToArray()));

        public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask; // the commit makes them durable

        public async Task<string> HashAsync(string sha256, long attempt, long size, CancellationToken cancellationToken) =>
            (await AssembleAsync(connection, transaction, sha256, attempt, size, null, cancellationToken)).Sha256;

        public Task KeepAsync(string sha256, long attempt, CancellationToken cancellationToken) => Task.CompletedTask;

        // The attempt's chunks stay where they are, under a number no later read asks for.
        public Task<string> SetAsideAsync(string sha256, long attempt, CancellationToken cancellationToken) =>
            Task.FromResult($"photo_chunks (sha256 {sha256}, attempt {attempt})");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
