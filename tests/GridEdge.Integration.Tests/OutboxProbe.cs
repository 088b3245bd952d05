using GridEdge.Edge.Outbox;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Integration.Tests;

/// <summary>Opens a stopped gateway's outbox file to see what is still waiting for the server's ack.</summary>
internal static class OutboxProbe
{
    public static long Backlog(string dataDirectory)
    {
        using var outbox = new OutboxStore(new OutboxSettings(dataDirectory), NullLogger<OutboxStore>.Instance);
        return outbox.Backlogs().Values.Sum();
    }
}
