using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace GridEdge.Edge.Outbox;

/// <summary>
/// The highest sequence number per stream that may already have been handed out, kept in a small file beside the
/// outbox (<c>seq-reserved.json</c>). It exists for one case: when outbox.db is found corrupt it is moved aside and a
/// fresh store begins, and the fresh store must not start again at 1, because the server already holds those
/// sequence numbers and would drop the new records as duplicates. So before the outbox commits a sequence number
/// above the mark, the mark is moved a whole block (e.g. 100,000) ahead and written (temp file, fsync, atomic
/// rename): one fsync per block, not per record. A fresh store starts each stream just after its mark, which is
/// above every number issued before, at the price of a gap the server sees as "missing" (those records are in the
/// file that was moved aside).
/// </summary>
internal sealed class SequenceReservation
{
    public const string FileName = "seq-reserved.json";

    private readonly string _path;
    private readonly Dictionary<string, long> _marks;

    private SequenceReservation(string path, Dictionary<string, long> marks)
    {
        _path = path;
        _marks = marks;
    }

    public static SequenceReservation Load(string directory, ILogger logger)
    {
        var path = Path.Combine(directory, FileName);
        var marks = new Dictionary<string, long>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            try
            {
                var read = JsonSerializer.Deserialize<Dictionary<string, long>>(File.ReadAllBytes(path));
                if (read is not null)
                    foreach (var (stream, mark) in read) marks[stream] = mark;
            }
            catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
            {
                // Without the marks only the store's own counters protect against reuse; keep the bad file for a person to look at.
                var aside = $"{path}.corrupt-{DateTime.UtcNow:yyyyMMddHHmmss}";
                logger.LogError(e, "Sequence reservation file {Path} is unreadable; moved it to {Aside}", path, aside);
                File.Move(path, aside, overwrite: true);
            }
        }
        return new SequenceReservation(path, marks);
    }

    /// <summary>Whether any stream has a mark, so a fresh store numbers above what an earlier one issued.</summary>
    public bool HasMarks => _marks.Values.Any(m => m > 0);

    /// <summary>The highest number reserved for a stream, 0 when none was.</summary>
    public long MarkOf(string stream) => _marks.GetValueOrDefault(stream);

    /// <summary>Makes sure every stream's mark is at least its required number, rewriting the file if any had to move.</summary>
    /// <remarks>The marks held here move only once the file holds them: a write the disk refuses changes nothing.</remarks>
    public void Ensure(IReadOnlyDictionary<string, long> highestNeeded, long block)
    {
        Dictionary<string, long>? moved = null;
        foreach (var (stream, needed) in highestNeeded)
        {
            if (MarkOf(stream) >= needed) continue;
            moved ??= new Dictionary<string, long>(_marks, StringComparer.Ordinal);
            moved[stream] = needed + block;
        }
        if (moved is null) return;
        Write(moved);
        foreach (var (stream, mark) in moved) _marks[stream] = mark;
    }

    private void Write(Dictionary<string, long> marks)
    {
        var temp = _path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, marks);
            file.Flush(flushToDisk: true);
        }
        // rename(2) replaces the old file atomically: a reader sees either the old marks or the new ones.
        File.Move(temp, _path, overwrite: true);
        // ...and the directory sync makes the rename itself survive a power cut.
        FileSync.Directory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
    }
}
