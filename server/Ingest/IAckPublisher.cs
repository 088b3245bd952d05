using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;

namespace GridEdge.Server.Ingest;

/// <summary>Sends the server's acknowledgement of committed ranges to a gateway's ack topic (QoS 1).</summary>
public interface IAckPublisher
{
    /// <summary>Publishes <paramref name="ack"/> to <c>Topics.Ack(ack.GatewayId)</c>, encoded in <paramref name="format"/>.</summary>
    Task PublishAsync(Ack ack, WireFormat format, CancellationToken cancellationToken = default);
}
