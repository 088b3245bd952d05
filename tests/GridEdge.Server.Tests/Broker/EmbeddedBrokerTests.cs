using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Ingest;
using GridEdge.Server.Readings;
using GridEdge.Server.Tests.Support;
using System.Buffers;
using MQTTnet;

namespace GridEdge.Server.Tests.Broker;

/// <summary>The embedded broker with real MQTTnet clients on loopback, the whole server host behind it.</summary>
public sealed class EmbeddedBrokerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Theory(Timeout = 60_000)]
    [InlineData(WireFormat.Json)]
    [InlineData(WireFormat.Binary)]
    public async Task Gateway_batch_is_committed_and_acked_over_mqtt_with_its_range(WireFormat format)
    {
        await using var server = await RunningServer.StartAsync();
        using var gateway = await server.ConnectGatewayAsync("gw-alpha", Ct);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await gateway.SubscribeAsync(Topics.Ack("gw-alpha"), Ct));

        var published = await gateway.PublishAsync(Topics.Up("gw-alpha", Streams.Readings), WireCodec.Encode(Samples.Readings("gw-alpha", 1, 20), format), Ct);

        Assert.Equal(MqttClientPublishReasonCode.Success, published.ReasonCode);
        var message = gateway.Receive(Wait);
        Assert.Equal(Topics.Ack("gw-alpha"), message.Topic);
        Assert.Equal(PayloadHeader.ContentType(format), message.ContentType);
        var ack = WireCodec.Decode(message.Payload.ToArray<byte>());
        Assert.True(ack.Ok, ack.Error?.ToString());
        Assert.Equal(new Ack("gw-alpha", Streams.Readings, [new SeqRange(1, 20)]), ack.Value);
        // The PUBACK came after the commit: the rows are there already.
        Assert.Equal(20, await server.Ledger.Readings.CountReadingsAsync(new ReadingQuery(Gateway: "gw-alpha"), Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Publishing_under_another_gateways_id_is_refused_and_nothing_is_stored()
    {
        await using var server = await RunningServer.StartAsync();
        using var alpha = await server.ConnectGatewayAsync("gw-alpha", Ct);

        var forged = await alpha.PublishAsync(Topics.Up("gw-beta", Streams.Readings), WireCodec.Encode(Samples.Readings("gw-beta", 1, 5), WireFormat.Json), Ct);
        var forgedStatus = await alpha.PublishAsync(Topics.Status("gw-beta"), WireCodec.Encode(Samples.Status("gw-beta", GatewayState.Offline, DateTimeOffset.UtcNow), WireFormat.Json), Ct);
        var downlink = await alpha.PublishAsync(Topics.Ack("gw-alpha"), WireCodec.Encode(new Ack("gw-alpha", Streams.Readings, [new SeqRange(1, 1)]), WireFormat.Json), Ct);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forgedStatus.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, downlink.ReasonCode);
        Assert.Equal(0, await server.Ledger.Readings.CountReadingsAsync(new ReadingQuery(), Ct));
        Assert.DoesNotContain(await server.Ledger.Gateways.GetGatewaysAsync(Ct), g => g.Id == "gw-beta");
        Assert.Equal(3, server.Metrics.RefusedCount("publish"));
        Assert.True(alpha.Client.IsConnected);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("gridedge/v1/gw-beta/ack")]
    [InlineData("gridedge/v1/+/ack")]
    [InlineData("gridedge/v1/#")]
    [InlineData("gridedge/v1/gw-alpha/up/readings")]
    public async Task Subscribing_beyond_its_own_downlinks_is_refused(string filter)
    {
        await using var server = await RunningServer.StartAsync();
        using var alpha = await server.ConnectGatewayAsync("gw-alpha", Ct);

        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await alpha.SubscribeAsync(filter, Ct));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await alpha.SubscribeAsync(Topics.Config("gw-alpha"), Ct));
        Assert.Equal(1, server.Metrics.RefusedCount("subscribe"));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_gateway_never_receives_another_gateways_ack()
    {
        await using var server = await RunningServer.StartAsync();
        using var alpha = await server.ConnectGatewayAsync("gw-alpha", Ct);
        using var beta = await server.ConnectGatewayAsync("gw-beta", Ct);
        await alpha.SubscribeAsync(Topics.Ack("gw-alpha"), Ct);
        await beta.SubscribeAsync(Topics.Ack("gw-beta"), Ct);

        await beta.PublishAsync(Topics.Up("gw-beta", Streams.Readings), WireCodec.Encode(Samples.Readings("gw-beta", 1, 2), WireFormat.Json), Ct);

        Assert.Equal(Topics.Ack("gw-beta"), beta.Receive(Wait).Topic);
        Assert.Throws<TimeoutException>(() => alpha.Receive(TimeSpan.FromMilliseconds(500)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Wrong_password_is_refused()
    {
        await using var server = await RunningServer.StartAsync();
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(server.GatewayOptions("gw-alpha", "not-the-password"), Ct);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
        Assert.False(client.IsConnected);
        Assert.Equal(1, server.Metrics.RefusedCount("connect"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("gw-unknown", "whatever", "gw-unknown", MqttClientConnectResultCode.BadUserNameOrPassword)]
    [InlineData("gw-alpha", "alpha-secret-1", "gw-beta", MqttClientConnectResultCode.ClientIdentifierNotValid)]
    public async Task Unknown_user_or_a_client_id_other_than_the_username_is_refused(string user, string password, string clientId, MqttClientConnectResultCode expected)
    {
        await using var server = await RunningServer.StartAsync();
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(server.GatewayOptions(user, password, clientId), Ct);

        Assert.Equal(expected, result.ResultCode);
        Assert.False(client.IsConnected);
    }

    [Fact(Timeout = 60_000)]
    public async Task Malformed_publish_is_refused_and_the_next_good_batch_is_acked()
    {
        await using var server = await RunningServer.StartAsync();
        using var gateway = await server.ConnectGatewayAsync("gw-alpha", Ct);
        await gateway.SubscribeAsync(Topics.Ack("gw-alpha"), Ct);
        var up = Topics.Up("gw-alpha", Streams.Readings);

        var garbage = await gateway.PublishAsync(up, "GEJ1{\"type\":\"batch\",\"gatewayId\":"u8.ToArray(), Ct);
        var mismatch = await gateway.PublishAsync(up, WireCodec.Encode(Samples.Readings("gw-beta", 1, 2), WireFormat.Json), Ct);
        var good = await gateway.PublishAsync(up, WireCodec.Encode(Samples.Readings("gw-alpha", 1, 2), WireFormat.Binary), Ct);

        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, garbage.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, mismatch.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, good.ReasonCode);
        var ack = WireCodec.Decode(gateway.Receive(Wait).Payload.ToArray<byte>());
        Assert.Equal([new SeqRange(1, 2)], ((Ack)ack.Value!).Ranges);
        Assert.Equal(1, server.Metrics.RejectedCount(RejectReason.DecodeError));
        Assert.Equal(1, server.Metrics.RejectedCount(RejectReason.TopicMismatch));
        Assert.True(gateway.Client.IsConnected);
    }

    [Fact(Timeout = 60_000)]
    public async Task Birth_marks_a_gateway_online_and_losing_the_connection_marks_it_offline()
    {
        await using var server = await RunningServer.StartAsync();
        var gateway = await server.ConnectGatewayAsync("gw-alpha", Ct);
        await gateway.PublishAsync(Topics.Status("gw-alpha"), WireCodec.Encode(Samples.Status("gw-alpha", GatewayState.Online, DateTimeOffset.UtcNow), WireFormat.Json), Ct);

        var online = (await server.Ledger.Gateways.GetGatewaysAsync(Ct)).Single(g => g.Id == "gw-alpha");
        Assert.True(online.Online);
        Assert.Equal("cfg-7", online.ConfigVersion);

        gateway.Dispose();
        var deadline = DateTime.UtcNow + Wait;
        while ((await server.Ledger.Gateways.GetGatewaysAsync(Ct)).Single(g => g.Id == "gw-alpha").Online && DateTime.UtcNow < deadline)
            await Task.Delay(50, Ct);
        Assert.False((await server.Ledger.Gateways.GetGatewaysAsync(Ct)).Single(g => g.Id == "gw-alpha").Online);
    }

    [Fact(Timeout = 60_000)]
    public async Task Many_batches_in_flight_are_all_stored_and_acked()
    {
        await using var server = await RunningServer.StartAsync();
        using var gateway = await server.ConnectGatewayAsync("gw-alpha", Ct);
        await gateway.SubscribeAsync(Topics.Ack("gw-alpha"), Ct);

        // 200 batches of 10 published without waiting for each PUBACK.
        var publishes = Enumerable.Range(0, 200).Select(i =>
            gateway.PublishAsync(Topics.Up("gw-alpha", Streams.Readings), WireCodec.Encode(Samples.Readings("gw-alpha", 1 + i * 10, 10), WireFormat.Binary), Ct)).ToList();
        var results = await Task.WhenAll(publishes);

        Assert.All(results, r => Assert.Equal(MqttClientPublishReasonCode.Success, r.ReasonCode));
        var acked = Enumerable.Range(0, 200).Select(_ => ((Ack)WireCodec.Decode(gateway.Receive(Wait).Payload.ToArray<byte>()).Value!).Ranges.Single()).ToList();
        Assert.Equal(2000, acked.Sum(r => r.Count));
        Assert.Equal(2000, await server.Ledger.Readings.CountReadingsAsync(new ReadingQuery(), Ct));
        Assert.Empty(await server.Ledger.Gateways.GetGapsAsync("gw-alpha", Streams.Readings, Ct));
    }
}
