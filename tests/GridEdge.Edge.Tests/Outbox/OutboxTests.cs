using GridEdge.Edge.Outbox;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;

namespace GridEdge.Edge.Tests;

public sealed class OutboxTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 30_000)]
    public async Task Outbox_reads_pending_records_in_seq_order_and_removes_only_delivered_ones()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);

        for (var i = 1; i <= 10; i++)
            Assert.Equal(i, await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct));

        var all = outbox.ReadPending(Streams.Readings, 0, 100, int.MaxValue);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), all.Select(e => e.Seq));
        Assert.Equal(TestData.Reading(3), all[2].Record);
        Assert.All(all, e => Assert.True(e.EncodedSize > 0));

        Assert.Equal(3, outbox.MarkDelivered(Streams.Readings, new SeqRange(1, 3)));
        Assert.Equal(2, outbox.MarkDelivered(Streams.Readings, new SeqRange(6, 7)));
        Assert.Equal(0, outbox.MarkDelivered(Streams.Readings, new SeqRange(1, 3))); // a repeated ack changes nothing

        Assert.Equal([4L, 5, 8, 9, 10], outbox.ReadPending(Streams.Readings, 0, 100, int.MaxValue).Select(e => e.Seq));
        Assert.Equal([8L, 9], outbox.ReadPending(Streams.Readings, 5, 2, int.MaxValue).Select(e => e.Seq));
        Assert.Equal(5, outbox.Backlog(Streams.Readings));
        Assert.Equal(3, outbox.DeliveredThrough(Streams.Readings));
        Assert.Equal(11, outbox.NextSeq(Streams.Readings));
        Assert.Equal(5, outbox.Counters.Delivered);
        Assert.Equal(0, outbox.Backlog(Streams.Alerts));
        Assert.Equal(5, outbox.Backlogs()[Streams.Readings]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Records_a_store_kept_as_one_record_payloads_before_forms_are_read_and_sent_as_forms()
    {
        using var dir = new TempDirectory();
        using (var outbox = TestData.Open(dir.Path))
            for (var i = 1; i <= 3; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);
        // What the store held before forms: each record as a one-record binary batch payload ("GEB1").
        using (var db = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = new OutboxSettings(dir.Path).FilePath, Connection = LiteDB.ConnectionType.Direct }))
        {
            var records = db.GetCollection("stream_" + Streams.Readings);
            foreach (var doc in records.FindAll().ToList())
            {
                var legacy = Protocol.Codecs.BinaryCodec.Encode(new Batch("", "", 1, [TestData.Reading((int)doc["_id"].AsInt64)]));
                doc["r"] = legacy;
                doc["n"] = legacy.Length;
                records.Update(doc);
            }
        }

        using var reopened = TestData.Open(dir.Path);
        var pending = reopened.ReadPending(Streams.Readings, 0, 100, int.MaxValue);

        Assert.Equal([TestData.Reading(1), TestData.Reading(2), TestData.Reading(3)], pending.Select(e => e.Record));
        Assert.All(pending, e => Assert.NotEqual((byte)'G', e.Form[0]));
        var sent = Protocol.Codecs.WireCodec.Decode(Protocol.Codecs.BinaryCodec.EncodeBatch("gw-1", Streams.Readings, 1, null, [.. pending.Select(e => e.Form)]));
        Assert.Equal(pending.Select(e => e.Record), Assert.IsType<Batch>(sent.Value).Records);
    }

    [Fact(Timeout = 30_000)]
    public async Task Pending_bytes_follow_appends_and_acknowledgements_and_agree_with_a_fresh_count()
    {
        using var dir = new TempDirectory();
        static AttachmentChunk Chunk(int i, int length) =>
            new(new string('a', 64), "image/jpeg", 1_000_000, i * 10_000L, new byte[length], "t-1", TestData.T0, ClockQuality.NetworkSynced);
        long expected;
        using (var outbox = TestData.Open(dir.Path))
        {
            await outbox.AppendAsync(Streams.Attachments, Chunk(0, 10_000), Ct);
            var one = outbox.PendingBytes(Streams.Attachments);   // the first ask counts what is there
            Assert.InRange(one, 10_000, 10_200);
            for (var i = 1; i <= 9; i++) await outbox.AppendAsync(Streams.Attachments, Chunk(i, 10_000 - i), Ct);
            long Stored() => outbox.ReadPending(Streams.Attachments, 0, 1000, int.MaxValue).Sum(e => (long)e.EncodedSize);
            Assert.Equal(Stored(), outbox.PendingBytes(Streams.Attachments));

            Assert.Equal(3, outbox.MarkDelivered(Streams.Attachments, new SeqRange(2, 4)));
            expected = outbox.PendingBytes(Streams.Attachments);
            Assert.Equal(Stored(), expected);
            Assert.InRange(expected, 7 * 9_990, 7 * 10_100);
            Assert.Equal(0, outbox.PendingBytes(Streams.Readings));
        }
        // Reopened: counted afresh from the file, the same figure.
        using var reopened = TestData.Open(dir.Path);
        Assert.Equal(expected, reopened.PendingBytes(Streams.Attachments));
        reopened.MarkDelivered(Streams.Attachments, new SeqRange(1, 10));
        Assert.Equal(0, reopened.PendingBytes(Streams.Attachments));
    }

    [Fact(Timeout = 30_000)]
    public async Task Outbox_read_stops_at_the_byte_budget_but_always_returns_one_record()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        for (var i = 1; i <= 20; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);

        var size = outbox.ReadPending(Streams.Readings, 0, 1, int.MaxValue)[0].EncodedSize;
        var some = outbox.ReadPending(Streams.Readings, 0, 100, size * 5);
        Assert.InRange(some.Count, 4, 5);
        Assert.True(some.Sum(e => e.EncodedSize) <= size * 5);
        Assert.Single(outbox.ReadPending(Streams.Readings, 0, 100, 1));
    }

    [Fact(Timeout = 30_000)]
    public async Task Outbox_keeps_every_appended_record_across_reopen()
    {
        using var dir = new TempDirectory();
        using (var outbox = TestData.Open(dir.Path))
        {
            for (var i = 1; i <= 50; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);
            outbox.MarkDelivered(Streams.Readings, new SeqRange(1, 10));
        }
        using (var reopened = TestData.Open(dir.Path))
        {
            var pending = reopened.ReadPending(Streams.Readings, 0, 1000, int.MaxValue);
            Assert.Equal(Enumerable.Range(11, 40).Select(i => (long)i), pending.Select(e => e.Seq));
            Assert.Equal(Enumerable.Range(11, 40).Select(i => (GridEdge.Protocol.Records.Record)TestData.Reading(i)), pending.Select(e => e.Record));
            Assert.Equal(40, reopened.Backlog(Streams.Readings));
            Assert.Equal(10, reopened.DeliveredThrough(Streams.Readings));
            Assert.Equal(51, await reopened.AppendAsync(Streams.Readings, TestData.Reading(51), Ct));
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Outbox_recovers_committed_records_from_the_log_when_the_process_died_without_closing()
    {
        using var dir = new TempDirectory();
        using var crashed = new TempDirectory();
        using (var outbox = TestData.Open(dir.Path))
        {
            await Task.WhenAll(Enumerable.Range(1, 300).Select(i => outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct).AsTask()));
            outbox.MarkDelivered(Streams.Readings, new SeqRange(1, 100));
            // What a SIGKILL leaves behind: the files as they are after the last commit, log not folded in.
            Assert.True(outbox.LogFileBytes > 0);
            foreach (var file in Directory.GetFiles(dir.Path)) File.Copy(file, Path.Combine(crashed.Path, Path.GetFileName(file)));
        }
        using var recovered = TestData.Open(crashed.Path);
        Assert.Equal(0, recovered.Counters.CorruptStoresMovedAside);
        Assert.Equal(Enumerable.Range(101, 200).Select(i => (long)i), recovered.ReadPending(Streams.Readings, 0, 1000, int.MaxValue).Select(e => e.Seq));
        Assert.Equal(301, await recovered.AppendAsync(Streams.Readings, TestData.Reading(301), Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Group_commit_shares_transactions_among_concurrent_appends()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);

        var appends = Enumerable.Range(1, 1000).Select(i => Task.Run(async () => await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct), Ct)).ToArray();
        var seqs = await Task.WhenAll(appends);

        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), seqs.Order());
        Assert.Equal(1000, outbox.Counters.Appended);
        Assert.True(outbox.Counters.Commits < 200, $"{outbox.Counters.Commits} commits for 1000 appends");
        Assert.Equal(1000, outbox.Backlog(Streams.Readings));
        // Each caller got the seq of its own record.
        var pending = outbox.ReadPending(Streams.Readings, 0, 1000, int.MaxValue).ToDictionary(e => e.Seq, e => ((Reading)e.Record).Value);
        for (var i = 0; i < 1000; i++) Assert.Equal(i + 1, pending[seqs[i]]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Each_stream_numbers_its_records_from_one()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        Assert.Equal(1, await outbox.AppendAsync(Streams.Readings, TestData.Reading(1), Ct));
        Assert.Equal(2, await outbox.AppendAsync(Streams.Readings, TestData.Reading(2), Ct));
        Assert.Equal(1, outbox.NextSeq(Streams.Alerts));
    }

    [Fact(Timeout = 30_000)]
    public async Task Append_refuses_a_record_the_server_would_reject_and_names_the_field()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        var bad = TestData.Reading(1) with { Unit = "furlongs" };
        var e = await Assert.ThrowsAsync<ArgumentException>(async () => await outbox.AppendAsync(Streams.Readings, bad, Ct));
        Assert.Contains("unit", e.Message);
        await Assert.ThrowsAsync<ArgumentException>(async () => await outbox.AppendAsync("nonsense", TestData.Reading(1), Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await outbox.AppendAsync(Streams.Alerts, TestData.Reading(1), Ct));
        Assert.Equal(1, await outbox.AppendAsync(Streams.Readings, TestData.Reading(1), Ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task Reclaiming_deletes_delivered_records_and_checkpoints_keep_the_log_bounded()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path, s => s with { CheckpointAfterDelivered = 2_000, CheckpointSizePages = 200 });
        var maxLog = 0L;
        for (var round = 0; round < 10; round++)
        {
            var appends = Enumerable.Range(1, 2_000).Select(i => outbox.AppendAsync(Streams.Readings, TestData.Reading(round * 2_000 + i), Ct).AsTask());
            var seqs = await Task.WhenAll(appends);
            Assert.Equal(2_000, outbox.MarkDelivered(Streams.Readings, new SeqRange(seqs.Min(), seqs.Max())));
            maxLog = Math.Max(maxLog, outbox.LogFileBytes);
        }

        Assert.Equal(0, outbox.Backlog(Streams.Readings));
        Assert.Empty(outbox.ReadPending(Streams.Readings, 0, 10, int.MaxValue));
        Assert.Equal(20_000, outbox.Counters.Delivered);
        Assert.True(outbox.Counters.Checkpoints >= 5, $"{outbox.Counters.Checkpoints} checkpoints");
        // 20,000 records went through; the log never held much more than one round of them.
        Assert.True(maxLog < 4 * 1024 * 1024, $"log reached {maxLog} bytes");
        Assert.True(outbox.LogFileBytes < 1024 * 1024, $"log is {outbox.LogFileBytes} bytes after the last checkpoint");
        var dataFile = new FileInfo(outbox.FilePath).Length;
        Assert.True(dataFile < 4 * 1024 * 1024, $"data file is {dataFile} bytes");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_corrupt_store_is_moved_aside_untouched_and_sequence_numbers_continue_above_those_issued()
    {
        using var dir = new TempDirectory();
        long lastIssued;
        using (var outbox = TestData.Open(dir.Path, s => s with { SeqReservationBlock = 1_000 }))
        {
            for (var i = 1; i <= 30; i++) lastIssued = await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);
            lastIssued = outbox.NextSeq(Streams.Readings) - 1;
        }
        var path = Path.Combine(dir.Path, OutboxSettings.FileName);
        var garbage = new byte[64 * 1024];
        new Random(7).NextBytes(garbage);
        await File.WriteAllBytesAsync(path, garbage, Ct);

        using (var fresh = TestData.Open(dir.Path, s => s with { SeqReservationBlock = 1_000 }))
        {
            Assert.Equal(1, fresh.Counters.CorruptStoresMovedAside);
            var aside = Directory.GetFiles(dir.Path, OutboxSettings.FileName + ".corrupt-*");
            Assert.Single(aside);
            Assert.Equal(garbage, await File.ReadAllBytesAsync(aside[0], Ct));

            var seq = await fresh.AppendAsync(Streams.Readings, TestData.Reading(31), Ct);
            Assert.True(seq > lastIssued, $"fresh store issued {seq}, at or below {lastIssued}");
            Assert.Equal(1, fresh.Backlog(Streams.Readings));
        }
        // The fresh store is a normal store from then on.
        using var again = TestData.Open(dir.Path);
        Assert.Equal(0, again.Counters.CorruptStoresMovedAside);
        Assert.Equal(1, again.Backlog(Streams.Readings));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(0)]        // the header page
    [InlineData(8192)]     // the collection catalogue
    [InlineData(196_608)]  // an index page in the middle of the data
    public async Task A_store_with_one_damaged_page_is_moved_aside_and_a_fresh_one_continues_the_numbering(int offset)
    {
        using var dir = new TempDirectory();
        using (var outbox = TestData.Open(dir.Path))
        {
            await Task.WhenAll(Enumerable.Range(1, 2000).Select(i => outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct).AsTask()));
            outbox.Checkpoint();
        }
        var path = Path.Combine(dir.Path, OutboxSettings.FileName);
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = offset;
            var garbage = new byte[8192];
            new Random(offset).NextBytes(garbage);
            await file.WriteAsync(garbage, Ct);
        }
        var damaged = await File.ReadAllBytesAsync(path, Ct);

        using var fresh = TestData.Open(dir.Path);
        Assert.Equal(1, fresh.Counters.CorruptStoresMovedAside);
        Assert.Equal(damaged, await File.ReadAllBytesAsync(Assert.Single(Directory.GetFiles(dir.Path, OutboxSettings.FileName + ".corrupt-*")), Ct));
        Assert.True(await fresh.AppendAsync(Streams.Readings, TestData.Reading(1), Ct) > 2000);
    }

    [Fact(Timeout = 30_000)]
    public async Task Sequence_reservation_is_rewritten_once_per_block_not_per_record()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path, s => s with { SeqReservationBlock = 100 });
        var file = Path.Combine(dir.Path, "seq-reserved.json");
        await outbox.AppendAsync(Streams.Readings, TestData.Reading(1), Ct);
        var first = await File.ReadAllTextAsync(file, Ct);
        Assert.Contains("\"readings\":101", first);
        var written = File.GetLastWriteTimeUtc(file);
        for (var i = 2; i <= 50; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);
        Assert.Equal(first, await File.ReadAllTextAsync(file, Ct));
        Assert.Equal(written, File.GetLastWriteTimeUtc(file));
        for (var i = 51; i <= 150; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);
        Assert.Contains("\"readings\":", await File.ReadAllTextAsync(file, Ct));
        Assert.DoesNotContain("\"readings\":101", await File.ReadAllTextAsync(file, Ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task Append_returns_only_after_the_record_can_be_read_back()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        var committed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        outbox.RecordsCommitted += stream => committed.TrySetResult(stream);
        var seq = await outbox.AppendAsync(Streams.Readings, TestData.Reading(1), Ct);
        Assert.Equal(seq, Assert.Single(outbox.ReadPending(Streams.Readings, 0, 10, int.MaxValue)).Seq);
        Assert.Equal(Streams.Readings, await committed.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct));
    }
}
