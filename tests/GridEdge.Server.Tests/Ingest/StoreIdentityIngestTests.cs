using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Ingest;
using GridEdge.Server.Gateways;
using GridEdge.Server.Readings;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Tests.Ingest;

/// <summary>A gateway's outbox replaced (a wiped data directory) numbers from 1 again: the ledger keeps both stores' records.</summary>
public sealed class StoreIdentityIngestTests : IAsyncDisposable
{
    private static readonly Guid OldStore = Guid.Parse("0a0a0a0a-0000-4000-8000-000000000001");
    private static readonly Guid NewStore = Guid.Parse("0b0b0b0b-0000-4000-8000-000000000002");
    private readonly TempFolder _folder = new();
    private readonly PostgresFixture _postgres;
    private TestLedger _ledger = null!;
    private readonly CapturedAcks _acks = new();
    private readonly IngestMetrics _metrics = new();
    private IngestPipeline _pipeline = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public StoreIdentityIngestTests(PostgresFixture postgres) => _postgres = postgres;

    public static TheoryData<LedgerEngine, WireFormat> EnginesAndFormats => new()
    {
        { LedgerEngine.Sqlite, WireFormat.Json }, { LedgerEngine.Sqlite, WireFormat.Binary },
        { LedgerEngine.Postgres, WireFormat.Json }, { LedgerEngine.Postgres, WireFormat.Binary },
    };

    /// <summary>The ledger on <paramref name="engine"/> and the pipeline over it.</summary>
    private async Task StartAsync(LedgerEngine engine)
    {
        _ledger = await TestLedger.CreateAsync(engine, _postgres, _folder);
        _pipeline = new IngestPipeline(_ledger.Readings, _ledger.Gateways, _ledger.Alerts, _ledger.Commands, _acks, _metrics, Options.Create(new ServerOptions()), NullLogger<IngestPipeline>.Instance);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(EnginesAndFormats))]
    public async Task A_new_store_starting_at_1_again_is_stored_in_full_and_acked_in_its_own_numbers(LedgerEngine engine, WireFormat format)
    {
        await StartAsync(engine);
        await SendAsync(Samples.Readings("gw-a", 1, 5) with { StoreId = OldStore }, format);
        await SendAsync(Samples.Readings("gw-a", 8, 3) with { StoreId = OldStore }, format); // 6-7 never arrive

        var outcome = await SendAsync(Samples.Readings("gw-a", 1, 4) with { StoreId = NewStore }, format);

        Assert.Equal((4, 0), (outcome.Commit!.New, outcome.Commit.Duplicates));
        Assert.Equal(12, await _ledger.Readings.CountReadingsAsync(new ReadingQuery(Gateway: "gw-a"), Ct));
        Assert.Equal(new Ack("gw-a", Streams.Readings, [new SeqRange(1, 4)], NewStore), _acks.Sent[^1].Ack);
        Assert.Equal([new LedgerGap(6, 7, GapReasons.StoreReplaced)], await _ledger.Gateways.GetGapsAsync("gw-a", Streams.Readings, Ct));
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_redelivery_within_one_store_is_still_a_duplicate(LedgerEngine engine)
    {
        await StartAsync(engine);
        await SendAsync(Samples.Readings("gw-a", 1, 5) with { StoreId = OldStore });
        await SendAsync(Samples.Readings("gw-a", 1, 3) with { StoreId = NewStore });

        var again = await SendAsync(Samples.Readings("gw-a", 1, 3) with { StoreId = NewStore });
        var oldAgain = await SendAsync(Samples.Readings("gw-a", 4, 2) with { StoreId = OldStore });

        Assert.Equal((0, 3), (again.Commit!.New, again.Commit.Duplicates));
        Assert.Equal((0, 2), (oldAgain.Commit!.New, oldAgain.Commit.Duplicates));
        Assert.Equal(new Ack("gw-a", Streams.Readings, [new SeqRange(4, 5)], OldStore), _acks.Sent[^1].Ack);
        Assert.Equal(8, await _ledger.Readings.CountReadingsAsync(new ReadingQuery(Gateway: "gw-a"), Ct));
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_gateway_from_before_store_ids_carries_on_and_its_first_identified_store_lands_after_it(LedgerEngine engine)
    {
        await StartAsync(engine);
        await SendAsync(Samples.Readings("gw-a", 1, 6)); // no store id: the legacy store
        var legacyAgain = await SendAsync(Samples.Readings("gw-a", 7, 2));

        var fresh = await SendAsync(Samples.Readings("gw-a", 1, 3) with { StoreId = NewStore });

        Assert.Equal((2, 0), (legacyAgain.Commit!.New, legacyAgain.Commit.Duplicates));
        Assert.Null(_acks.Sent[1].Ack.StoreId);
        Assert.Equal((3, 0), (fresh.Commit!.New, fresh.Commit.Duplicates));
        Assert.Equal(new SeqRange(9, 11), fresh.Commit.Committed);
        Assert.Equal(11, await _ledger.Readings.CountReadingsAsync(new ReadingQuery(Gateway: "gw-a"), Ct));
        Assert.Empty(await _ledger.Gateways.GetGapsAsync("gw-a", Streams.Readings, Ct));
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_hole_of_the_current_store_has_no_reason_until_a_new_store_is_born(LedgerEngine engine)
    {
        await StartAsync(engine);
        await SendAsync(Samples.Readings("gw-a", 1, 2) with { StoreId = OldStore });
        await SendAsync(Samples.Readings("gw-a", 5, 2) with { StoreId = OldStore });
        Assert.Equal([new LedgerGap(3, 4)], await _ledger.Gateways.GetGapsAsync("gw-a", Streams.Readings, Ct));

        // The birth alone is enough: the new store has not sent a reading yet.
        await _pipeline.HandleAsync(Topics.Status("gw-a"), WireCodec.Encode(Birth(NewStore), WireFormat.Json), Ct);

        Assert.Equal([new LedgerGap(3, 4, GapReasons.StoreReplaced)], await _ledger.Gateways.GetGapsAsync("gw-a", Streams.Readings, Ct));
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Gap_notes_in_a_birth_name_the_reason_of_the_ranges_they_cover_in_the_stores_own_numbers(LedgerEngine engine)
    {
        await StartAsync(engine);
        await SendAsync(Samples.Readings("gw-a", 1, 4) with { StoreId = OldStore });
        var birth = Birth(NewStore) with { GapNotes = [new GapNote(Streams.Readings, 3, 5, GapReasons.Evicted)] };

        var outcome = await _pipeline.HandleAsync(Topics.Status("gw-a"), WireCodec.Encode(birth, WireFormat.Binary), Ct);
        await SendAsync(Samples.Readings("gw-a", 1, 2) with { StoreId = NewStore });
        await SendAsync(Samples.Readings("gw-a", 8, 1) with { StoreId = NewStore });

        Assert.Equal(IngestStatus.StatusRecorded, outcome.Status);
        // The new store's 3-5 are ledger 7-9 (after the old store's 4); 6-7 of the store were not noted, so no reason.
        Assert.Equal([new LedgerGap(7, 9, GapReasons.Evicted), new LedgerGap(10, 11)], await _ledger.Gateways.GetGapsAsync("gw-a", Streams.Readings, Ct));
    }

    private static GatewayStatus Birth(Guid store) => Samples.Status("gw-a", GatewayState.Online, Samples.T0) with { StoreId = store };

    private async Task<IngestOutcome> SendAsync(Batch batch, WireFormat format = WireFormat.Json)
    {
        var outcome = await _pipeline.HandleAsync(Topics.Up(batch.GatewayId, batch.Stream), WireCodec.Encode(batch, format), Ct);
        Assert.Equal(IngestStatus.Committed, outcome.Status);
        return outcome;
    }

    public async ValueTask DisposeAsync()
    {
        if (_ledger is not null) await _ledger.DisposeAsync();
        _folder.Dispose();
    }
}
