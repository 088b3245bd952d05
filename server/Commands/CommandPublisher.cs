using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Broker;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace GridEdge.Server.Commands;

/// <summary>Sends server-to-gateway messages: commands on the cmd topic, the retained configuration on the config topic (QoS 1, JSON).</summary>
public interface IDownlinkPublisher
{
    /// <summary>Publishes <paramref name="command"/> to <c>Topics.Command(command.GatewayId)</c>.</summary>
    Task PublishAsync(Command command, CancellationToken cancellationToken = default);

    /// <summary>Publishes <paramref name="config"/> retained to <c>Topics.Config(config.GatewayId)</c>.</summary>
    Task PublishAsync(GatewayConfig config, CancellationToken cancellationToken = default);

    /// <summary>Publishes <paramref name="tasks"/> retained to <c>Topics.Tasks(tasks.GatewayId)</c>, as JSON.</summary>
    Task PublishAsync(TaskList tasks, CancellationToken cancellationToken = default);
}

internal static class DownlinkMessages
{
    // JSON: commands are rare and a readable payload in a broker log is worth more than a few bytes; the gateway decodes either format.
    public static MqttApplicationMessage Build(string topic, IWireMessage message, bool retain) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(WireCodec.Encode(message, WireFormat.Json))
            .WithContentType(PayloadHeader.ContentType(WireFormat.Json))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();

    /// <summary>A task list: plain JSON (not a wire message), retained, QoS 1.</summary>
    public static MqttApplicationMessage Build(TaskList tasks) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Tasks(tasks.GatewayId))
            .WithPayload(System.Text.Encoding.UTF8.GetBytes(tasks.ToJson()))
            .WithContentType("application/json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(true)
            .Build();
}

/// <summary>Through the embedded broker: injected as if published by the server (queued for a gateway offline with a persistent session).</summary>
public sealed class EmbeddedDownlinkPublisher(EmbeddedMqttServer broker) : IDownlinkPublisher
{
    public Task PublishAsync(Command command, CancellationToken cancellationToken = default) =>
        Inject(DownlinkMessages.Build(Topics.Command(command.GatewayId), command, retain: false), cancellationToken);

    public Task PublishAsync(GatewayConfig config, CancellationToken cancellationToken = default) =>
        Inject(DownlinkMessages.Build(Topics.Config(config.GatewayId), config, retain: true), cancellationToken);

    public Task PublishAsync(TaskList tasks, CancellationToken cancellationToken = default) => Inject(DownlinkMessages.Build(tasks), cancellationToken);

    private Task Inject(MqttApplicationMessage message, CancellationToken cancellationToken) =>
        broker.Server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = EmbeddedBroker.ServerClientId }, cancellationToken);
}

/// <summary>Through the external broker, on the ingest's own client connection.</summary>
public sealed class ExternalDownlinkPublisher(ExternalMqttConnection connection) : IDownlinkPublisher
{
    public Task PublishAsync(Command command, CancellationToken cancellationToken = default) =>
        PublishAsync(DownlinkMessages.Build(Topics.Command(command.GatewayId), command, retain: false), cancellationToken);

    public Task PublishAsync(GatewayConfig config, CancellationToken cancellationToken = default) =>
        PublishAsync(DownlinkMessages.Build(Topics.Config(config.GatewayId), config, retain: true), cancellationToken);

    public Task PublishAsync(TaskList tasks, CancellationToken cancellationToken = default) => PublishAsync(DownlinkMessages.Build(tasks), cancellationToken);

    private async Task PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        if (!connection.Client.IsConnected) throw new InvalidOperationException("not connected to the external broker");
        var result = await connection.Client.PublishAsync(message, cancellationToken);
        // No subscriber: the gateway is offline; a persistent session on the broker still queues QoS 1 for it.
        if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
            throw new InvalidOperationException($"the broker refused {message.Topic}: {result.ReasonCode} {result.ReasonString}");
    }
}
