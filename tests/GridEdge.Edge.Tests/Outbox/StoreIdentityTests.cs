using GridEdge.Edge.Outbox;
using GridEdge.Protocol.Wire;

namespace GridEdge.Edge.Tests;

public sealed class StoreIdentityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 30_000)]
    public async Task A_store_keeps_its_identity_across_restarts()
    {
        using var dir = new TempDirectory();
        Guid? first;
        using (var outbox = TestData.Open(dir.Path))
        {
            first = outbox.StoreId;
            await outbox.AppendAsync(Streams.Readings, TestData.Reading(1), Ct);
        }

        using var reopened = TestData.Open(dir.Path);

        Assert.NotNull(first);
        Assert.Equal(first, reopened.StoreId);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_wiped_data_directory_gets_a_new_store_identity_and_starts_at_1()
    {
        using var dir = new TempDirectory();
        Guid? old;
        using (var outbox = TestData.Open(dir.Path))
        {
            old = outbox.StoreId;
            for (var i = 1; i <= 5; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);
        }
        foreach (var file in Directory.GetFiles(dir.Path)) File.Delete(file);

        using var fresh = TestData.Open(dir.Path);

        Assert.NotNull(fresh.StoreId);
        Assert.NotEqual(old, fresh.StoreId);
        Assert.Equal(1, await fresh.AppendAsync(Streams.Readings, TestData.Reading(6), Ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_store_moved_aside_after_corruption_keeps_its_identity_and_counts_on()
    {
        using var dir = new TempDirectory();
        Guid? old;
        long lastIssued;
        using (var outbox = TestData.Open(dir.Path, s => s with { SeqReservationBlock = 1_000 }))
        {
            old = outbox.StoreId;
            for (var i = 1; i <= 30; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);
            lastIssued = outbox.NextSeq(Streams.Readings) - 1;
        }
        var garbage = new byte[64 * 1024];
        new Random(11).NextBytes(garbage);
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, OutboxSettings.FileName), garbage, Ct);

        using var fresh = TestData.Open(dir.Path, s => s with { SeqReservationBlock = 1_000 });

        Assert.Equal(1, fresh.Counters.CorruptStoresMovedAside);
        Assert.Equal(old, fresh.StoreId);
        Assert.True(await fresh.AppendAsync(Streams.Readings, TestData.Reading(31), Ct) > lastIssued);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_identity_file_without_the_reserved_marks_is_not_reused()
    {
        // Reusing the id for a store that starts at 1 again would make the server take its records for redeliveries.
        using var dir = new TempDirectory();
        Guid? old;
        using (var outbox = TestData.Open(dir.Path))
        {
            old = outbox.StoreId;
            await outbox.AppendAsync(Streams.Readings, TestData.Reading(1), Ct);
        }
        foreach (var file in Directory.GetFiles(dir.Path).Where(f => Path.GetFileName(f) != StoreIdentity.FileName)) File.Delete(file);

        using var fresh = TestData.Open(dir.Path);

        Assert.NotEqual(old, fresh.StoreId);
        Assert.Equal(1, await fresh.AppendAsync(Streams.Readings, TestData.Reading(2), Ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_data_directory_from_before_store_identities_stays_the_legacy_store()
    {
        using var dir = new TempDirectory();
        using (var outbox = TestData.Open(dir.Path))
            for (var i = 1; i <= 3; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);
        // What an older gateway leaves behind: the outbox and the reservation, no identity anywhere.
        File.Delete(Path.Combine(dir.Path, StoreIdentity.FileName));
        using (var db = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = Path.Combine(dir.Path, OutboxSettings.FileName), Connection = LiteDB.ConnectionType.Direct }))
            db.GetCollection("meta").Delete("store");

        using var upgraded = TestData.Open(dir.Path);

        Assert.Null(upgraded.StoreId);
        Assert.Equal(4, await upgraded.AppendAsync(Streams.Readings, TestData.Reading(4), Ct));
    }
}
