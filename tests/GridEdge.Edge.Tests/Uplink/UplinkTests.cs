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

    private static EdgeUplink NewUplink(EdgeOutbox outbox, EdgeOptions options) =>
        new(outbox, Microsoft.Extensions.Options.Options.Create(options), NullLogger<EdgeUplink>.Instance);

    private static async Task WaitUntil(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(20, Ct);
        }
    }

    [Theory(Timeout = 30_000)]
    [InlineData("binary")]
    [InlineData("json")]
    public async Task Uplink_publishes_appended_records_and_removes_them_when_the_server_acks(string format)
    {
        await using var broker = await TestBroker.StartAsync(Ct);
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        for (var i = 1; i <= 120; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);

        using var uplink = NewUplink(outbox, Options(broker.Port, format));
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
        Assert.Equal(EdgeUplink.BootId, birth.BootId);

        // Records appended while connected go out promptly, not at the next poll.
        var started = DateTime.UtcNow;
        await outbox.AppendAsync(Streams.Readings, TestData.Reading(121), Ct);
        await WaitUntil(() => outbox.Backlog(Streams.Readings) == 0, "record 121 to be acknowledged", 2_000);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1));

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

        using var uplink = NewUplink(outbox, Options(broker.Port));
        await uplink.StartAsync(Ct);
        await WaitUntil(() => broker.TimesSeen.Count == 20, "all 20 records to be published");
        // The broker has PUBACKed them; that is not delivery.
        await Task.Delay(300, Ct);
        Assert.Equal(20, outbox.Backlog(Streams.Readings));
        Assert.True(uplink.Status.InFlightBatches > 0);

        await WaitUntil(() => broker.TimesSeen.Values.All(n => n >= 2), "every record to be resent after the ack timeout", 5_000);
        Assert.True(uplink.Status.AckTimeouts >= 1);
        Assert.Equal(20, outbox.Backlog(Streams.Readings));

        broker.Acking = true;
        await WaitUntil(() => outbox.Backlog(Streams.Readings) == 0, "the records to be acknowledged once the server acks", 5_000);
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

        var restart = broker.RestartAsync(TimeSpan.FromMilliseconds(500), Ct);
        await WaitUntil(() => !uplink.Status.Connected, "the uplink to notice the broker is gone");
        for (var i = 1; i <= 30; i++) await outbox.AppendAsync(Streams.Readings, TestData.Reading(i), Ct);
        await restart;

        await WaitUntil(() => outbox.Backlog(Streams.Readings) == 0, "the records appended while down to be acknowledged");
        Assert.True(uplink.Status.Connects >= 2);
        await uplink.StopAsync(Ct);
    }
}
