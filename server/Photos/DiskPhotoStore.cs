using System.Data.Common;
using System.Security.Cryptography;

namespace GridEdge.Server.Photos;

/// <summary>
/// Photos as files in one folder beside the SQLite ledger: assembled in <c>{sha256}.part</c>, kept as <c>{sha256}</c> once
/// verified, a failed assembly moved aside to <c>{sha256}.mismatch-{n}</c>.
/// </summary>
public sealed class DiskPhotoStore(string directory, ILogger? log = null) : IPhotoStore
{
    private readonly ILogger _log = log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Where photos are kept.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>Where a complete, verified photo is kept.</summary>
    public string FilePath(string sha256) => Path.Combine(Directory, sha256);

    private string PartPath(string sha256) => Path.Combine(Directory, sha256 + ".part");

    /// <inheritdoc/>
    public IPhotoWrites Begin(DbConnection connection, DbTransaction transaction)
    {
        System.IO.Directory.CreateDirectory(Directory);
        return new Writes(this);
    }

    /// <summary>
    /// The rename of a verified <c>.part</c> file is not synced to the folder (.NET cannot fsync a directory), so after a
    /// power cut the ledger may say complete while only the <c>.part</c> file (whose bytes were synced) is there: verified
    /// again, it is renamed now.
    /// </summary>
    public async Task<PhotoRead> ReadAsync(StoredAttachment photo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var path = FilePath(photo.Sha256);
        if (!File.Exists(path))
        {
            var part = PartPath(photo.Sha256);
            if (!File.Exists(part) || new FileInfo(part).Length != photo.Size || await HashFileAsync(part, cancellationToken) != photo.Sha256)
                return new PhotoRead(null, "an attachment whose file is present (the ledger marks it complete but the file is missing)");
            File.Move(part, path, overwrite: true);
            _log.LogWarning("Attachment {Sha256} was complete in the ledger but only its .part file was on disk (a power cut after the commit); verified and restored", photo.Sha256);
        }
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            if (actual != photo.Sha256 || stream.Length != photo.Size)
            {
                await stream.DisposeAsync();
                return new PhotoRead(null, $"an attachment whose stored bytes still hash to its SHA-256 (the file at {path} now hashes to {actual}: it was damaged on disk)", Corrupt: true);
            }
            stream.Position = 0;
            return new PhotoRead(stream, null);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private sealed class Writes(DiskPhotoStore store) : IPhotoWrites
    {
        private readonly Dictionary<string, FileStream> _files = new(StringComparer.Ordinal);

        public Task WriteAsync(string sha256, long attempt, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (!_files.TryGetValue(sha256, out var file))
            {
                // Renamed by an assembly whose transaction then failed: its bytes are the ones to continue from.
                if (!File.Exists(store.PartPath(sha256)) && File.Exists(store.FilePath(sha256))) File.Move(store.FilePath(sha256), store.PartPath(sha256));
                file = new FileStream(store.PartPath(sha256), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
                _files[sha256] = file;
            }
            // Duplicated or overlapping chunks carry the same bytes: writing them again changes nothing.
            if (data.Length > 0) RandomAccess.Write(file.SafeFileHandle, data.Span, offset);
            return Task.CompletedTask;
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            foreach (var file in _files.Values) file.Flush(flushToDisk: true);
            await CloseAsync();
        }

        public async Task<string> HashAsync(string sha256, long attempt, long size, CancellationToken cancellationToken)
        {
            await using var stream = new FileStream(store.PartPath(sha256), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            if (stream.Length != size) stream.SetLength(size);
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            stream.Flush(flushToDisk: true);
            return actual;
        }

        public Task KeepAsync(string sha256, long attempt, CancellationToken cancellationToken)
        {
            File.Move(store.PartPath(sha256), store.FilePath(sha256), overwrite: true);
            return Task.CompletedTask;
        }

        public Task<string> SetAsideAsync(string sha256, long attempt, CancellationToken cancellationToken)
        {
            var aside = Path.Combine(store.Directory, $"{sha256}.mismatch-{attempt + 1}");
            File.Move(store.PartPath(sha256), aside, overwrite: true);
            return Task.FromResult(aside);
        }

        private async Task CloseAsync()
        {
            foreach (var file in _files.Values) await file.DisposeAsync();
            _files.Clear();
        }

        public ValueTask DisposeAsync() => new(CloseAsync());
    }
}
