using System.Collections.Concurrent;
using System.Security.Cryptography;
using GridEdge.Edge.Time;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Logging;

namespace GridEdge.Edge.Terminals;

/// <summary>What an attachment upload looks like now: declared size and type, bytes received, and partial or complete.</summary>
public sealed record AttachmentStatus(string Sha256, long Size, string ContentType, long Received, string State)
{
    public const string Partial = "partial", Complete = "complete";
}

/// <summary>
/// Resumable photo uploads addressed by SHA-256. Bytes are staged in {DataDirectory}/attachments/{sha256}.part as they
/// arrive (what arrived before a dropped connection is kept and synced, so the terminal resumes from there); once all
/// are in, the hash is verified and the file goes into the outbox's <see cref="Streams.Attachments"/> stream as
/// <see cref="AttachmentChunk"/> records, whose acknowledgement and resending make the way up resumable too.
/// An upload belongs to the terminal that opened it (to any other it does not exist), each terminal has a share of the
/// quota, and an upload that makes no progress for StaleUploadMinutes is dropped so that it stops holding any.
/// </summary>
internal sealed class AttachmentStore : IDisposable
{
    private const string StagedSuffix = ".part";
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(5);

    private readonly string _directory;
    private readonly TerminalState _state;
    private readonly Outbox.OutboxStore _outbox;
    private readonly GatewayClock _clock;
    private readonly Hosting.TerminalOptions _options;
    private readonly TerminalCounters _counters;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _quotaLock = new(1, 1);
    // When each open upload last got a byte (or was opened), on the monotonic clock: a clock step must not expire them all.
    // Kept in memory: after a restart every open upload gets a whole StaleUploadMinutes again.
    private readonly ConcurrentDictionary<string, long> _progressMs = new(StringComparer.Ordinal);
    private readonly TimeSpan _staleAfter;
    private readonly ITimer _sweep;

    /// <param name="time">Drives the periodic sweep of stale uploads (staleness itself is judged on <paramref name="clock"/>).</param>
    public AttachmentStore(string dataDirectory, TerminalState state, Outbox.OutboxStore outbox, GatewayClock clock, Hosting.TerminalOptions options,
        TerminalCounters counters, ILogger logger, TimeProvider time)
    {
        _directory = Path.Combine(dataDirectory, "attachments");
        _state = state;
        _outbox = outbox;
        _clock = clock;
        _options = options;
        _counters = counters;
        _logger = logger;
        _staleAfter = TimeSpan.FromMinutes(options.StaleUploadMinutes);
        Directory.CreateDirectory(_directory);
        Reconcile();
        var every = TimeSpan.FromTicks(Math.Min(_staleAfter.Ticks / 4, TimeSpan.FromMinutes(5).Ticks));
        _sweep = time.CreateTimer(_ => SweepStale(), null, every, every);
    }

    // A staged file without its record is a leftover (the upload was verified, or refused); a record without its file starts again from 0.
    private void Reconcile()
    {
        var staged = _state.AllStaged().ToDictionary(s => s.Sha256, StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(_directory, "*" + StagedSuffix))
        {
            var sha = Path.GetFileName(file)[..^StagedSuffix.Length];
            if (!staged.ContainsKey(sha) || _state.FindComplete(sha) is not null) File.Delete(file);
        }
        foreach (var upload in staged.Values)
        {
            if (!File.Exists(StagedPath(upload.Sha256))) File.Create(StagedPath(upload.Sha256)).Dispose();
            _progressMs[upload.Sha256] = _clock.MonotonicMs;
        }
    }

    private string StagedPath(string sha256) => Path.Combine(_directory, sha256 + StagedSuffix);

    private long Received(string sha256) => File.Exists(StagedPath(sha256)) ? new FileInfo(StagedPath(sha256)).Length : 0;

    /// <summary>Bytes reserved by uploads in progress (their declared sizes).</summary>
    public long StagedBytes => _state.AllStaged().Sum(s => s.Size);

    public int StagedCount => _state.AllStaged().Count;

    /// <summary>The upload's state, or null when it was never opened (or was refused, or another terminal is uploading it).</summary>
    public async Task<AttachmentStatus?> StatusAsync(string sha256, string terminalId, CancellationToken ct)
    {
        if (_state.FindComplete(sha256) is { } done) return new AttachmentStatus(sha256, done.Size, done.ContentType, done.Size, AttachmentStatus.Complete);
        if (_state.FindStaged(sha256) is { } other && other.TerminalId != terminalId) return null;
        var gate = Gate(sha256);
        // Wait for a PUT still writing (e.g. one whose connection just dropped) so the offset reported is the synced one.
        var entered = await gate.WaitAsync(LockWait, ct).ConfigureAwait(false);
        try
        {
            if (_state.FindStaged(sha256) is not { } upload) return _state.FindComplete(sha256) is { } c ? new AttachmentStatus(sha256, c.Size, c.ContentType, c.Size, AttachmentStatus.Complete) : null;
            if (upload.TerminalId != terminalId) return null;
            if (entered && Received(sha256) == upload.Size)
            {
                var finished = await FinishAsync(upload).ConfigureAwait(false);
                if (finished.Status is not null) return finished.Status;
                return null;
            }
            return new AttachmentStatus(sha256, upload.Size, upload.ContentType, Received(sha256), AttachmentStatus.Partial);
        }
        finally
        {
            if (entered) gate.Release();
        }
    }

    /// <summary>Opens an upload, or reports the one already open or complete for this hash.</summary>
    public async Task<UploadResult> OpenAsync(string sha256, long size, string contentType, string terminalId, CancellationToken ct)
    {
        if (_state.FindComplete(sha256) is { } done)
            return UploadResult.Ok(new AttachmentStatus(sha256, done.Size, done.ContentType, done.Size, AttachmentStatus.Complete));
        if (_state.FindStaged(sha256) is { } open)
        {
            // The same photo from two terminals (one forwarded it to the other): one staging per hash, so the second waits.
            if (open.TerminalId != terminalId)
                return UploadResult.Conflict("sha256", $"{sha256} is being uploaded by another terminal; retry later (it is then complete, or the other upload was dropped)");
            if (open.Size != size || open.ContentType != contentType)
                return UploadResult.Conflict("size", $"an upload of {sha256} is open with size {open.Size} and type {open.ContentType}; the same hash cannot have another size or type");
            return await StatusAsync(sha256, terminalId, ct).ConfigureAwait(false) is { } status ? UploadResult.Ok(status) : UploadResult.NotFound();
        }
        await _quotaLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_state.FindStaged(sha256) is null)
            {
                DiscardStale();
                if (RefuseOverQuota(sha256, size, terminalId) is { } refused) return refused;
                File.Create(StagedPath(sha256)).Dispose();
                _state.SaveStaged(new StagedUpload(sha256, size, contentType, terminalId, _clock.SystemUtcNow));
                _progressMs[sha256] = _clock.MonotonicMs;
                _logger.LogDebug("Attachment {Sha256} ({Size} bytes, {ContentType}) opened by terminal {TerminalId}", sha256, size, contentType, terminalId);
            }
        }
        finally
        {
            _quotaLock.Release();
        }
        if (size == 0) return await ReceiveAsync(sha256, terminalId, 0, -1, 0, Stream.Null, ct).ConfigureAwait(false) is { Status: not null } empty ? empty with { Created = true } : UploadResult.NotFound();
        return UploadResult.Ok(new AttachmentStatus(sha256, size, contentType, 0, AttachmentStatus.Partial), created: true);
    }

    // Under the quota lock: the terminal's own count and share of open uploads first (the limit it can do something about), then the gateway's quota.
    private UploadResult? RefuseOverQuota(string sha256, long size, string terminalId)
    {
        var all = _state.AllStaged();
        var staged = all.Sum(s => s.Size);
        var pending = _outbox.PendingBytes(Streams.Attachments);
        var mine = all.Where(s => s.TerminalId == terminalId).ToList();
        var mineBytes = mine.Sum(s => s.Size);
        string problem;
        if (mine.Count >= _options.MaxOpenUploadsPerTerminal)
            problem = $"this terminal has {mine.Count} uploads open, the most one terminal may have (Edge:Terminals:MaxOpenUploadsPerTerminal); " +
                      $"finish one first (an upload without a new byte for {_options.StaleUploadMinutes} minutes is dropped), then retry";
        else if (mineBytes + size > _options.UploadQuotaBytesPerTerminal)
            problem = $"this terminal's open uploads reserve {mineBytes} bytes; {size} more would pass its share of {_options.UploadQuotaBytesPerTerminal} " +
                      $"(Edge:Terminals:UploadQuotaBytesPerTerminal); finish them first (an upload without a new byte for {_options.StaleUploadMinutes} minutes is dropped), then retry";
        else if (staged + pending + size > _options.AttachmentQuotaBytes)
            problem = $"the gateway's attachment space is full: {staged} bytes staged and {pending} bytes waiting for the uplink, {size} more would pass the quota of {_options.AttachmentQuotaBytes}; keep the photo and retry later";
        else
            return null;
        _counters.OverQuota();
        _logger.LogWarning("Attachment {Sha256} of {Size} bytes from terminal {TerminalId} refused: {Problem}", sha256, size, terminalId, problem);
        return UploadResult.OverQuota(problem);
    }

    /// <summary>
    /// Writes the bytes <paramref name="start"/>..<paramref name="end"/> (inclusive) of the upload from the request body as
    /// they arrive. A dropped connection keeps (and syncs) what arrived. When the last byte is in, verifies and hands the file on.
    /// </summary>
    public async Task<UploadResult> ReceiveAsync(string sha256, string terminalId, long start, long end, long total, Stream body, CancellationToken ct)
    {
        if (_state.FindComplete(sha256) is { } done)
            return UploadResult.Ok(new AttachmentStatus(sha256, done.Size, done.ContentType, done.Size, AttachmentStatus.Complete));
        // Another terminal's upload does not exist for this one (not even as "in progress" by the gate below).
        if (_state.FindStaged(sha256) is { } other && other.TerminalId != terminalId) return UploadResult.NotFound();
        var gate = Gate(sha256);
        if (!await gate.WaitAsync(LockWait, ct).ConfigureAwait(false))
            return UploadResult.Conflict("Content-Range", $"another upload of {sha256} is in progress", Received(sha256));
        try
        {
            if (_state.FindStaged(sha256) is not { } upload || upload.TerminalId != terminalId) return UploadResult.NotFound();
            var received = Received(sha256);
            // Every byte arrived before, but the gateway stopped before handing the file on: finish it now.
            if (received == upload.Size) return await FinishAsync(upload).ConfigureAwait(false);
            if (total != upload.Size) return UploadResult.Invalid("Content-Range", $"total {total} is not the declared size {upload.Size}");
            if (start != received)
            {
                _counters.UploadConflict();
                return UploadResult.Conflict("Content-Range", $"starts at {start}; the gateway has {received} bytes, so the next range starts at {received}", received);
            }
            var length = end - start + 1;
            var arrived = 0L;
            var interrupted = false;
            await using (var file = new FileStream(StagedPath(sha256), FileMode.Append, FileAccess.Write, FileShare.Read, 1, FileOptions.Asynchronous))
            {
                var buffer = new byte[64 * 1024];
                try
                {
                    while (arrived < length)
                    {
                        var n = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - arrived)), ct).ConfigureAwait(false);
                        if (n == 0) break;
                        await file.WriteAsync(buffer.AsMemory(0, n), CancellationToken.None).ConfigureAwait(false);
                        arrived += n;
                    }
                }
                catch (Exception e) when (e is IOException or OperationCanceledException)
                {
                    // The terminal lost its connection mid-chunk: keep what arrived, so it resumes from there.
                    interrupted = true;
                    _counters.InterruptedUpload();
                    _logger.LogInformation("Upload of {Sha256} interrupted after {Bytes} bytes of the range at {Start} ({Problem})", sha256, arrived, start, e.Message);
                }
                file.Flush(flushToDisk: true);
            }
            received = start + arrived;
            if (arrived > 0) _progressMs[sha256] = _clock.MonotonicMs;
            if (interrupted || received < upload.Size)
                return UploadResult.Ok(new AttachmentStatus(sha256, upload.Size, upload.ContentType, received, AttachmentStatus.Partial));
            return await FinishAsync(upload).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    // Every byte is in: verify and hand the file to the outbox as chunks, then forget the staging. Not cancellable: once
    // chunks are handed to the outbox the rest must follow, and a terminal that went away still gets its photo stored.
    private async Task<UploadResult> FinishAsync(StagedUpload upload)
    {
        var path = StagedPath(upload.Sha256);
        string actual;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous))
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, CancellationToken.None).ConfigureAwait(false));
        if (actual != upload.Sha256)
        {
            File.Delete(path);
            _state.DeleteStaged(upload.Sha256);
            _progressMs.TryRemove(upload.Sha256, out _);
            _counters.HashMismatch();
            _logger.LogWarning("Attachment {Sha256} from terminal {TerminalId} does not match its hash (the bytes hash to {Actual}); discarded", upload.Sha256, upload.TerminalId, actual);
            return UploadResult.Mismatch($"the {upload.Size} bytes received hash to {actual}, not {upload.Sha256}; the staged bytes were discarded, upload the file again");
        }
        var (at, quality) = _clock.Now();
        var chunkBytes = _options.AttachmentChunkBytes;
        var first = -1L;
        var last = -1L;
        var chunks = 0;
        // Cancellation does not stop this: a chunk handed to the outbox may be committed, and the rest must follow it.
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous))
        {
            var pending = new List<ValueTask<long>>(16);
            var offset = 0L;
            do
            {
                var data = new byte[(int)Math.Min(chunkBytes, upload.Size - offset)];
                await file.ReadExactlyAsync(data, CancellationToken.None).ConfigureAwait(false);
                pending.Add(_outbox.AppendAsync(Streams.Attachments,
                    new AttachmentChunk(upload.Sha256, upload.ContentType, upload.Size, offset, data, upload.TerminalId, at, quality), CancellationToken.None));
                offset += data.Length;
                chunks++;
                if (pending.Count == 16 || offset >= upload.Size)
                {
                    foreach (var append in pending)
                    {
                        var seq = await append.ConfigureAwait(false);
                        if (first < 0) first = seq;
                        last = seq;
                    }
                    pending.Clear();
                }
            }
            while (offset < upload.Size);
        }
        _state.Complete(upload);
        File.Delete(path);
        _locks.TryRemove(upload.Sha256, out _);
        _progressMs.TryRemove(upload.Sha256, out _);
        _counters.Attachment();
        _logger.LogDebug("Attachment {Sha256} ({Size} bytes) from terminal {TerminalId} verified and stored as {Chunks} chunks, {Stream} {First}-{Last}",
            upload.Sha256, upload.Size, upload.TerminalId, chunks, Streams.Attachments, first, last);
        return UploadResult.Ok(new AttachmentStatus(upload.Sha256, upload.Size, upload.ContentType, upload.Size, AttachmentStatus.Complete));
    }

    // On the sweep's timer: stale uploads give their disk space and reservation back even when no one opens a new one.
    private void SweepStale()
    {
        if (!_quotaLock.Wait(0)) return;
        try
        {
            DiscardStale();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LiteDB.LiteException or ObjectDisposedException)
        {
            _logger.LogError(e, "Stale attachment uploads could not be discarded ({Problem}); the next sweep tries again", e.Message);
        }
        finally
        {
            _quotaLock.Release();
        }
    }

    // Under the quota lock. An upload being written to (its gate taken) is making progress and is left alone.
    private void DiscardStale()
    {
        var now = _clock.MonotonicMs;
        foreach (var upload in _state.AllStaged())
        {
            var last = _progressMs.GetOrAdd(upload.Sha256, now);
            var idle = TimeSpan.FromMilliseconds(now - last);
            if (idle < _staleAfter) continue;
            var gate = Gate(upload.Sha256);
            if (!gate.Wait(0)) continue;
            try
            {
                var received = Received(upload.Sha256);
                File.Delete(StagedPath(upload.Sha256));
                _state.DeleteStaged(upload.Sha256);
                _progressMs.TryRemove(upload.Sha256, out _);
                _logger.LogWarning("Attachment {Sha256} from terminal {TerminalId} dropped: no new byte for {Minutes:F0} minutes (Edge:Terminals:StaleUploadMinutes); " +
                                   "{Received} of {Size} bytes discarded and its reservation freed", upload.Sha256, upload.TerminalId, idle.TotalMinutes, received, upload.Size);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    public void Dispose()
    {
        _sweep.Dispose();
        // A sweep under way finishes before the store under it closes.
        _quotaLock.Wait();
        _quotaLock.Release();
    }

    private SemaphoreSlim Gate(string sha256) => _locks.GetOrAdd(sha256, _ => new SemaphoreSlim(1, 1));
}

/// <summary>The outcome of an attachment request, mapped onto HTTP by the API.</summary>
internal sealed record UploadResult(int HttpStatus, AttachmentStatus? Status, string? Field = null, string? Problem = null, long? Received = null)
{
    public bool Created { get; init; }

    public static UploadResult Ok(AttachmentStatus status, bool created = false) => new(created ? 201 : 200, status) { Created = created };
    public static UploadResult NotFound() => new(404, null, "sha256", "no upload of this hash is open; POST /api/v1/attachments first");
    public static UploadResult Conflict(string field, string problem, long? received = null) => new(409, null, field, problem, received);
    public static UploadResult Invalid(string field, string problem) => new(400, null, field, problem);
    public static UploadResult OverQuota(string problem) => new(507, null, "size", problem);
    public static UploadResult Mismatch(string problem) => new(422, null, "sha256", problem);
}
