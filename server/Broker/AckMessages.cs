using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;
using MQTTnet;
using MQTTnet.Protocol;

namespace GridEdge.Server.Broker;

/// <summary>Builds the MQTT message of an ack: the gateway's ack topic, QoS 1, the content type of its format.</summary>
internal static class AckMessages
{
    public static MqttApplicationMessage Build(Ack ack, WireFormat format) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Ack(ack.GatewayId))
            .WithPayload(WireCodec.Encode(ack, format))
            .WithContentType(PayloadHeader.ContentType(format))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
}

/// <summary>What /health says about the broker side.</summary>
public interface IBrokerStatus
{
    BrokerMode Mode { get; }
    bool Running { get; }
    /// <summary>A sentence for operators: where it listens or what it is connected to.</summary>
    string Describe();
}
