using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Ingest;

namespace GridEdge.Server.Tests.Support;

/// <summary>Acks captured where a broker would take them; <see cref="FailNext"/> makes the next publish fail.</summary>
internal sealed class CapturedAcks : IAckPublisher
{
    public List<(Ack Ack, WireFormat Format)> Sent { get; } = [];
    public bool FailNext { get; set; }

    public Task PublishAsync(Ack ack, WireFormat format, CancellationToken cancellationToken = default)
    {
        lock (Sent)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("broker unavailable");
            }
            Sent.Add((ack, format));
        }
        return Task.CompletedTask;
    }
}
