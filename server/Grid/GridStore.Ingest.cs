using System.Security.Cryptography;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Ledgers;
using Microsoft.Data.Sqlite;

namespace GridEdge.Server.Grid;

// The terminal streams into the patrol and problem ledgers: one transaction per batch, keyed by (gateway, seq) and by
// (terminal, record_id), the whole range committed and returned for the ack like every other stream.
public sealed partial class GridStore
{
    /// <summary>Commits a batch of any terminal stream (checkins, uploads, attachments).</summary>
    public Task<CommitResult> CommitAsync(Batch batch, CancellationToken cancellationToken = default) => batch.Stream switch
    {
        Streams.CheckIns => CommitCheckInsAsync(batch, cancellationToken),
        Streams.Uploads => CommitUploadsAsync(batch, cancellationToken),
        Streams.Attachments => CommitAttachmentsAsync(batch, cancellationToken),
        _ => throw new ArgumentException($"stream '{batch.Stream}' is not a terminal stream", nameof(batch)),
    };

    /// <summary>Whether <see cref="CommitAsync"/> takes batches of <paramref name="stream"/>.</summary>
    public static bool IsTerminalStream(string stream) => stream is Streams.CheckIns or Streams.Uploads or Streams.Attachments;

    public Task<CommitResult> CommitCheckInsAsync(Batch batch, CancellationToken cancellationToken = default) =>
        CommitInTransactionAsync(batch, Streams.CheckIns, async (connection, transaction, receivedAt) =>
        {
            await using var insert = Command(connection, transaction, """
                INSERT OR IGNORE INTO checkins (gateway, seq, record_id, member, terminal, grid, latitude, longitude, accuracy_m, fix_time, note, geofence, ts, clock, received_at)
                VALUES ($gateway, $seq, $record, $member, $terminal, $grid, $lat, $lon, $acc, $fix, $note, $geofence, $ts, $clock, $received);
                """, ("$gateway", batch.GatewayId), ("$received", receivedAt));
            var added = 0;
            for (var i = 0; i < batch.Records.Count; i++)
            {
                if (batch.Records[i] is not CheckIn c) throw new NotSupportedException($"records[{i}]: the checkins stream carries check-ins, not {batch.Records[i].GetType().Name}");
                Bind(insert, ("$seq", batch.FirstSeq + i), ("$record", c.RecordId), ("$member", c.MemberId), ("$terminal", c.TerminalId), ("$grid", c.GridCode),
                    ("$lat", c.Latitude), ("$lon", c.Longitude), ("$acc", c.AccuracyMeters), ("$fix", c.FixTime.ToUnixTimeMilliseconds()), ("$note", c.Note),
                    ("$geofence", (int)c.Geofence), ("$ts", c.Timestamp.ToUnixTimeMilliseconds()), ("$clock", (int)c.Clock));
                added += await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            return added;
        }, cancellationToken);

    public Task<CommitResult> CommitUploadsAsync(Batch batch, CancellationToken cancellationToken = default) =>
        CommitInTransactionAsync(batch, Streams.Uploads, async (connection, transaction, receivedAt) =>
        {
            await using var patrol = Command(connection, transaction, """
                INSERT OR IGNORE INTO patrols (gateway, seq, record_id, member, terminal, grid, started_at, ended_at, track, findings, attachments, ts, clock, received_at)
                VALUES ($gateway, $seq, $record, $member, $terminal, $grid, $started, $ended, $track, $findings, $attachments, $ts, $clock, $received);
                """, ("$gateway", batch.GatewayId), ("$received", receivedAt));
            await using var place = Command(connection, transaction, """
                INSERT OR IGNORE INTO patrol_places (gateway, seq, idx, grid, kind, place_id, name, at) VALUES ($gateway, $seq, $idx, $grid, $kind, $id, $name, $at);
                """, ("$gateway", batch.GatewayId));
            await using var problem = Command(connection, transaction, """
                INSERT OR IGNORE INTO problems (gateway, seq, record_id, member, terminal, grid, latitude, longitude, address, category, description, attachments,
                    reported_at, clock, received_at, state, updated_at)
                VALUES ($gateway, $seq, $record, $member, $terminal, $grid, $lat, $lon, $address, $category, $description, $attachments, $ts, $clock, $received, 'reported', $received);
                """, ("$gateway", batch.GatewayId), ("$received", receivedAt));
            await using var reported = Command(connection, transaction, """
                INSERT INTO problem_events (problem_id, n, action, from_state, to_state, by, at, detail)
                VALUES (last_insert_rowid(), 0, 'reported', NULL, 'reported', $by, $at, NULL);
                """);
            var added = 0;
            for (var i = 0; i < batch.Records.Count; i++)
            {
                var seq = batch.FirstSeq + i;
                switch (batch.Records[i])
                {
                    case PatrolRecord p:
                        Bind(patrol, ("$seq", seq), ("$record", p.RecordId), ("$member", p.MemberId), ("$terminal", p.TerminalId), ("$grid", p.GridCode),
                            ("$started", p.StartedAt.ToUnixTimeMilliseconds()), ("$ended", p.EndedAt.ToUnixTimeMilliseconds()), ("$track", TrackJson(p.Track)),
                            ("$findings", p.Findings), ("$attachments", JsonSerializer.Serialize(p.Attachments)), ("$ts", p.Timestamp.ToUnixTimeMilliseconds()), ("$clock", (int)p.Clock));
                        if (await patrol.ExecuteNonQueryAsync(cancellationToken) == 0) break;
                        added++;
                        for (var j = 0; j < p.Places.Count; j++)
                        {
                            var visit = p.Places[j];
                            Bind(place, ("$seq", seq), ("$idx", j), ("$grid", p.GridCode), ("$kind", (int)visit.Kind), ("$id", visit.Id), ("$name", visit.Name),
                                ("$at", visit.At.ToUnixTimeMilliseconds()));
                            await place.ExecuteNonQueryAsync(cancellationToken);
                        }
                        break;
                    case ProblemReport r:
                        Bind(problem, ("$seq", seq), ("$record", r.RecordId), ("$member", r.MemberId), ("$terminal", r.TerminalId), ("$grid", r.GridCode),
                            ("$lat", r.Latitude), ("$lon", r.Longitude), ("$address", r.Address), ("$category", (int)r.Category), ("$description", r.Description),
                            ("$attachments", JsonSerializer.Serialize(r.Attachments)), ("$ts", r.Timestamp.ToUnixTimeMilliseconds()), ("$clock", (int)r.Clock));
                        if (await problem.ExecuteNonQueryAsync(cancellationToken) == 0) break;
                        added++;
                        Bind(reported, ("$by", r.MemberId), ("$at", r.Timestamp.ToUnixTimeMilliseconds()));
                        await reported.ExecuteNonQueryAsync(cancellationToken);
                        break;
                    default:
                        throw new NotSupportedException($"records[{i}]: the uploads stream carries patrol records and problem reports, not {batch.Records[i].GetType().Name}");
                }
            }
            return added;
        }, cancellationToken);

    /// <summary>
    /// Writes each new chunk's bytes at its offset into <c>{sha256}.part</c> and syncs the files before the transaction
    /// commits; an attachment whose every byte is in is verified, renamed to <c>{sha256}</c> and marked complete. A file that
    /// does not hash to its name is moved aside (<c>{sha256}.mismatch-{n}</c>), logged, counted and never served; chunks
    /// arriving after that start it again.
    /// </summary>
    public Task<CommitResult> CommitAttachmentsAsync(Batch batch, CancellationToken cancellationToken = default) =>
        CommitInTransactionAsync(batch, Streams.Attachments, async (connection, transaction, receivedAt) =>
        {
            Directory.CreateDirectory(AttachmentDirectory);
            var files = new Dictionary<string, FileStream>(StringComparer.Ordinal);
            var touched = new HashSet<string>(StringComparer.Ordinal);
            var added = 0;
            try
            {
                for (var i = 0; i < batch.Records.Count; i++)
                {
                    if (batch.Records[i] is not AttachmentChunk c)
                        throw new NotSupportedException($"records[{i}]: the attachments stream carries attachment chunks, not {batch.Records[i].GetType().Name}");
                    var seq = batch.FirstSeq + i;
                    if (await ScalarAsync(connection, transaction, "SELECT 1 FROM attachment_chunks WHERE gateway = $gateway AND seq = $seq;", cancellationToken,
                            ("$gateway", batch.GatewayId), ("$seq", seq)) is not null)
                        continue; // this very record again (a redelivered batch)
                    added++;
                    await ExecuteAsync(connection, transaction, """
                        INSERT OR IGNORE INTO attachments (sha256, content_type, size, terminal, gateway, received, complete_at, first_at)
                        VALUES ($sha, $type, $size, $terminal, $gateway, 0, NULL, $at);
                        """, cancellationToken, ("$sha", c.Sha256), ("$type", c.ContentType), ("$size", c.TotalSize), ("$terminal", c.TerminalId),
                        ("$gateway", batch.GatewayId), ("$at", receivedAt));
                    long size, attempt;
                    bool complete;
                    await using (var read = Command(connection, transaction, "SELECT size, complete_at IS NOT NULL, mismatches FROM attachments WHERE sha256 = $sha;", ("$sha", c.Sha256)))
                    await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
                    {
                        await reader.ReadAsync(cancellationToken);
                        (size, complete, attempt) = (reader.GetInt64(0), reader.GetInt64(1) != 0, reader.GetInt64(2));
                    }
                    // A chunk of a file already complete, or one that does not fit the size first declared, is recorded (its seq is
                    // acknowledged) but its bytes are not used.
                    var use = !complete && c.Offset + c.Data.Length <= size && c.TotalSize == size;
                    if (!use && !complete)
                        _log.LogWarning("Attachment {Sha256}: chunk at {Offset} from gateway {Gateway} seq {Seq} declares {TotalSize} bytes, not {Size}; ignored",
                            c.Sha256, c.Offset, batch.GatewayId, seq, c.TotalSize, size);
                    await ExecuteAsync(connection, transaction, """
                        INSERT INTO attachment_chunks (gateway, seq, sha256, offset, length, attempt) VALUES ($gateway, $seq, $sha, $offset, $length, $attempt);
                        """, cancellationToken, ("$gateway", batch.GatewayId), ("$seq", seq), ("$sha", c.Sha256), ("$offset", c.Offset),
                        ("$length", use ? c.Data.Length : 0), ("$attempt", use ? attempt : -1));
                    if (!use) continue;
                    if (!files.TryGetValue(c.Sha256, out var file))
                    {
                        // Renamed by an assembly whose transaction then failed: its bytes are the ones to continue from.
                        if (!File.Exists(PartPath(c.Sha256)) && File.Exists(FilePath(c.Sha256))) File.Move(FilePath(c.Sha256), PartPath(c.Sha256));
                        file = new FileStream(PartPath(c.Sha256), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
                        files[c.Sha256] = file;
                    }
                    // Duplicated or overlapping chunks carry the same bytes: writing them again changes nothing.
                    if (c.Data.Length > 0) RandomAccess.Write(file.SafeFileHandle, c.Data, c.Offset);
                    touched.Add(c.Sha256);
                }
                foreach (var file in files.Values) file.Flush(flushToDisk: true);
            }
            finally
            {
                foreach (var file in files.Values) await file.DisposeAsync();
            }
            foreach (var sha in touched) await UpdateAssemblyAsync(connection, transaction, sha, receivedAt, cancellationToken);
            return added;
        }, cancellationToken);

    private async Task UpdateAssemblyAsync(SqliteConnection connection, SqliteTransaction transaction, string sha, long now, CancellationToken cancellationToken)
    {
        long size, attempt;
        await using (var read = Command(connection, transaction, "SELECT size, mismatches FROM attachments WHERE sha256 = $sha;", ("$sha", sha)))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (size, attempt) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        // The bytes covered by the chunks of this attempt: their union, since chunks may repeat or overlap.
        long received = 0, end = 0, chunks = 0;
        await using (var read = Command(connection, transaction,
            "SELECT offset, length FROM attachment_chunks WHERE sha256 = $sha AND attempt = $attempt ORDER BY offset, length DESC;", ("$sha", sha), ("$attempt", attempt)))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
            {
                chunks++;
                var (from, to) = (reader.GetInt64(0), reader.GetInt64(0) + reader.GetInt64(1));
                if (to > end) { received += to - Math.Max(from, end); end = to; }
            }
        if (received < size || chunks == 0)
        {
            await ExecuteAsync(connection, transaction, "UPDATE attachments SET received = $received WHERE sha256 = $sha;", cancellationToken, ("$sha", sha), ("$received", received));
            return;
        }
        var part = PartPath(sha);
        string actual;
        await using (var stream = new FileStream(part, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
        {
            if (stream.Length != size) stream.SetLength(size);
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            stream.Flush(flushToDisk: true);
        }
        if (actual == sha)
        {
            File.Move(part, FilePath(sha), overwrite: true);
            await ExecuteAsync(connection, transaction, "UPDATE attachments SET received = $received, complete_at = $at WHERE sha256 = $sha;", cancellationToken,
                ("$sha", sha), ("$received", size), ("$at", now));
            Attachments.Complete();
            _log.LogDebug("Attachment {Sha256} complete and verified ({Size} bytes)", sha, size);
            return;
        }
        var aside = System.IO.Path.Combine(AttachmentDirectory, $"{sha}.mismatch-{attempt + 1}");
        File.Move(part, aside, overwrite: true);
        await ExecuteAsync(connection, transaction, "UPDATE attachments SET received = 0, mismatches = mismatches + 1 WHERE sha256 = $sha;", cancellationToken, ("$sha", sha));
        Attachments.Mismatch();
        _log.LogError("Attachment {Sha256}: the assembled {Size} bytes hash to {Actual}; kept aside at {Path}, not served", sha, size, actual, aside);
    }

    private string PartPath(string sha) => System.IO.Path.Combine(AttachmentDirectory, sha + ".part");

    /// <summary>Where a complete, verified attachment is kept.</summary>
    public string FilePath(string sha) => System.IO.Path.Combine(AttachmentDirectory, sha);

    /// <summary>
    /// The file of an attachment the ledger marks complete, or null when it is missing. The rename of a verified
    /// <c>.part</c> file is not synced to the folder (.NET cannot fsync a directory), so after a power cut the ledger may
    /// say complete while only the <c>.part</c> file (whose bytes were synced) is there: verified again, it is renamed now.
    /// </summary>
    public async Task<string?> ServableFileAsync(string sha, long size, CancellationToken cancellationToken = default)
    {
        var path = FilePath(sha);
        if (File.Exists(path)) return path;
        var part = PartPath(sha);
        if (!File.Exists(part) || new FileInfo(part).Length != size) return null;
        string actual;
        await using (var stream = new FileStream(part, FileMode.Open, FileAccess.Read, FileShare.Read))
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        if (actual != sha) return null;
        File.Move(part, path, overwrite: true);
        _log.LogWarning("Attachment {Sha256} was complete in the ledger but only its .part file was on disk (a power cut after the commit); verified and restored", sha);
        return path;
    }

    /// <summary>The frame of every terminal-stream commit: one writer, one transaction with the records and the gateway's last-seen time.</summary>
    private async Task<CommitResult> CommitInTransactionAsync(Batch batch, string stream, Func<SqliteConnection, SqliteTransaction, long, Task<int>> store,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Records.Count == 0) throw new ArgumentException("a batch needs at least one record", nameof(batch));
        if (batch.Stream != stream) throw new ArgumentException($"stream '{batch.Stream}' is not '{stream}'", nameof(batch));
        var receivedAt = Now();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var added = await store(connection, transaction, receivedAt);
            await ExecuteAsync(connection, transaction, """
                INSERT INTO gateways (id, last_seen) VALUES ($id, $at)
                ON CONFLICT (id) DO UPDATE SET last_seen = max(coalesce(last_seen, 0), excluded.last_seen);
                """, cancellationToken, ("$id", batch.GatewayId), ("$at", receivedAt));
            await transaction.CommitAsync(cancellationToken);
            return new CommitResult(batch.GatewayId, batch.Stream, new SeqRange(batch.FirstSeq, batch.LastSeq), added, batch.Records.Count - added);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static string TrackJson(IReadOnlyList<TrackPoint> track)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var p in track)
            {
                writer.WriteStartObject();
                writer.WriteNumber("latitude", p.Latitude);
                writer.WriteNumber("longitude", p.Longitude);
                writer.WriteString("time", p.Time.ToUniversalTime());
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
