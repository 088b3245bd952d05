using GridEdge.Protocol.Wire;
using LiteDB;

namespace GridEdge.Edge.Outbox;

/// <summary>How the records of a stream are laid out as runs (<see cref="RecordRun"/>): written by a commit, read by the uplink, cut by an acknowledgement.</summary>
public sealed partial class OutboxStore
{
    /// <summary>
    /// The documents for the stored appends of one stream in one commit, in sequence order: consecutive records in runs,
    /// a new run wherever evictability changes, a run is full, or a record was stamped on an unsynchronised clock (that one
    /// alone, with its monotonic stamp).
    /// </summary>
    private IEnumerable<BsonDocument> RunDocuments(IEnumerable<(PendingAppend Append, long FirstSeq)> appends)
    {
        var forms = new List<byte[]>(RecordRun.MaxRecords);
        long first = 0, bytes = 0;
        var evictable = false;
        foreach (var (append, firstSeq) in appends)
        {
            for (var j = 0; j < append.Records.Length; j++)
            {
                var record = append.Records[j];
                var seq = firstSeq + j;
                var fits = forms.Count < RecordRun.MaxRecords && bytes + record.Bytes.Length <= RecordRun.MaxBytes;
                if (forms.Count > 0 && (!fits || append.Evictable != evictable || record.Monotonic is not null))
                {
                    yield return RunDocument(first, forms, bytes, evictable);
                    forms.Clear();
                    bytes = 0;
                }
                if (record.Monotonic is { } monotonic)
                {
                    var alone = RunDocument(seq, [record.Bytes], record.Bytes.Length, append.Evictable);
                    alone[MonotonicField] = monotonic;
                    alone[BootField] = _clock.BootId;
                    yield return alone;
                    continue;
                }
                if (forms.Count == 0)
                {
                    first = seq;
                    evictable = append.Evictable;
                }
                forms.Add(record.Bytes);
                bytes += record.Bytes.Length;
            }
        }
        if (forms.Count > 0) yield return RunDocument(first, forms, bytes, evictable);
    }

    private static BsonDocument RunDocument(long first, IReadOnlyList<byte[]> forms, long bytes, bool evictable)
    {
        // A run of one is the record's form alone, as a store before runs held it.
        var doc = forms.Count == 1
            ? new BsonDocument { ["_id"] = first, [RecordField] = forms[0], [SizeField] = forms[0].Length }
            : new BsonDocument { ["_id"] = first, [RecordRun.CountField] = forms.Count, [RecordField] = RecordRun.Pack(forms), [SizeField] = (int)bytes };
        if (evictable) doc[OutboxEviction.EvictableField] = true;
        return doc;
    }

    /// <summary>The run holding <paramref name="seq"/> that starts before it, if there is one (the runs after it start above it).</summary>
    private static BsonDocument? RunReaching(ILiteCollection<BsonDocument> records, long seq)
    {
        // A run holds at most RecordRun.MaxRecords, so one reaching seq starts in the window just below it.
        var before = records.Query().Where(LiteQueries.Between("_id", seq - RecordRun.MaxRecords + 1, seq - 1)).OrderByDescending("_id").Limit(1).FirstOrDefault();
        return before is not null && before["_id"].AsInt64 + RecordRun.CountOf(before) - 1 >= seq ? before : null;
    }

    /// <summary>
    /// Removes the records of one acknowledged range: the runs inside it whole, a run reaching into it from either side
    /// cut, the records outside the range written back. Inside the caller's transaction.
    /// </summary>
    private static (int Records, long Bytes) RemoveRange(ILiteCollection<BsonDocument> records, SeqRange range)
    {
        int removed = 0;
        long bytes = 0;
        // A run reaching in from below always keeps its head: it is cut from the document already read.
        if (RunReaching(records, range.From) is { } head) (removed, bytes) = Cut(records, head, range);
        var runs = records.Query().Where(LiteQueries.Between("_id", range.From, range.To)).Select(RecordRun.Summary(SizeField)).ToEnumerable()
            .Select(doc => RecordRun.Of(doc, SizeField)).ToList();
        foreach (var run in runs)
        {
            if (run.First >= range.From && run.Last <= range.To)
            {
                records.Delete(run.First);
                removed += run.Count;
                bytes += run.Bytes;
                continue;
            }
            var cut = Cut(records, records.FindById(run.First), range);
            removed += cut.Records;
            bytes += cut.Bytes;
        }
        return (removed, bytes);
    }

    // A run partly inside an acknowledged range: the records before the range keep the run's _id, those after it start a new run.
    private static (int Records, long Bytes) Cut(ILiteCollection<BsonDocument> records, BsonDocument doc, SeqRange range)
    {
        var first = doc["_id"].AsInt64;
        var forms = RecordRun.Forms(doc, RecordField);
        var evictable = doc[OutboxEviction.EvictableField] == true;
        var before = new List<byte[]>();
        var after = new List<byte[]>();
        int removed = 0;
        long bytes = 0;
        for (var i = 0; i < forms.Length; i++)
        {
            var seq = first + i;
            if (seq < range.From) before.Add(forms[i]);
            else if (seq > range.To) after.Add(forms[i]);
            else
            {
                removed++;
                bytes += forms[i].Length;
            }
        }
        records.Delete(first);
        if (before.Count > 0) records.Insert(RunDocument(first, before, before.Sum(f => (long)f.Length), evictable));
        if (after.Count > 0) records.Insert(RunDocument(range.To + 1, after, after.Sum(f => (long)f.Length), evictable));
        return (removed, bytes);
    }

    /// <summary>How many records a stream's collection holds, the sequence number of its oldest and the one after its last.</summary>
    private static (long Records, long Oldest, long NextAfterLast) CountRuns(ILiteCollection<BsonDocument> records)
    {
        long count = 0, oldest = long.MaxValue, next = 0;
        foreach (var doc in records.Query().Select(RecordRun.Summary(SizeField)).ToEnumerable())
        {
            var run = RecordRun.Of(doc, SizeField);
            count += run.Count;
            oldest = Math.Min(oldest, run.First);
            next = Math.Max(next, run.Last + 1);
        }
        return (count, oldest, next);
    }
}
