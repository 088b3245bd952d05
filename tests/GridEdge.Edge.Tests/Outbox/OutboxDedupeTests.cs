using GridEdge.Edge.Outbox;
using GridEdge.Edge.Tests.Time;
using GridEdge.Edge.Time;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Edge.Tests;

/// <summary>Appends that carry a key: stored at most once, the key committed with the records, remembered across a restart, pruned by age and count.</summary>
public sealed class OutboxDedupeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 30, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DedupeEntry Entry(string key, TimeSpan? keepFor = null, string answer = "") =>
        new(new DedupeKey("test", key), keepFor ?? TimeSpan.FromDays(1), System.Text.Encoding.UTF8.GetBytes(answer));

    private static Reading[] Readings(int from, int count) => [.. Enumerable.Range(from, count).Select(i => TestData.Reading(i))];

    private static EdgeOutbox Open(string directory, GridEdge.Testing.ManualTimeProvider time, int maxKeys = 100_000) =>
        new(new OutboxSettings(directory) { MaxDedupeKeys = maxKeys }, NullLogger<EdgeOutbox>.Instance, new GatewayClock(time, Guid.NewGuid()));

    [Fact(Timeout = 30_000)]
    public async Task A_keyed_group_is_stored_once_and_an_append_with_its_key_gets_the_first_seqs_and_answer()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        await outbox.AppendAsync(Streams.Readings, TestData.Reading(0), Ct);

        var first = await outbox.AppendAllAsync(Streams.Readings, Readings(1, 3), Entry("frame-1", answer: "first"), Ct);
        var again = await outbox.AppendAllAsync(Streams.Readings, Readings(7, 2), Entry("frame-1", answer: "second"), Ct);

        Assert.Equal((2L, 4L, false), (first.FirstSeq, first.LastSeq, first.Earlier));
        Assert.Equal((Streams.Readings, 2L, 3, "first", true), (again.Stream, again.FirstSeq, again.Count, System.Text.Encoding.UTF8.GetString(again.Answer), again.Earlier));
        Assert.Equal([0.0, 1, 2, 3], outbox.ReadPending(Streams.Readings, 0, 100, int.MaxValue).Select(e => ((Reading)e.Record).Value));
        Assert.Equal(5, outbox.NextSeq(Streams.Readings));
        Assert.Equal((4L, 1L), (outbox.Counters.Appended, outbox.Counters.DedupeAnswered));
        Assert.Equal(first with { Earlier = true }, outbox.FindStored(new DedupeKey("test", "frame-1")) is { } found ? found with { Answer = first.Answer } : null);
        Assert.Null(outbox.FindStored(new DedupeKey("test", "frame-2")));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_key_survives_a_crash_and_a_resend_after_reopening_stores_nothing()
    {
        using var dir = new TempDirectory();
        StoredGroup first;
        // The "crash": the process goes away right after the commit; nothing else (no terminal state, no RAM) survives it.
        using (var outbox = TestData.Open(dir.Path))
            first = await outbox.AppendAllAsync(Streams.CheckIns, [CheckIn("ci-1")], Entry("t-1|ci-1", answer: "201"), Ct);

        using var reopened = TestData.Open(dir.Path);
        var resent = await reopened.AppendAllAsync(Streams.CheckIns, [CheckIn("ci-1")], Entry("t-1|ci-1", answer: "other"), Ct);

        Assert.Equal((first.FirstSeq, true, "201"), (resent.FirstSeq, resent.Earlier, System.Text.Encoding.UTF8.GetString(resent.Answer)));
        Assert.Equal(1, reopened.Backlog(Streams.CheckIns));
        Assert.Equal(first.FirstSeq + 1, reopened.NextSeq(Streams.CheckIns));
        Assert.Equal(1, reopened.DedupeKeyCount);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_key_outlives_the_delivery_of_its_records()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        var first = await outbox.AppendAllAsync(Streams.Readings, Readings(1, 2), Entry("frame-1"), Ct);

        Assert.Equal(2, outbox.MarkDelivered(Streams.Readings, new SeqRange(first.FirstSeq, first.LastSeq)));
        var resent = await outbox.AppendAllAsync(Streams.Readings, Readings(1, 2), Entry("frame-1"), Ct);

        Assert.True(resent.Earlier);
        Assert.Equal(0, outbox.Backlog(Streams.Readings));
        // The dedupe collection is no stream: the uplink's reads and counts do not see it.
        Assert.Empty(outbox.ReadPending(Streams.Readings, 0, 100, int.MaxValue));
        Assert.All(outbox.Backlogs().Values, backlog => Assert.Equal(0, backlog));
    }

    [Fact(Timeout = 30_000)]
    public async Task Appends_racing_with_one_key_store_their_records_once_and_all_get_the_same_seqs()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        // A large group ahead keeps the writer busy, so the racing appends queue up and most share one commit.
        var ahead = Enumerable.Range(0, 3000).Select(i => outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct).AsTask()).ToArray();
        var racing = Enumerable.Range(0, 20).Select(i => outbox.AppendAllAsync(Streams.Readings, Readings(10_000 + i * 10, 3), Entry("frame-1", answer: $"by {i}"), Ct).AsTask()).ToArray();
        await Task.WhenAll(ahead);
        var results = await Task.WhenAll(racing);

        var stored = Assert.Single(results, r => !r.Earlier);
        // Appends answered from the same commit share the stored answer's array; those answered by a later commit
        // read it back from the store: compare the bytes, not the arrays.
        Assert.All(results, r => Assert.Equal((stored.FirstSeq, stored.LastSeq, Convert.ToHexString(stored.Answer)), (r.FirstSeq, r.LastSeq, Convert.ToHexString(r.Answer))));
        Assert.Equal(3000 + 3, outbox.Backlog(Streams.Readings));
        Assert.Equal(19, outbox.Counters.DedupeAnswered);
        Assert.Equal(1, outbox.DedupeKeyCount);
    }

    [Fact(Timeout = 30_000)]
    public void A_group_with_a_record_the_server_would_refuse_stores_none_of_it()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        GridEdge.Protocol.Records.Record[] group = [TestData.Reading(1), TestData.Reading(2) with { SensorId = "" }];

        Assert.Throws<ArgumentException>(() => outbox.AppendAllAsync(Streams.Readings, group, Entry("frame-1"), Ct));

        Assert.Equal(0, outbox.Backlog(Streams.Readings));
        Assert.Null(outbox.FindStored(new DedupeKey("test", "frame-1")));
    }

    [Fact(Timeout = 30_000)]
    public async Task Keys_are_forgotten_after_their_time_and_pruned_then_a_resend_is_stored_again()
    {
        using var dir = new TempDirectory();
        var time = new GridEdge.Testing.ManualTimeProvider(Now, monotonicMs: 1_000_000);
        using (var outbox = Open(dir.Path, time))
        {
            await outbox.AppendAllAsync(Streams.Readings, Readings(1, 1), Entry("old", TimeSpan.FromHours(1)), Ct);
            await outbox.AppendAllAsync(Streams.Readings, Readings(2, 1), Entry("lasting", TimeSpan.FromDays(7)), Ct);
            time.Advance(TimeSpan.FromMinutes(59));
            Assert.NotNull(outbox.FindStored(new DedupeKey("test", "old")));

            time.Advance(TimeSpan.FromMinutes(2));
            Assert.Null(outbox.FindStored(new DedupeKey("test", "old")));
            var resent = await outbox.AppendAllAsync(Streams.Readings, Readings(1, 1), Entry("old", TimeSpan.FromHours(1)), Ct);
            Assert.False(resent.Earlier);
            Assert.Equal(3, outbox.Backlog(Streams.Readings));
            // The expired key was replaced by the new one; nothing else expired.
            Assert.Equal(2, outbox.DedupeKeyCount);
        }

        // Keys that expired while the gateway was off are pruned when it opens the store again.
        time.Advance(TimeSpan.FromDays(2));
        using var reopened = Open(dir.Path, time);
        Assert.Equal((1L, 1L), (reopened.DedupeKeyCount, reopened.Counters.DedupeKeysExpired));
        Assert.NotNull(reopened.FindStored(new DedupeKey("test", "lasting")));
    }

    [Fact(Timeout = 30_000)]
    public async Task Past_the_most_keys_those_closest_to_expiring_are_dropped_and_counted()
    {
        using var dir = new TempDirectory();
        var time = new GridEdge.Testing.ManualTimeProvider(Now, monotonicMs: 1_000_000);
        using var outbox = Open(dir.Path, time, maxKeys: 5);
        for (var i = 1; i <= 8; i++)
        {
            await outbox.AppendAllAsync(Streams.Readings, Readings(i, 1), Entry($"k{i}"), Ct);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal((5L, 3L, 0L), (outbox.DedupeKeyCount, outbox.Counters.DedupeKeysEvicted, outbox.Counters.DedupeKeysExpired));
        Assert.Equal([false, false, false, true, true, true, true, true],
            Enumerable.Range(1, 8).Select(i => outbox.FindStored(new DedupeKey("test", $"k{i}")) is not null));
        // The records themselves are untouched: only the memory of their keys is bounded.
        Assert.Equal(8, outbox.Backlog(Streams.Readings));
    }

    private static CheckIn CheckIn(string recordId) =>
        new(recordId, "m-1", "t-1", "370102001001", 36.004, 117.004, 10, TestData.T0, null, GeofenceResult.Inside, TestData.T0, ClockQuality.NetworkSynced);
}
