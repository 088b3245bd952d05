using GridEdge.Edge.Outbox;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using LiteDB;

namespace GridEdge.Edge.Tests;

/// <summary>Records stored as runs (<see cref="RecordRun"/>): one document per run, read in order from anywhere inside one, cut by acknowledgements that end inside one, and counted the same after a restart.</summary>
public sealed class OutboxRunTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Reading[] Readings(int from, int count) => [.. Enumerable.Range(from, count).Select(i => TestData.Reading(i))];

    private static List<BsonDocument> Documents(string directory, string stream = Streams.Readings)
    {
        using var db = new LiteDatabase(new ConnectionString { Filename = new OutboxSettings(directory).FilePath, Connection = ConnectionType.Direct, ReadOnly = true });
        return [.. db.GetCollection("stream_" + stream).FindAll()];
    }

    private static IEnumerable<long> Seqs(long from, long to) => Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => (long)i);

    [Fact(Timeout = 30_000)]
    public async Task A_commit_stores_its_records_as_runs_of_at_most_250_and_they_read_back_in_order()
    {
        using var dir = new TempDirectory();
        var records = Readings(1, 600);
        using (var outbox = TestData.Open(dir.Path))
        {
            var group = await outbox.AppendAllAsync(Streams.Readings, records, ct: Ct);
            Assert.Equal((1L, 600L), (group.FirstSeq, group.LastSeq));
            var pending = outbox.ReadPending(Streams.Readings, 0, 1000, int.MaxValue);
            Assert.Equal(Seqs(1, 600), pending.Select(e => e.Seq));
            Assert.Equal(records, pending.Select(e => e.Record));
        }

        var docs = Documents(dir.Path);
        Assert.Equal([(1L, 250), (251L, 250), (501L, 100)], docs.Select(d => (d["_id"].AsInt64, d[RecordRun.CountField].AsInt32)));
        using var reopened = TestData.Open(dir.Path);
        Assert.Equal((600L, 601L), (reopened.Backlog(Streams.Readings), reopened.NextSeq(Streams.Readings)));
        Assert.Equal(records, reopened.ReadPending(Streams.Readings, 0, 1000, int.MaxValue).Select(e => e.Record));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_batch_takes_whole_runs_while_they_fit_and_a_read_may_start_inside_one()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        for (var i = 0; i < 4; i++) await outbox.AppendAllAsync(Streams.Readings, Readings(1 + i * 100, 100), ct: Ct);

        // 250 allowed: two runs of 100 fit, the third would not, so the batch ends on a run's end.
        Assert.Equal(Seqs(1, 200), outbox.ReadPending(Streams.Readings, 0, 250, int.MaxValue).Select(e => e.Seq));
        // Nothing fits whole: the first run is taken in part.
        Assert.Equal(Seqs(1, 30), outbox.ReadPending(Streams.Readings, 0, 30, int.MaxValue).Select(e => e.Seq));
        // From inside a run: the rest of it, then whole runs.
        Assert.Equal(Seqs(31, 200), outbox.ReadPending(Streams.Readings, 30, 250, int.MaxValue).Select(e => e.Seq));
        Assert.Equal(Seqs(151, 155), outbox.ReadPending(Streams.Readings, 150, 5, int.MaxValue).Select(e => e.Seq));
        // The byte budget ends a batch on a run's end too, and still gives at least one record.
        var size = outbox.ReadPending(Streams.Readings, 0, 1, int.MaxValue)[0].EncodedSize;
        Assert.Equal(Seqs(1, 100), outbox.ReadPending(Streams.Readings, 0, 1000, size * 150).Select(e => e.Seq));
        Assert.Single(outbox.ReadPending(Streams.Readings, 0, 1000, 1));
    }

    [Theory(Timeout = 30_000)]
    [InlineData(1, 40)]     // the head of a run
    [InlineData(41, 60)]    // its middle: the records before and after it stay
    [InlineData(61, 150)]   // its tail and the head of the next
    [InlineData(1, 200)]    // two whole runs
    public async Task An_acknowledgement_ending_inside_a_run_removes_exactly_its_records(long from, long to)
    {
        using var dir = new TempDirectory();
        var records = Readings(1, 200);
        long pendingBytes;
        using (var outbox = TestData.Open(dir.Path))
        {
            await outbox.AppendAllAsync(Streams.Readings, records[..100], ct: Ct);
            await outbox.AppendAllAsync(Streams.Readings, records[100..], ct: Ct);
            outbox.PendingBytes(Streams.Readings);   // counted from here on

            Assert.Equal((int)(to - from + 1), outbox.MarkDelivered(Streams.Readings, new SeqRange(from, to)));
            Assert.Equal(0, outbox.MarkDelivered(Streams.Readings, new SeqRange(from, to)));

            var expected = Seqs(1, 200).Where(s => s < from || s > to).ToList();
            var pending = outbox.ReadPending(Streams.Readings, 0, 1000, int.MaxValue);
            Assert.Equal(expected, pending.Select(e => e.Seq));
            Assert.Equal(expected.Select(s => records[s - 1]), pending.Select(e => e.Record));
            Assert.Equal(expected.Count, outbox.Backlog(Streams.Readings));
            pendingBytes = outbox.PendingBytes(Streams.Readings);
            Assert.Equal(pending.Sum(e => (long)e.EncodedSize), pendingBytes);
            // Delivered through the record before the oldest still waiting.
            Assert.Equal(expected.Count > 0 ? expected[0] - 1 : 200, outbox.DeliveredThrough(Streams.Readings));
        }

        using var reopened = TestData.Open(dir.Path);
        Assert.Equal((200 - (to - from + 1), 201L), (reopened.Backlog(Streams.Readings), reopened.NextSeq(Streams.Readings)));
        Assert.Equal(pendingBytes, reopened.PendingBytes(Streams.Readings));
        Assert.Equal(Seqs(1, 200).Where(s => s < from || s > to), reopened.ReadPending(Streams.Readings, 0, 1000, int.MaxValue).Select(e => e.Seq));
    }

    [Fact(Timeout = 30_000)]
    public async Task Appends_write_no_counter_yet_numbers_continue_after_a_restart_however_the_records_left()
    {
        using var dir = new TempDirectory();
        using (var outbox = TestData.Open(dir.Path))
            await outbox.AppendAllAsync(Streams.Readings, Readings(1, 10), ct: Ct);
        using (var outbox = TestData.Open(dir.Path))
        {
            Assert.Equal(11, outbox.NextSeq(Streams.Readings));
            Assert.Equal(10, outbox.MarkDelivered(Streams.Readings, new SeqRange(1, 10)));
            await outbox.AppendAllAsync(Streams.Readings, Readings(11, 5), ct: Ct);
        }
        using (var outbox = TestData.Open(dir.Path))
        {
            // Delivered through 10 (written down by the delete), 11-15 appended after it.
            Assert.Equal((16L, 5L, 10L), (outbox.NextSeq(Streams.Readings), outbox.Backlog(Streams.Readings), outbox.DeliveredThrough(Streams.Readings)));
            Assert.Equal(5, outbox.MarkDelivered(Streams.Readings, new SeqRange(11, 15)));
        }
        using (var outbox = TestData.Open(dir.Path))
            Assert.Equal((16L, 0L), (outbox.NextSeq(Streams.Readings), outbox.Backlog(Streams.Readings)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Evicting_every_run_of_a_stream_keeps_its_numbers_going_after_a_restart()
    {
        using var dir = new TempDirectory();
        const long quota = 64 * 1024;
        using (var outbox = TestData.Open(dir.Path, s => s with { QuotaBytes = quota }))
        {
            // Evictable readings are the sensors' own, appended one by one (several commits, several runs).
            await Task.WhenAll(Readings(1, 200).Select(r => outbox.AppendAsync(Streams.Readings, r, Ct).AsTask()));
            // Check-ins are never evicted: enough of them push out every reading.
            for (var i = 1; i <= 1000 && outbox.Backlog(Streams.Readings) > 0; i++)
                await outbox.AppendAsync(Streams.CheckIns, OutboxQuotaTests.CheckIn(i), Ct);
            Assert.Equal(0, outbox.Backlog(Streams.Readings));
            Assert.Equal(200, outbox.Counters.Evicted);
            var notes = outbox.PendingGapNotes();
            Assert.Equal((1L, 200L, 200L), (notes[0].From, notes[^1].To, notes.Sum(n => n.Count)));
        }
        using var reopened = TestData.Open(dir.Path, s => s with { QuotaBytes = quota });
        Assert.Equal(201, reopened.NextSeq(Streams.Readings));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_store_from_before_runs_takes_runs_after_its_own_records_and_an_acknowledgement_spans_both()
    {
        using var dir = new TempDirectory();
        using (var outbox = TestData.Open(dir.Path))
            for (var i = 1; i <= 3; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);
        // What a store before runs held: a document per record, and the stream's counter written by every commit.
        using (var db = new LiteDatabase(new ConnectionString { Filename = new OutboxSettings(dir.Path).FilePath, Connection = ConnectionType.Direct }))
        {
            Assert.All(db.GetCollection("stream_" + Streams.Readings).FindAll(), d => Assert.False(d[RecordRun.CountField].IsInt32));
            db.GetCollection("meta").Upsert(new BsonDocument { ["_id"] = Streams.Readings, ["next"] = 4L, ["deliveredThrough"] = 0L });
        }

        var records = Readings(1, 8);
        using (var outbox = TestData.Open(dir.Path))
        {
            Assert.Equal(4, outbox.NextSeq(Streams.Readings));
            await outbox.AppendAllAsync(Streams.Readings, records[3..], ct: Ct);
            Assert.Equal(4, outbox.MarkDelivered(Streams.Readings, new SeqRange(2, 5)));
            Assert.Equal([1L, 6, 7, 8], outbox.ReadPending(Streams.Readings, 0, 100, int.MaxValue).Select(e => e.Seq));
        }
        using var reopened = TestData.Open(dir.Path);
        Assert.Equal((4L, 9L), (reopened.Backlog(Streams.Readings), reopened.NextSeq(Streams.Readings)));
        Assert.Equal([records[0], records[5], records[6], records[7]], reopened.ReadPending(Streams.Readings, 0, 100, int.MaxValue).Select(e => e.Record));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_run_whose_lengths_do_not_add_up_is_reported_as_unreadable_naming_it()
    {
        using var dir = new TempDirectory();
        using (var outbox = TestData.Open(dir.Path))
            await outbox.AppendAllAsync(Streams.Readings, Readings(1, 3), ct: Ct);
        using (var db = new LiteDatabase(new ConnectionString { Filename = new OutboxSettings(dir.Path).FilePath, Connection = ConnectionType.Direct }))
        {
            var runs = db.GetCollection("stream_" + Streams.Readings);
            var doc = runs.FindById(1L);
            var bytes = doc["r"].AsBinary;
            bytes[0] = 0x7F;   // the first record now claims 127 bytes
            doc["r"] = bytes;
            runs.Update(doc);
        }

        using var reopened = TestData.Open(dir.Path);
        var e = Assert.Throws<InvalidDataException>(() => reopened.ReadPending(Streams.Readings, 0, 10, int.MaxValue));
        Assert.Contains("outbox run 1", e.Message, StringComparison.Ordinal);
    }
}
