using GridEdge.Edge.Hosting;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Tests;

public sealed class UplinkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static EdgeOptions Options(int port, string format = "binary") => new()
    {
        GatewayId = "gw-test",
        Broker = { Host = "127.0.0.1", Port = port },
        Uplink =
        {
            Format = format,
            BatchMaxRecords = 50,
            AckTimeoutSeconds = 1,
            ReconnectBaseSeconds = 0.1,
            ReconnectCapSeconds = 0.5,
        },
    };

    private static EdgeUplink NewUplink(EdgeOutbox outbox, EdgeOptions options, TimeProvider? time = null) =>
        new(outbox, Microsoft.Extensions.Options.Options.Create(options), NullLogger<EdgeUplink>.Instance, time: time);

    private static Task WaitUntil(Func<bool> condition, string what) => Eventually.True(condition, what);

    [Theory(Timeout = 30_000)]
    [InlineData("binary")]
    [InlineData("json")]
    public async Task Uplink_publishes_appended_records_and_removes_them_when_the_server_acks(string format)
    {
        await using var broker = await TestBroker.StartAsync(Ct);
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        for (var i = 1; i <= 120; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);

        // The clock never moves in this test: everything below happens on wake-ups, none on a timer.
        using var uplink = NewUplink(outbox, Options(broker.Port, format), new ManualTimeProvider());
        await uplink.StartAsync(Ct);
        await WaitUntil(() => outbox.Backlog(Streams.Readings) == 0, "the first 120 records to be acknowledged");

        Assert.True(uplink.Status.Connected);
        Assert.NotNull(uplink.Status.LastAckAt);
        Assert.All(broker.Batches, b => Assert.True(b.Records.Count <= 50));
        Assert.Equal(Enumerable.Range(1, 120).Select(i => (long)i), broker.TimesSeen.Keys.Order());
        var firstBatch = broker.Batches.First(b => b.FirstSeq == 1);
        Assert.Equal(TestData.Reading(1), firstBatch.Records[0]);
        var birth = broker.Statuses.First();
        Assert.Equal(GatewayState.Online, birth.State);
        Assert.Equal("gw-test", birth.GatewayId);
        Assert.Equal(EdgeUplink.RunId, birth.BootId);

        // Records appended while connected go out at once, not at the next poll (whose 5 s never pass on this clock).
        await outbox.AppendAsync(Streams.Readings, TestData.Reading(121), Ct);
        await WaitUntil(() => outbox.Backlog(Streams.Readings) == 0, "record 121 to be acknowledged");

        // A payload on the ack topic that is not an ack is counted and ignored.
        await broker.PublishRawAsync(Topics.Ack("gw-test"), [1, 2, 3, 4, 5], Ct);
        await WaitUntil(() => uplink.Status.BadPayloads == 1, "the bad payload to be counted");
        Assert.True(uplink.Status.Connected);

        await uplink.StopAsync(Ct);
        Assert.Equal(121, outbox.Counters.Delivered);
        await WaitUntil(() => broker.Statuses.Any(s => s.State == GatewayState.Offline), "the offline status");
    }

    [Fact(Timeout = 30_000)]
    public async Task Unacknowledged_records_stay_in_the_outbox_and_are_resent_after_the_ack_timeout()
    {
        await using var broker = await TestBroker.StartAsync(Ct);
        broker.Acking = false;
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        for (var i = 1; i <= 20; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);
        var options = Options(broker.Port);
        options.Uplink.AckTimeoutSeconds = 30;
        var time = new ManualTimeProvider();

        using var uplink = NewUplink(outbox, options, time);
        await uplink.StartAsync(Ct);
        await WaitUntil(() => broker.TimesSeen.Count == 20, "all 20 records to be published");
        // The broker has PUBACKed them; that is not delivery. A later message on the ack topic reaches the uplink after
        // those PUBACKs (one connection, in order): once it is counted, the PUBACKs have been handled.
        await broker.PublishRawAsync(Topics.Ack("gw-test"), [1, 2, 3, 4, 5], Ct);
        await WaitUntil(() => uplink.Status.BadPayloads == 1, "the marker after the PUBACKs to be handled");
        Assert.Equal(20, outbox.Backlog(Streams.Readings));
        Assert.True(uplink.Status.InFlightBatches > 0);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, uplink.Status.AckTimeouts);

        time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntil(() => broker.TimesSeen.Values.All(n => n >= 2), "every record to be resent after the ack timeout");
        Assert.True(uplink.Status.AckTimeouts >= 1);
        Assert.Equal(20, outbox.Backlog(Streams.Readings));

        // The resent batch went unacknowledged too; the next timeout sends it to a server that acks.
        broker.Acking = true;
        time.Advance(TimeSpan.FromSeconds(30));
        await WaitUntil(() => outbox.Backlog(Streams.Readings) == 0, "the records to be acknowledged once the server acks");
        await uplink.StopAsync(Ct);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_alert_goes_out_at_once_while_the_window_is_full_of_unacknowledged_readings()
    {
        await using var broker = await TestBroker.StartAsync(Ct);
        broker.Acking = false;
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        for (var i = 1; i <= 200; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);
        var options = Options(broker.Port);
        options.Uplink.BatchMaxRecords = 10;
        options.Uplink.MaxInFlightBatches = 4;
        options.Uplink.AckTimeoutSeconds = 30;

        // The clock never moves: no ack timeout frees the window; only the kept slot lets the alert out.
        using var uplink = NewUplink(outbox, options, new ManualTimeProvider());
        await uplink.StartAsync(Ct);
        await WaitUntil(() => broker.Batches.Count(b => b.Stream == Streams.Readings) == 3, "three reading batches in flight");
        Assert.Equal(3, uplink.Status.InFlightBatches);

        var alert = new Alert("dust|s1|pm2_5|1", "dust", AlertKind.Dust, AlertState.Raised, AlertSeverity.Warning, "s1", Quantities.Pm2_5,
            [new AlertValue("mean", 182.4), new AlertValue("threshold", 150)], TestData.T0, ClockQuality.NetworkSynced);
        await outbox.AppendAsync(Streams.Alerts, alert, Ct);
        await WaitUntil(() => broker.Batches.Any(b => b.Stream == Streams.Alerts), "the alert published while the readings wait for their acks");
        Assert.Equal(3, broker.Batches.Count(b => b.Stream == Streams.Readings));
        Assert.Equal(4, uplink.Status.InFlightBatches);
        await uplink.StopAsync(Ct);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_ack_for_another_store_of_the_gateway_removes_nothing()
    {
        await using var broker = await TestBroker.StartAsync(Ct);
        broker.Acking = false;
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        for (var i = 1; i <= 5; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);
        using var uplink = NewUplink(outbox, Options(broker.Port), new ManualTimeProvider());
        await uplink.StartAsync(Ct);
        await WaitUntil(() => broker.TimesSeen.Count == 5, "all 5 records to be published");

        // Acks the broker kept for the store this one replaced (a wiped data directory): one naming it, one from before store ids.
        await broker.PublishRawAsync(Topics.Ack("gw-test"), WireCodec.Encode(new Ack("gw-test", Streams.Readings, [new SeqRange(1, 5)], Guid.NewGuid()), WireFormat.Binary), Ct);
        await broker.PublishRawAsync(Topics.Ack("gw-test"), WireCodec.Encode(new Ack("gw-test", Streams.Readings, [new SeqRange(1, 5)]), WireFormat.Binary), Ct);
        await broker.PublishRawAsync(Topics.Ack("gw-test"), [1, 2, 3, 4, 5], Ct);
        await WaitUntil(() => uplink.Status.BadPayloads == 1, "the marker after the stale acks to be handled");

        Assert.NotNull(outbox.StoreId);
        Assert.All(broker.Batches, b => Assert.Equal(outbox.StoreId, b.StoreId));
        Assert.Equal(outbox.StoreId, broker.Statuses.First().StoreId);
        Assert.Equal(5, outbox.Backlog(Streams.Readings));

        await broker.PublishRawAsync(Topics.Ack("gw-test"), WireCodec.Encode(new Ack("gw-test", Streams.Readings, [new SeqRange(1, 5)], outbox.StoreId), WireFormat.Binary), Ct);
        await WaitUntil(() => outbox.Backlog(Streams.Readings) == 0, "the ack naming this store to remove the records");
        await uplink.StopAsync(Ct);
    }

    [Fact(Timeout = 30_000)]
    public async Task Uplink_reconnects_after_the_broker_restarts_and_delivers_what_was_appended_meanwhile()
    {
        await using var broker = await TestBroker.StartAsync(Ct);
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        using var uplink = NewUplink(outbox, Options(broker.Port));
        await uplink.StartAsync(Ct);
        await WaitUntil(() => uplink.Status.Connected, "the first connection");

        await broker.StopAsync();
        await WaitUntil(() => !uplink.Status.Connected, "the uplink to notice the broker is gone");
        for (var i = 1; i <= 30; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);
        await broker.StartAgainAsync(Ct);

        await WaitUntil(() => outbox.Backlog(Streams.Readings) == 0, "the records appended while down to be acknowledged");
        Assert.True(uplink.Status.Connects >= 2);
        await uplink.StopAsync(Ct);
    }
}
