using System.Diagnostics;
using GridEdge.Edge.Hosting;
using GridEdge.Edge.Outbox;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Hosting.Systemd;

namespace GridEdge.Edge.Tests;

/// <summary>The outbox on a real, small filesystem (a tmpfs) that another process fills: needs root to mount, skipped otherwise.</summary>
public sealed class OutboxFullDiskTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class RecordingNotifier : ISystemdNotifier
    {
        private int _pets;
        public int Pets => Volatile.Read(ref _pets);
        public bool IsEnabled => true;
        public void Notify(ServiceState state)
        {
            if (state.ToString() == "WATCHDOG=1") Interlocked.Increment(ref _pets);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task A_disk_filled_by_another_process_fails_appends_with_nothing_stored_and_the_outbox_recovers_with_consistent_numbers()
    {
        using var fs = SmallFileSystem.MountOrSkip();
        var dataDirectory = Path.Combine(fs.Path, "edge");
        using var outbox = TestData.Open(dataDirectory, s => s with { QuotaBytes = 0, CheckpointSizePages = 50 });
        var notifier = new RecordingNotifier();
        var time = new ManualTimeProvider();
        var interval = TimeSpan.FromSeconds(15);
        using var watchdog = new SystemdWatchdog(notifier, outbox, interval, time);
        await watchdog.StartAsync(Ct);
        await Eventually.True(() => notifier.Pets == 1 && time.ActiveTimers == 1, "the first pet at start");

        var stored = new List<long>();
        for (var i = 1; i <= 20; i++) stored.Add(await outbox.AppendAsync(Streams.CheckIns, OutboxQuotaTests.CheckIn(i), Ct));
        var filler = fs.Fill();

        // Appends go on until the disk refuses one; each answer is a number or a refusal naming the cause, never a hang.
        OutboxUnavailableException? refused = null;
        var n = 20;
        while (refused is null && n < 20_000)
        {
            n++;
            try
            {
                stored.Add(await outbox.AppendAsync(Streams.CheckIns, OutboxQuotaTests.CheckIn(n), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct));
            }
            catch (OutboxUnavailableException e)
            {
                refused = e;
            }
        }
        Assert.NotNull(refused);

        Assert.False(outbox.IsWriterHealthy);
        Assert.True(outbox.IsWriterAlive);
        Assert.True(outbox.Counters.FailedCommits >= 1);

        // While the writer cannot commit, systemd hears nothing.
        var petsBefore = notifier.Pets;
        time.Advance(interval);
        await Eventually.True(() => time.ActiveTimers == 1, "the check while commits fail");
        time.Advance(interval);
        await Eventually.True(() => time.ActiveTimers == 1, "a second check while commits fail");
        Assert.Equal(petsBefore, notifier.Pets);

        // Space returns: the next append succeeds by itself, with the next number after what was stored.
        File.Delete(filler);
        var next = await outbox.AppendAsync(Streams.CheckIns, OutboxQuotaTests.CheckIn(n + 1), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        stored.Add(next);
        Assert.Equal(stored.Count, next);
        Assert.True(outbox.IsWriterHealthy);
        Assert.Equal(stored, outbox.ReadPending(Streams.CheckIns, 0, 100_000, int.MaxValue).Select(e => e.Seq));
        Assert.Equal(stored.Count + 1, outbox.NextSeq(Streams.CheckIns));

        time.Advance(interval);
        await Eventually.True(() => notifier.Pets == petsBefore + 1, "petting again once a commit succeeded");
        await watchdog.StopAsync(Ct);
        AbandonedStoresAreCollectedQuietly();
    }

    // The store closed after a failed commit must not throw from a finalizer later: that would end the process.
    private static void AbandonedStoresAreCollectedQuietly()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [Fact(Timeout = 120_000)]
    public async Task On_a_full_disk_the_first_append_of_a_stream_is_refused_and_takes_no_number()
    {
        using var fs = SmallFileSystem.MountOrSkip();
        using var outbox = TestData.Open(Path.Combine(fs.Path, "edge"), s => s with { QuotaBytes = 0 });
        var filler = fs.Fill();

        // The stream's first number needs its reservation written first, and the disk refuses that write: nothing is
        // stored, and the reopened store must not take the reservation it could not write for a stored record.
        await Assert.ThrowsAsync<OutboxUnavailableException>(() => outbox.AppendAsync(Streams.Readings, TestData.Reading(1), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal((0L, 1L), (outbox.Backlog(Streams.Readings), outbox.NextSeq(Streams.Readings)));

        File.Delete(filler);
        Assert.Equal(1, await outbox.AppendAsync(Streams.Readings, TestData.Reading(1), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal([1L], outbox.ReadPending(Streams.Readings, 0, 10, int.MaxValue).Select(e => e.Seq));
        AbandonedStoresAreCollectedQuietly();
    }

    [Fact(Timeout = 120_000)]
    public async Task Started_on_a_full_disk_the_outbox_keeps_its_store_refuses_appends_and_recovers_when_space_returns()
    {
        using var fs = SmallFileSystem.MountOrSkip();
        var dataDirectory = Path.Combine(fs.Path, "edge");
        using (var first = TestData.Open(dataDirectory, s => s with { QuotaBytes = 0 }))
        {
            for (var i = 1; i <= 10; i++) await first.AppendAsync(Streams.CheckIns, OutboxQuotaTests.CheckIn(i), Ct);
        }
        var filler = fs.Fill();

        using var outbox = TestData.Open(dataDirectory, s => s with { QuotaBytes = 0 });
        Assert.Empty(Directory.GetFiles(dataDirectory, "*.corrupt-*"));   // a full disk is not damage
        Assert.Equal(10, outbox.Backlog(Streams.CheckIns));
        var refused = await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            for (var i = 11; i < 10_000; i++)
                await outbox.AppendAsync(Streams.CheckIns, OutboxQuotaTests.CheckIn(i), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        });
        Assert.IsType<OutboxUnavailableException>(refused);
        Assert.False(outbox.IsWriterHealthy);

        File.Delete(filler);
        var seq = await outbox.AppendAsync(Streams.CheckIns, OutboxQuotaTests.CheckIn(10_001), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(outbox.NextSeq(Streams.CheckIns) - 1, seq);
        Assert.Equal(Enumerable.Range(1, (int)seq).Select(i => (long)i), outbox.ReadPending(Streams.CheckIns, 0, 100_000, int.MaxValue).Select(e => e.Seq));
        Assert.True(outbox.IsWriterHealthy);
        AbandonedStoresAreCollectedQuietly();
    }
}
