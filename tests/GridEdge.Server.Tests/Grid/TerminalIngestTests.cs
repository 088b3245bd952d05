using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Grid;
using GridEdge.Server.Ingest;
using GridEdge.Server.Patrols;
using GridEdge.Server.Problems;
using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static GridEdge.Server.Tests.Grid.GridSamples;
using static GridEdge.Server.Tests.Grid.TerminalSamples;
using Record = GridEdge.Protocol.Records.Record;

namespace GridEdge.Server.Tests.Grid;

/// <summary>Check-ins, patrols, problems and attachments through the real ingest pipeline into a real SQLite file.</summary>
public sealed class TerminalIngestTests : IDisposable
{
    private readonly GridRig _rig = new();
    private readonly CapturedAcks _acks = new();
    private readonly IngestMetrics _metrics = new();
    private readonly IngestPipeline _pipeline;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public TerminalIngestTests()
    {
        var options = Options.Create(new ServerOptions());
        _pipeline = new IngestPipeline(_rig.Ledger.Readings, _rig.Ledger.Gateways, _rig.Ledger.Alerts, _rig.Ledger.Commands, _acks, _metrics, options, NullLogger<IngestPipeline>.Instance, _rig.Ingest);
    }

    public void Dispose() => _rig.Dispose();

    private async Task<IngestOutcome> SendAsync(string gateway, string stream, long firstSeq, WireFormat format, params Record[] records)
    {
        var outcome = await _pipeline.HandleAsync(Topics.Up(gateway, stream), WireCodec.Encode(new Batch(gateway, stream, firstSeq, records), format), Ct);
        Assert.True(outcome.Status == IngestStatus.Committed, outcome.Problem);
        return outcome;
    }

    [Theory(Timeout = 30_000)]
    [InlineData(WireFormat.Json)]
    [InlineData(WireFormat.Binary)]
    public async Task Check_ins_are_stored_once_and_their_range_acked(WireFormat format)
    {
        var a = CheckIn("ci-1", "li.na", VillageA1, T0);
        var b = CheckIn("ci-2", "li.na", VillageA1, T0.AddMinutes(5), geofence: GeofenceResult.Inaccurate);

        var first = await SendAsync("gw-alpha", Streams.CheckIns, 7, format, a, b);
        var again = await SendAsync("gw-alpha", Streams.CheckIns, 7, format, a, b);
        // The same terminal record through another gateway (the member walked across): stored once, still acked there.
        var other = await SendAsync("gw-beta", Streams.CheckIns, 1, format, b);

        Assert.Equal((2, 0), (first.Commit!.New, first.Commit.Duplicates));
        Assert.Equal((0, 2), (again.Commit!.New, again.Commit.Duplicates));
        Assert.Equal((0, 1), (other.Commit!.New, other.Commit.Duplicates));
        Assert.Equal(
            [new Ack("gw-alpha", Streams.CheckIns, [new SeqRange(7, 8)]), new Ack("gw-alpha", Streams.CheckIns, [new SeqRange(7, 8)]), new Ack("gw-beta", Streams.CheckIns, [new SeqRange(1, 1)])],
            _acks.Sent.Select(s => s.Ack));
        var stored = await _rig.Stores.Patrols.QueryCheckInsAsync(new PatrolLedgerQuery(), Ct);
        Assert.Equal(["ci-1", "ci-2"], stored.Items.Select(c => c.RecordId));
        var s = stored.Items[1];
        Assert.Equal(("gw-alpha", 8L, "li.na", "t-1", VillageA1, GeofenceResult.Inaccurate, "north gate", 8.5, T0.AddMinutes(5)),
            (s.Gateway, s.Seq, s.MemberId, s.TerminalId, s.GridCode, s.Geofence, s.Note, s.AccuracyMeters, s.FixTime));
        // Last seen is touched like any other commit.
        Assert.Contains(await _rig.Ledger.Gateways.GetGatewaysAsync(Ct), g => g.Id == "gw-beta" && g.LastSeen is not null);
    }

    [Fact(Timeout = 30_000)]
    public async Task Patrols_store_their_places_and_problems_open_in_state_reported()
    {
        var patrol = Patrol("pa-1", "li.na", VillageA1, T0, "aa".PadRight(64, 'a'));
        var problem = Problem("pr-1", "li.na", VillageA1, T0.AddMinutes(30), ProblemCategory.StrawBurning);

        await SendAsync("gw-alpha", Streams.Uploads, 1, WireFormat.Binary, patrol, problem);
        await SendAsync("gw-alpha", Streams.Uploads, 1, WireFormat.Binary, patrol, problem);
        await SendAsync("gw-beta", Streams.Uploads, 40, WireFormat.Json, problem, patrol);

        var patrols = (await _rig.Stores.Patrols.QueryPatrolsAsync(new PatrolLedgerQuery(), Ct)).Items;
        var p = Assert.Single(patrols);
        Assert.Equal(("gw-alpha", 1L, "pa-1", T0, T0.AddMinutes(40)), (p.Gateway, p.Seq, p.RecordId, p.StartedAt, p.EndedAt));
        Assert.Equal(patrol.Track, p.Track);
        Assert.Equal([(PlaceKind.KeyPoint, "kp-1"), (PlaceKind.Enterprise, "ent-1"), (PlaceKind.Other, (string?)null)], p.Places.Select(x => (x.Kind, x.Id)));
        Assert.Equal(patrol.Attachments, p.Attachments);

        var problems = (await _rig.Stores.Problems.QueryAsync(new ProblemQuery(), Ct)).Items;
        var stored = Assert.Single(problems);
        Assert.Equal(("reported", ProblemCategory.StrawBurning, "gw-alpha", 2L, T0.AddMinutes(30)), (stored.State, stored.Category, stored.Gateway, stored.Seq, stored.ReportedAt));
        var withEvents = (await _rig.Stores.Problems.GetProblemAsync(stored.Id, Ct))!;
        var e = Assert.Single(withEvents.Events!);
        Assert.Equal((0, "reported", (string?)null, "reported", "li.na", T0.AddMinutes(30)), (e.N, e.Action, e.FromState, e.ToState, e.By, e.At));
        Assert.Equal(3, _acks.Sent.Count);
        Assert.Equal(new SeqRange(40, 41), _acks.Sent[2].Ack.Ranges.Single());
    }

    [Fact(Timeout = 30_000)]
    public async Task An_attachment_is_assembled_from_chunks_out_of_order_and_twice_then_verified()
    {
        var file = new byte[10_000];
        new Random(7).NextBytes(file);
        var chunks = Chunks(file, 3000); // 4 chunks, the last 1000 bytes
        var sha = chunks[0].Sha256;

        await SendAsync("gw-alpha", Streams.Attachments, 1, WireFormat.Binary, chunks[2], chunks[0]);
        var partial = (await _rig.Stores.Photos.GetAsync(sha, Ct))!;
        Assert.Equal((6000L, (DateTimeOffset?)null), (partial.Received, partial.CompleteAt));
        Assert.False(File.Exists(_rig.Stores.DiskPhotos.FilePath(sha)));

        await SendAsync("gw-alpha", Streams.Attachments, 1, WireFormat.Binary, chunks[2], chunks[0]);   // the batch again
        await SendAsync("gw-beta", Streams.Attachments, 9, WireFormat.Json, chunks[0]);                // a chunk again, through another gateway
        await SendAsync("gw-alpha", Streams.Attachments, 3, WireFormat.Binary, chunks[3], chunks[1]);

        var done = (await _rig.Stores.Photos.GetAsync(sha, Ct))!;
        Assert.Equal(10_000L, done.Received);
        Assert.NotNull(done.CompleteAt);
        Assert.Equal(file, await File.ReadAllBytesAsync(_rig.Stores.DiskPhotos.FilePath(sha), Ct));
        Assert.False(File.Exists(_rig.Stores.DiskPhotos.FilePath(sha) + ".part"));
        Assert.Equal((1L, 0L), (_rig.Ingest.Attachments.Completed, _rig.Ingest.Attachments.Mismatches));

        // Chunks arriving after completion change nothing.
        await SendAsync("gw-beta", Streams.Attachments, 10, WireFormat.Json, chunks[1]);
        Assert.Equal(file, await File.ReadAllBytesAsync(_rig.Stores.DiskPhotos.FilePath(sha), Ct));
        Assert.Equal(5, _acks.Sent.Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_complete_attachment_whose_rename_was_lost_is_restored_from_its_verified_part_file()
    {
        var file = new byte[5_000];
        new Random(11).NextBytes(file);
        var chunks = Chunks(file, 3000);
        var sha = chunks[0].Sha256;
        await SendAsync("gw-alpha", Streams.Attachments, 1, WireFormat.Binary, chunks[0], chunks[1]);
        // A power cut after the commit, before the folder held the rename: only the .part file is on disk.
        File.Move(_rig.Stores.DiskPhotos.FilePath(sha), _rig.Stores.DiskPhotos.FilePath(sha) + ".part");

        var photo = (await _rig.Stores.Photos.GetAsync(sha, Ct))!;
        var read = await _rig.Stores.Photos.ReadAsync(photo, Ct);

        var path = _rig.Stores.DiskPhotos.FilePath(sha);
        await using (var content = read.Content!)
        {
            using var copy = new MemoryStream();
            await content.CopyToAsync(copy, Ct);
            Assert.Equal(file, copy.ToArray());
        }
        Assert.Equal(file, await File.ReadAllBytesAsync(path, Ct));
        // A .part file that does not hash to its name is never served.
        File.Move(path, path + ".part");
        await File.WriteAllBytesAsync(path + ".part", new byte[file.Length], Ct);
        var missing = await _rig.Stores.Photos.ReadAsync(photo, Ct);
        Assert.Null(missing.Content);
        Assert.Contains("file is missing", missing.Problem);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_corrupted_attachment_is_detected_kept_aside_and_never_complete()
    {
        var file = new byte[5000];
        new Random(3).NextBytes(file);
        var sha = Sha(file);
        var corrupted = (byte[])file.Clone();
        corrupted[4321] ^= 0x40;

        await SendAsync("gw-alpha", Streams.Attachments, 1, WireFormat.Binary, Chunks(corrupted, 2048, sha).ToArray<Record>());

        var a = (await _rig.Stores.Photos.GetAsync(sha, Ct))!;
        Assert.Null(a.CompleteAt);
        Assert.Equal((1, 0L), (a.Mismatches, a.Received));
        Assert.Equal(1L, _rig.Ingest.Attachments.Mismatches);
        Assert.False(File.Exists(_rig.Stores.DiskPhotos.FilePath(sha)));
        Assert.Equal(corrupted, await File.ReadAllBytesAsync(_rig.Stores.DiskPhotos.FilePath(sha) + ".mismatch-1", Ct));

        // The terminal uploads it again, right this time: it is assembled afresh and verified.
        await SendAsync("gw-alpha", Streams.Attachments, 4, WireFormat.Binary, Chunks(file, 2048).ToArray<Record>());
        Assert.NotNull((await _rig.Stores.Photos.GetAsync(sha, Ct))!.CompleteAt);
        Assert.Equal(file, await File.ReadAllBytesAsync(_rig.Stores.DiskPhotos.FilePath(sha), Ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task An_empty_attachment_is_one_empty_chunk()
    {
        var chunk = Chunks([], 1024).Single();
        await SendAsync("gw-alpha", Streams.Attachments, 1, WireFormat.Binary, chunk);
        Assert.NotNull((await _rig.Stores.Photos.GetAsync(chunk.Sha256, Ct))!.CompleteAt);
        Assert.Empty(await File.ReadAllBytesAsync(_rig.Stores.DiskPhotos.FilePath(chunk.Sha256), Ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task Without_a_grid_store_terminal_streams_are_not_acked()
    {
        var pipeline = new IngestPipeline(_rig.Ledger.Readings, _rig.Ledger.Gateways, _rig.Ledger.Alerts, _rig.Ledger.Commands, _acks, _metrics, Options.Create(new ServerOptions()), NullLogger<IngestPipeline>.Instance);
        var outcome = await pipeline.HandleAsync(Topics.Up("gw-alpha", Streams.CheckIns),
            WireCodec.Encode(new Batch("gw-alpha", Streams.CheckIns, 1, [CheckIn("ci-1", "li.na", VillageA1, T0)]), WireFormat.Json), Ct);
        Assert.Equal(IngestStatus.Failed, outcome.Status);
        Assert.Empty(_acks.Sent);
    }
}
