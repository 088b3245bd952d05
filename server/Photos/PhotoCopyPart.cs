using GridEdge.Server.Storage;

namespace GridEdge.Server.Photos;

/// <summary>
/// The photos' share of <c>ledger copy</c>: each complete photo's file beside the SQLite ledger, verified against its
/// SHA-256, written into PostgreSQL's photo chunks and read back verified from there. A photo already there is skipped.
/// </summary>
internal sealed class PhotoCopyPart : ILedgerCopyPart
{
    private const int ChunkBytes = 256 * 1024;

    public Task BeforeTableAsync(string table, SqliteLedgerDatabase source, PostgresLedgerDatabase target, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<string> CopyFilesAsync(SqliteLedgerDatabase source, PostgresLedgerDatabase target, CancellationToken cancellationToken)
    {
        var photos = await source.ReadAsync(c => Sql.ListAsync(c, null,
            "SELECT sha256, content_type, size, terminal, gateway, received, complete_at, first_at, mismatches FROM attachments WHERE complete_at IS NOT NULL ORDER BY sha256;",
            r => new StoredAttachment(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetInt64(5),
                Sql.OptMs(r, 6), Sql.Ms(r.GetInt64(7)), r.GetInt32(8)), cancellationToken), cancellationToken);
        var from = PhotoLedger.StoreFor(source);
        var to = new PostgresPhotoStore(target);
        int copied = 0, present = 0, unreadable = 0;
        foreach (var photo in photos)
        {
            var there = await to.ReadAsync(photo, cancellationToken);
            if (there.Content is not null)
            {
                await there.Content.DisposeAsync();
                present++;
                continue;
            }
            var read = await from.ReadAsync(photo, cancellationToken);
            if (read.Content is null)
            {
                unreadable++;
                continue;
            }
            await using (var content = read.Content)
            {
                var bytes = new byte[photo.Size];
                await content.ReadExactlyAsync(bytes, cancellationToken);
                await target.WriteAsync(async (connection, transaction) =>
                {
                    await using var writes = to.Begin(connection, transaction);
                    for (var offset = 0; offset < bytes.Length; offset += ChunkBytes)
                        await writes.WriteAsync(photo.Sha256, photo.Mismatches, offset, bytes.AsMemory(offset, Math.Min(ChunkBytes, bytes.Length - offset)), cancellationToken);
                    if (await writes.HashAsync(photo.Sha256, photo.Mismatches, photo.Size, cancellationToken) != photo.Sha256)
                        throw new InvalidOperationException($"photo {photo.Sha256}: the bytes written to PostgreSQL do not hash to it");
                }, cancellationToken);
            }
            copied++;
        }
        return $"photos: {photos.Count} complete, {copied} copied now, {present} already there" +
               (unreadable > 0 ? $", {unreadable} NOT COPIED (missing or damaged beside the SQLite ledger)" : "") + ", each verified by its SHA-256";
    }
}
