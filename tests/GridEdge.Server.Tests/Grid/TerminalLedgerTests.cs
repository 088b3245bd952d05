using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Patrols;
using GridEdge.Server.Photos;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;
using static GridEdge.Server.Tests.Grid.GridSamples;
using static GridEdge.Server.Tests.Grid.TerminalSamples;
using Record = GridEdge.Protocol.Records.Record;

namespace GridEdge.Server.Tests.Grid;

/// <summary>The grid's stores on both engines: the registry, terminals, the terminal streams' ingest and photos.</summary>
public sealed class TerminalLedgerTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Terminal_records_are_stored_once_by_gateway_seq_and_by_terminal_record_id(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        var set = await GridLedgerSet.CreateAsync(db);
        var a = CheckIn("ci-1", "li.na", VillageA1, T0);
        var b = CheckIn("ci-2", "li.na", VillageA1, T0.AddMinutes(5));
        var patrol = Patrol("pa-1", "li.na", VillageA1, T0);
        var problem = Problem("pr-1", "li.na", VillageA1, T0.AddMinutes(30));

        var first = await set.Ingest.CommitAsync(Batch("gw-alpha", Streams.CheckIns, 7, a, b), Ct);
        var again = await set.Ingest.CommitAsync(Batch("gw-alpha", Streams.CheckIns, 7, a, b), Ct);
        var other = await set.Ingest.CommitAsync(Batch("gw-beta", Streams.CheckIns, 1, b), Ct);
        var uploads = await set.Ingest.CommitAsync(Batch("gw-alpha", Streams.Uploads, 1, patrol, problem), Ct);
        var uploadsElsewhere = await set.Ingest.CommitAsync(Batch("gw-beta", Streams.Uploads, 40, problem, patrol), Ct);

        Assert.Equal([(2, 0), (0, 2), (0, 1), (2, 0), (0, 2)],
            new[] { first, again, other, uploads, uploadsElsewhere }.Select(r => (r.New, r.Duplicates)));
        Assert.Equal(["ci-1", "ci-2"], (await set.Patrols.QueryCheckInsAsync(new PatrolLedgerQuery(), Ct)).Items.Select(c => c.RecordId));
        var p = Assert.Single((await set.Patrols.QueryPatrolsAsync(new PatrolLedgerQuery(Grid: TownA), Ct)).Items);
        Assert.Equal([(PlaceKind.KeyPoint, "kp-1"), (PlaceKind.Enterprise, "ent-1"), (PlaceKind.Other, (string?)null)], p.Places.Select(x => (x.Kind, x.Id)));
        Assert.Equal(patrol.Track, p.Track);
        var stored = Assert.Single((await set.Problems.QueryAsync(new ProblemQuery(Grid: Lixia), Ct)).Items);
        Assert.Equal(("reported", "gw-alpha", 2L), (stored.State, stored.Gateway, stored.Seq));
        var e = Assert.Single((await set.Problems.GetProblemAsync(stored.Id, Ct))!.Events!);
        Assert.Equal((0, "reported", "li.na"), (e.N, e.Action, e.By));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_photo_assembled_from_repeated_out_of_order_chunks_reads_back_byte_for_byte(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        var set = await GridLedgerSet.CreateAsync(db);
        var file = new byte[100_000];
        new Random(7).NextBytes(file);
        var chunks = Chunks(file, 30_000); // 4 chunks, the last 10,000 bytes
        var sha = chunks[0].Sha256;

        await set.Ingest.CommitAsync(Batch("gw-alpha", Streams.Attachments, 1, chunks[2], chunks[0]), Ct);
        Assert.Equal((60_000L, (DateTimeOffset?)null), ((await set.Photos.GetAsync(sha, Ct))!.Received, (await set.Photos.GetAsync(sha, Ct))!.CompleteAt));
        await set.Ingest.CommitAsync(Batch("gw-alpha", Streams.Attachments, 1, chunks[2], chunks[0]), Ct);
        await set.Ingest.CommitAsync(Batch("gw-beta", Streams.Attachments, 9, chunks[0]), Ct);
        // The same bytes cut differently: overlapping the chunks already in.
        await set.Ingest.CommitAsync(Batch("gw-beta", Streams.Attachments, 10, Chunks(file, 45_000)[1]), Ct);
        await set.Ingest.CommitAsync(Batch("gw-alpha", Streams.Attachments, 3, chunks[3], chunks[1]), Ct);

        var photo = (await set.Photos.GetAsync(sha, Ct))!;
        Assert.Equal(100_000L, photo.Received);
        Assert.NotNull(photo.CompleteAt);
        Assert.Equal(file, await ReadAllAsync(set.Photos, photo));
        Assert.Equal((1L, 0L), (set.Ingest.Attachments.Completed, set.Ingest.Attachments.Mismatches));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task The_last_chunks_of_photos_committed_at_once_by_two_nodes_complete_them(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        // A second node on the same ledger: its own connections (and, on SQLite, its own writer turn).
        await using LedgerDatabase second = db is PostgresLedgerDatabase pg
            ? new PostgresLedgerDatabase(pg.Source.ConnectionString)
            : new SqliteLedgerDatabase(((SqliteLedgerDatabase)db).Path);
        var (a, b) = (await GridLedgerSet.CreateAsync(db), await GridLedgerSet.CreateAsync(second));
        var random = new Random(17);

        for (var round = 0; round < 10; round++)
        {
            var file = new byte[30_000];
            random.NextBytes(file);
            var chunks = Chunks(file, 10_000);
            // The photo is known already; its last two chunks arrive at the same moment through two gateways on two nodes.
            await a.Ingest.CommitAsync(Batch("gw-alpha", Streams.Attachments, 2 * round + 1, chunks[0]), Ct);
            await Task.WhenAll(
                Task.Run(() => a.Ingest.CommitAsync(Batch("gw-alpha", Streams.Attachments, 2 * round + 2, chunks[1]), Ct), Ct),
                Task.Run(() => b.Ingest.CommitAsync(Batch("gw-beta", Streams.Attachments, round + 1, chunks[2]), Ct), Ct));

            var photo = (await a.Photos.GetAsync(chunks[0].Sha256, Ct))!;
            Assert.True(photo.CompleteAt is not null, $"round {round}: {photo.Received} of {photo.Size} bytes");
            Assert.Equal(file, await ReadAllAsync(b.Photos, photo));
        }
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_photo_failing_verification_is_kept_aside_and_a_correct_upload_then_completes_it(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        var set = await GridLedgerSet.CreateAsync(db);
        var file = new byte[5000];
        new Random(3).NextBytes(file);
        var sha = Sha(file);
        var corrupted = (byte[])file.Clone();
        corrupted[4321] ^= 0x40;

        await set.Ingest.CommitAsync(Batch("gw-alpha", Streams.Attachments, 1, Chunks(corrupted, 2048, sha).ToArray<Record>()), Ct);
        var failed = (await set.Photos.GetAsync(sha, Ct))!;
        Assert.Equal(((DateTimeOffset?)null, 1, 0L), (failed.CompleteAt, failed.Mismatches, failed.Received));

        await set.Ingest.CommitAsync(Batch("gw-alpha", Streams.Attachments, 4, Chunks(file, 2048).ToArray<Record>()), Ct);
        var photo = (await set.Photos.GetAsync(sha, Ct))!;
        Assert.NotNull(photo.CompleteAt);
        Assert.Equal(file, await ReadAllAsync(set.Photos, photo));
        Assert.Equal((1L, 1L), (set.Ingest.Attachments.Completed, set.Ingest.Attachments.Mismatches));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_stored_photo_whose_bytes_changed_is_not_served_and_counted(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        var set = await GridLedgerSet.CreateAsync(db);
        var file = new byte[9000];
        new Random(5).NextBytes(file);
        var chunks = Chunks(file, 4000);
        await set.Ingest.CommitAsync(Batch("gw-alpha", Streams.Attachments, 1, chunks.ToArray<Record>()), Ct);
        var photo = (await set.Photos.GetAsync(chunks[0].Sha256, Ct))!;

        if (engine == LedgerEngine.Postgres)
            await db.WriteAsync((c, t) => Sql.ExecuteAsync(c, t, "UPDATE photo_chunks SET bytes = @bytes WHERE sha256 = @sha AND \"offset\" = 4000;", Ct,
                ("@bytes", new byte[4000]), ("@sha", photo.Sha256)), Ct);
        else
            await File.WriteAllBytesAsync(set.DiskPhotos.FilePath(photo.Sha256), new byte[file.Length], Ct);
        var read = await set.Photos.ReadAsync(photo, Ct);

        Assert.Null(read.Content);
        Assert.True(read.Corrupt);
        Assert.Contains("still hash to its SHA-256", read.Problem);
        Assert.Equal(1L, set.Photos.Counters.CorruptOnRead);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task The_registry_imports_lists_under_a_grid_and_builds_a_gateway_directory_of_active_terminals(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        var set = await GridLedgerSet.CreateAsync(db);

        var outcome = await set.Registry.ImportAsync(Document(), cancellationToken: Ct);
        Assert.Equal(["gw-alpha", "gw-beta"], outcome.Result!.Gateways);
        Assert.True((await set.Registry.ImportAsync(Document(), create: true, Ct)).Conflict);
        var issued = await set.Terminals.IssueAsync("t-1", "li.na", Ct);
        await set.Terminals.IssueAsync("t-2", "zhao.lei", Ct);
        await set.Terminals.RevokeAsync("t-2", Ct);

        Assert.Equal([VillageA1, VillageA2], (await set.Registry.ListGridsAsync(TownA, null, null, 100, Ct)).Select(g => g.Code));
        Assert.Equal(["county.inspector", "li.na", "sun.li", "zhao.lei"], (await set.Registry.ListMembersAsync(Lixia, null, 100, Ct)).Select(m => m.Id));
        Assert.Equal((0L, 1L, 1L, 1L), await set.Registry.CountUnderAsync(VillageA1, Ct));
        Assert.Equal(["kp-1"], (await set.Registry.ListKeyPointsAsync(VillageA1, Ct)).Select(k => k.Id));
        Assert.Equal(["t-1"], (await set.Terminals.ListAsync(null, TownA, true, null, 100, Ct)).Select(t => t.Id));
        var directory = (await set.Registry.DirectoryForAsync("gw-alpha", Ct))!;
        var entry = Assert.Single(directory.Terminals);
        Assert.Equal(("t-1", issued.Terminal!.TokenSha256), (entry.TerminalId, entry.TokenSha256));
        Assert.Equal([VillageA1, VillageA2], directory.Grids.Select(g => g.GridCode));
        Assert.Null(await set.Registry.DirectoryForAsync("gw-nowhere", Ct));
    }

    private static async Task<byte[]> ReadAllAsync(PhotoLedger photos, StoredAttachment photo)
    {
        var read = await photos.ReadAsync(photo, Ct);
        Assert.True(read.Content is not null, read.Problem);
        await using var content = read.Content;
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }
}
