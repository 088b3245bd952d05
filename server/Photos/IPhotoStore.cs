using System.Data.Common;

namespace GridEdge.Server.Photos;

/// <summary>
/// Where the bytes of photos are kept while they are assembled and once verified: files beside a SQLite ledger
/// (<see cref="DiskPhotoStore"/>), or chunks in PostgreSQL (<see cref="PostgresPhotoStore"/>) so every server node serves
/// every photo. An attempt is one assembly of a photo; a new one starts after an assembly failed verification.
/// </summary>
public interface IPhotoStore
{
    /// <summary>The writes of one ingest batch, inside its transaction.</summary>
    IPhotoWrites Begin(DbConnection connection, DbTransaction transaction);

    /// <summary>
    /// The bytes of a complete photo, verified against its SHA-256 on the way out: <see cref="PhotoRead.Content"/>, or why
    /// not (missing, or the stored bytes no longer match, which is counted as <see cref="PhotoRead.Corrupt"/>).
    /// </summary>
    Task<PhotoRead> ReadAsync(StoredAttachment photo, CancellationToken cancellationToken = default);
}

/// <summary>The photo writes of one ingest batch; disposing ends them (files are closed).</summary>
public interface IPhotoWrites : IAsyncDisposable
{
    /// <summary>Keeps a chunk's bytes at <paramref name="offset"/> for assembly <paramref name="attempt"/> (a repeated chunk changes nothing).</summary>
    Task WriteAsync(string sha256, long attempt, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Makes every write durable before the transaction commits.</summary>
    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>The SHA-256 (lower-case hex) of the first <paramref name="size"/> bytes assembled in <paramref name="attempt"/>.</summary>
    Task<string> HashAsync(string sha256, long attempt, long size, CancellationToken cancellationToken);

    /// <summary>The assembly verified: its bytes are the photo's from now on.</summary>
    Task KeepAsync(string sha256, long attempt, CancellationToken cancellationToken);

    /// <summary>The assembly failed verification: its bytes are kept aside, never served; returns where.</summary>
    Task<string> SetAsideAsync(string sha256, long attempt, CancellationToken cancellationToken);
}

/// <summary>The outcome of reading a photo: its verified bytes, or why there are none.</summary>
/// <param name="Content">The bytes (seekable, owned by the caller), or null.</param>
/// <param name="Problem">Why there are no bytes, for the API's error.</param>
/// <param name="Corrupt">The stored bytes no longer hash to the photo's SHA-256.</param>
public sealed record PhotoRead(Stream? Content, string? Problem, bool Corrupt = false);
