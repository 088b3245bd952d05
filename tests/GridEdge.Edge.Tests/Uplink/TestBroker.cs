using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace GridEdge.Edge.Tests;

/// <summary>An MQTTnet 5 broker on a free loopback port plus a small stand-in for the server's ingest that decodes batches and, when told to, acknowledges them.</summary>
internal sealed class TestBroker : IAsyncDisposable
{
    private MqttServer _server;
    private readonly IMqttClient _responder;

    public int Port { get; }
    public volatile bool Acking = true;
    public ConcurrentQueue<Batch> Batches { get; } = new();
    public ConcurrentQueue<GatewayStatus> Statuses { get; } = new();
    public ConcurrentDictionary<long, int> TimesSeen { get; } = new();

    private TestBroker(MqttServer server, IMqttClient responder, int port)
    {
        _server = server;
        _responder = responder;
        Port = port;
    }

    public static async Task<TestBroker> StartAsync(CancellationToken ct)
    {
        var port = FreePort();
        var server = await StartServerAsync(port);
        var responder = new MqttClientFactory().CreateMqttClient();
        var broker = new TestBroker(server, responder, port);
        responder.ApplicationMessageReceivedAsync += broker.OnMessageAsync;
        await broker.ConnectResponderAsync(ct);
        return broker;
    }

    private async Task ConnectResponderAsync(CancellationToken ct)
    {
        await _responder.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Port).WithClientId("test-ingest").Build(), ct);
        await _responder.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.AllUp, MqttQualityOfServiceLevel.AtLeastOnce, false, false, MqttRetainHandling.SendAtSubscribe)
            .WithTopicFilter(Topics.AllStatus, MqttQualityOfServiceLevel.AtLeastOnce, false, false, MqttRetainHandling.SendAtSubscribe)
            .Build(), ct);
    }

    private static async Task<MqttServer> StartServerAsync(int port)
    {
        var factory = new MqttServerFactory();
        var options = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(port)
            .Build();
        var server = factory.CreateMqttServer(options);
        await server.StartAsync();
        return server;
    }

    /// <summary>Stops the broker: every client loses its connection.</summary>
    public async Task StopAsync()
    {
        await _server.StopAsync(new MqttServerStopOptionsBuilder().Build());
        _server.Dispose();
    }

    /// <summary>After <see cref="StopAsync"/>, starts a new broker on the same port, with the ingest stand-in connected again.</summary>
    public async Task StartAgainAsync(CancellationToken ct)
    {
        _server = await StartServerAsync(Port);
        await ConnectResponderAsync(ct);
    }

    public Task PublishRawAsync(string topic, byte[] payload, CancellationToken ct) =>
        _responder.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var decoded = WireCodec.Decode(e.ApplicationMessage.Payload.ToArray());
        if (!decoded.Ok) throw new InvalidOperationException($"the uplink sent an undecodable payload: {decoded.Error}");
        switch (decoded.Value)
        {
            case GatewayStatus status:
                Statuses.Enqueue(status);
                break;
            case Batch batch:
                Batches.Enqueue(batch);
                for (var seq = batch.FirstSeq; seq <= batch.LastSeq; seq++) TimesSeen.AddOrUpdate(seq, 1, (_, n) => n + 1);
                if (!Acking) break;
                var ack = new Ack(batch.GatewayId, batch.Stream, [new SeqRange(batch.FirstSeq, batch.LastSeq)], batch.StoreId);
                await _responder.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic(Topics.Ack(batch.GatewayId))
                    .WithPayload(WireCodec.Encode(ack, WireFormat.Binary))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build());
                break;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try { await _responder.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None); }
        catch (Exception) { }
        _responder.Dispose();
        await _server.StopAsync(new MqttServerStopOptionsBuilder().Build());
        _server.Dispose();
    }
}
