using System.Text;
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

/// <summary>The pipeline against a real ledger (an SQLite file, or a PostgreSQL database), with acks captured where a broker would take them.</summary>
public sealed class IngestPipelineTests : IAsyncDisposable
{
    private readonly TempFolder _folder = new();
    private readonly PostgresFixture _postgres;
    private TestLedger _ledger = null!;
    private readonly CapturedAcks _acks = new();
    private readonly IngestMetrics _metrics = new();
    private IngestPipeline _pipeline = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public IngestPipelineTests(PostgresFixture postgres) => _postgres = postgres;

    public static TheoryData<LedgerEngine, WireFormat> EnginesAndFormats => new()
    {
        { LedgerEngine.Sqlite, WireFormat.Json }, { LedgerEngine.Sqlite, WireFormat.Binary },
        { LedgerEngine.Postgres, WireFormat.Json }, { LedgerEngine.Postgres, WireFormat.Binary },
    };

    /// <summary>The ledger on <paramref name="engine"/> and the pipeline over it.</summary>
    private async Task StartAsync(LedgerEngine engine)
    {
        _ledger = await TestLedger.CreateAsync(engine, _postgres, _folder);
        var options = Options.Create(new ServerOptions { Ingest = { MaxPayloadBytes = 64 * 1024 } });
        _pipeline = new IngestPipeline(_ledger.Readings, _ledger.Gateways, _ledger.Alerts, _ledger.Commands, _acks, _metrics, options, NullLogger<IngestPipeline>.Instance);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(EnginesAndFormats))]
    public async Task Good_batch_is_committed_and_acked_with_its_range_in_its_own_format(LedgerEngine engine, WireFormat format)
    {
        await StartAsync(engine);
        var batch = Samples.Readings("gw-a", 41, 10);

        var outcome = await _pipeline.HandleAsync(Topics.Up("gw-a", Streams.Readings), WireCodec.Encode(batch, format), Ct);

        Assert.Equal(IngestStatus.Committed, outcome.Status);
        Assert.True(outcome.AckSent);
        var (ack, ackFormat) = Assert.Single(_acks.Sent);
        Assert.Equal(new Ack("gw-a", Streams.Readings, [new SeqRange(41, 50)]), ack);
        Assert.Equal(format, ackFormat);
        Assert.Equal(10, await _ledger.Readings.CountReadingsAsync(new ReadingQuery(Gateway: "gw-a"), Ct));
        var m = _metrics.Snapshot();
        Assert.Equal((1, 10, 0), (m.Batches, m.RecordsNew, m.RecordsDuplicate));
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Redelivered_batch_is_acked_again_and_counted_as_duplicates(LedgerEngine engine)
    {
        await StartAsync(engine);
        var payload = WireCodec.Encode(Samples.Readings("gw-a", 1, 5), WireFormat.Json);

        await _pipeline.HandleAsync(Topics.Up("gw-a", Streams.Readings), payload, Ct);
        await _pipeline.HandleAsync(Topics.Up("gw-a", Streams.Readings), payload, Ct);

        Assert.Equal(2, _acks.Sent.Count);
        Assert.All(_acks.Sent, a => Assert.Equal([new SeqRange(1, 5)], a.Ack.Ranges));
        var m = _metrics.Snapshot();
        Assert.Equal((2, 5, 5), (m.Batches, m.RecordsNew, m.RecordsDuplicate));
        Assert.Equal(5, await _ledger.Readings.CountReadingsAsync(new ReadingQuery(), Ct));
    }

    public static TheoryData<string, string, byte[], RejectReason, string> Malformed()
    {
        var good = WireCodec.Encode(Samples.Readings("gw-a", 1, 3), WireFormat.Json);
        var goodBinary = WireCodec.Encode(Samples.Readings("gw-a", 1, 3), WireFormat.Binary);
        var up = Topics.Up("gw-a", Streams.Readings);
        var wrongCodec = (byte[])goodBinary.Clone();
        wrongCodec[2] = (byte)'J'; // binary body under a JSON header
        var wrongType = Encoding.UTF8.GetBytes("GEJ1" + Encoding.UTF8.GetString(good, 4, good.Length - 4).Replace("\"firstSeq\":1", "\"firstSeq\":\"one\""));
        var oversized = new byte[64 * 1024 + 1];
        "GEJ1"u8.CopyTo(oversized);
        return new()
        {
            { "truncated binary", up, goodBinary[..(goodBinary.Length / 2)], RejectReason.DecodeError, "" },
            { "truncated JSON", up, good[..(good.Length - 7)], RejectReason.DecodeError, "" },
            { "wrong magic", up, [(byte)'X', (byte)'Y', .. good[2..]], RejectReason.DecodeError, "header" },
            { "unknown format letter", up, [(byte)'G', (byte)'E', (byte)'Q', .. good[3..]], RejectReason.DecodeError, "header.format" },
            { "binary body under a JSON header", up, wrongCodec, RejectReason.DecodeError, "" },
            { "string where a number belongs", up, wrongType, RejectReason.DecodeError, "firstSeq" },
            { "oversized", up, oversized, RejectReason.Oversize, "payload" },
            { "gateway id differs from topic", Topics.Up("gw-b", Streams.Readings), good, RejectReason.TopicMismatch, "gatewayId" },
            { "stream differs from topic", Topics.Up("gw-a", Streams.Alerts), good, RejectReason.TopicMismatch, "stream" },
            { "unknown leaf", "gridedge/v1/gw-a/telemetry", good, RejectReason.UnknownLeaf, "topic" },
            { "not a gridedge topic", "sensors/gw-a/up/readings", good, RejectReason.BadTopic, "topic" },
            { "a status on an up topic", up, WireCodec.Encode(Samples.Status("gw-a", GatewayState.Online, Samples.T0), WireFormat.Json), RejectReason.UnexpectedMessage, "type" },
        };
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_payload_is_rejected_counted_and_the_next_good_batch_still_ingests(
        string why, string topic, byte[] payload, RejectReason reason, string field)
    {
        await StartAsync(LedgerEngine.Sqlite);
        var outcome = await _pipeline.HandleAsync(topic, payload, Ct);

        Assert.True(outcome.Status == IngestStatus.Rejected, why);
        Assert.Equal(reason, outcome.Reason);
        Assert.Contains(field, outcome.Problem);
        Assert.Equal(1, _metrics.RejectedCount(reason));
        Assert.Empty(_acks.Sent);
        Assert.Equal(0, await _ledger.Readings.CountReadingsAsync(new ReadingQuery(), Ct));

        var next = await _pipeline.HandleAsync(Topics.Up("gw-a", Streams.Readings), WireCodec.Encode(Samples.Readings("gw-a", 4, 2), WireFormat.Binary), Ct);
        Assert.Equal(IngestStatus.Committed, next.Status);
        Assert.Equal([new SeqRange(4, 5)], Assert.Single(_acks.Sent).Ack.Ranges);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Status_is_recorded_for_its_gateway(LedgerEngine engine)
    {
        await StartAsync(engine);
        var status = Samples.Status("gw-a", GatewayState.Online, DateTimeOffset.UtcNow);

        var outcome = await _pipeline.HandleAsync(Topics.Status("gw-a"), WireCodec.Encode(status, WireFormat.Binary), Ct);

        Assert.Equal(IngestStatus.StatusRecorded, outcome.Status);
        var gateway = Assert.Single(await _ledger.Gateways.GetGatewaysAsync(Ct));
        Assert.Equal(("gw-a", true, "0.1.0"), (gateway.Id, gateway.Online, gateway.SoftwareVersion));
        Assert.Empty(_acks.Sent);
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_repeated_status_is_logged_at_information_only_when_it_changes(LedgerEngine engine)
    {
        await StartAsync(engine);
        var log = new CapturedLog<IngestPipeline>();
        var pipeline = new IngestPipeline(_ledger.Readings, _ledger.Gateways, _ledger.Alerts, _ledger.Commands, _acks, _metrics, Options.Create(new ServerOptions()), log);
        var t = DateTimeOffset.UtcNow;
        GatewayState[] states = [GatewayState.Online, GatewayState.Online, GatewayState.Online, GatewayState.Offline, GatewayState.Online, GatewayState.Online];

        foreach (var (state, i) in states.Select((s, i) => (s, i)))
            Assert.Equal(IngestStatus.StatusRecorded, (await pipeline.HandleAsync(Topics.Status("gw-a"), WireCodec.Encode(Samples.Status("gw-a", state, t.AddSeconds(i)), WireFormat.Binary), Ct)).Status);
        await pipeline.HandleAsync(Topics.Status("gw-b"), WireCodec.Encode(Samples.Status("gw-b", GatewayState.Online, t), WireFormat.Binary), Ct);

        var information = log.Entries.Where(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Information).Select(e => e.Message).ToList();
        Assert.Collection(information,
            m => Assert.StartsWith("Gateway gw-a is Online", m),
            m => Assert.StartsWith("Gateway gw-a is Offline", m),
            m => Assert.StartsWith("Gateway gw-a is Online", m),
            m => Assert.StartsWith("Gateway gw-b is Online", m));
        Assert.Equal(3, log.Entries.Count(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Debug && e.Message.StartsWith("Gateway gw-a is Online", StringComparison.Ordinal)));
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_failing_ack_leaves_the_batch_committed_and_the_loop_running(LedgerEngine engine)
    {
        await StartAsync(engine);
        _acks.FailNext = true;

        var outcome = await _pipeline.HandleAsync(Topics.Up("gw-a", Streams.Readings), WireCodec.Encode(Samples.Readings("gw-a", 1, 3), WireFormat.Json), Ct);

        Assert.Equal(IngestStatus.Committed, outcome.Status);
        Assert.False(outcome.AckSent);
        Assert.Equal(1, _metrics.Snapshot().AckFailures);
        Assert.Equal(3, await _ledger.Readings.CountReadingsAsync(new ReadingQuery(), Ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_ledger_that_cannot_write_fails_the_batch_without_throwing_or_acking()
    {
        await StartAsync(LedgerEngine.Sqlite);
        File.WriteAllText(_folder.File("not-a-folder"), "");
        await using var broken = new SqliteLedgerDatabase(Path.Combine(_folder.File("not-a-folder"), "ledger.db")); // cannot be opened
        var options = Options.Create(new ServerOptions());
        var pipeline = new IngestPipeline(new ReadingStore(broken, TimeProvider.System), new GatewayStore(broken, TestLedger.StreamTables, TimeProvider.System),
            new Server.Alerts.AlertStore(broken, TimeProvider.System), new Server.Commands.CommandStore(broken, TimeProvider.System), _acks, _metrics, options, NullLogger<IngestPipeline>.Instance);

        var outcome = await pipeline.HandleAsync(Topics.Up("gw-a", Streams.Readings), WireCodec.Encode(Samples.Readings("gw-a", 1, 3), WireFormat.Json), Ct);

        Assert.Equal(IngestStatus.Failed, outcome.Status);
        Assert.Equal(RejectReason.LedgerFailure, outcome.Reason);
        Assert.Empty(_acks.Sent);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ledger is not null) await _ledger.DisposeAsync();
        _folder.Dispose();
    }
}
