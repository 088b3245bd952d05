using GridEdge.Edge.Outbox;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;

namespace GridEdge.Edge.Tests;

public sealed class OutboxQuotaTests
{
    private const long Quota = 64 * 1024;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static CheckIn CheckIn(int i) => new($"ci-{i:D8}", "m-001", "t-001", "370102001001", 36.65, 117.12, 5,
        TestData.T0.AddSeconds(i - 5), null, GeofenceResult.Inside, TestData.T0.AddSeconds(i), ClockQuality.NetworkSynced);

    private static async Task<long[]> AppendAll(EdgeOutbox outbox, string stream, IEnumerable<GridEdge.Protocol.Records.Record> records, bool? evictable = null) =>
        await Task.WhenAll(records.Select(r => (evictable is { } e ? outbox.AppendAsync(stream, r, e, Ct) : outbox.AppendAsync(stream, r, Ct)).AsTask()));

    [Fact(Timeout = 60_000)]
    public async Task At_the_quota_the_oldest_readings_are_evicted_and_their_range_is_kept_as_a_gap_note()
    {
        using var dir = new TempDirectory();
        long evicted;
        using (var outbox = TestData.Open(dir.Path, s => s with { QuotaBytes = Quota }))
        {
            for (var block = 0; block < 10; block++)
                await AppendAll(outbox, Streams.Readings, Enumerable.Range(block * 100 + 1, 100).Select(i => TestData.Reading(i)));

            evicted = outbox.Counters.Evicted;
            Assert.InRange(evicted, 1, 999);
            Assert.InRange(outbox.UsedBytes, 1, Quota);
            var kept = outbox.ReadPending(Streams.Readings, 0, 2000, int.MaxValue).Select(e => e.Seq).ToList();
            // The newest survive, in one run up to the last one appended; everything older went.
            Assert.Equal(Enumerable.Range((int)evicted + 1, 1000 - (int)evicted).Select(i => (long)i), kept);
            Assert.Equal(1000 - evicted, outbox.Backlog(Streams.Readings));
            Assert.Equal(1001, outbox.NextSeq(Streams.Readings));
        }

        using (var reopened = TestData.Open(dir.Path, s => s with { QuotaBytes = Quota }))
        {
            var notes = reopened.PendingGapNotes();
            Assert.NotEmpty(notes);
            Assert.All(notes, n => Assert.Equal((Streams.Readings, EvictionNote.Evicted), (n.Stream, n.Reason)));
            Assert.Equal(1, notes[0].From);
            Assert.Equal(evicted, notes[^1].To);
            Assert.Equal(evicted, notes.Sum(n => n.Count));

            Assert.Equal(notes.Count, reopened.MarkGapNotesSent(notes.Select(n => n.Id)));
            Assert.Empty(reopened.PendingGapNotes());
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Check_ins_and_monitor_readings_are_never_evicted_and_a_full_outbox_refuses_with_nothing_stored()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path, s => s with { QuotaBytes = Quota });
        await AppendAll(outbox, Streams.Readings, Enumerable.Range(1, 20).Select(i => TestData.Reading(i, "hj212-m1")), evictable: false);
        await AppendAll(outbox, Streams.Readings, Enumerable.Range(21, 50).Select(i => TestData.Reading(i)));

        var accepted = 0;
        OutboxFullException? full = null;
        for (var i = 1; i <= 5000 && full is null; i++)
        {
            try
            {
                await outbox.AppendAsync(Streams.CheckIns, CheckIn(i), Ct);
                accepted++;
            }
            catch (OutboxFullException e)
            {
                full = e;
            }
        }

        Assert.NotNull(full);
        Assert.Contains("Edge:Outbox:QuotaBytes", full.Message, StringComparison.Ordinal);
        Assert.Equal(accepted, outbox.Backlog(Streams.CheckIns));
        Assert.Equal(accepted + 1, outbox.NextSeq(Streams.CheckIns));   // the refused one took no number
        Assert.Equal(50, outbox.Counters.Evicted);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), outbox.ReadPending(Streams.Readings, 0, 100, int.MaxValue).Select(e => e.Seq));
        Assert.Equal(1, outbox.Counters.RefusedFull);
        Assert.Equal(0, outbox.Counters.FailedCommits);
        Assert.True(outbox.IsWriterHealthy, "a full outbox is policy, not a broken writer");

        // Delivery makes room again.
        outbox.MarkDelivered(Streams.CheckIns, new SeqRange(1, 100));
        Assert.Equal(accepted + 1, await outbox.AppendAsync(Streams.CheckIns, CheckIn(accepted + 1), Ct));
    }
}
