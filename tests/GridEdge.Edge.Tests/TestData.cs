using GridEdge.Edge.Outbox;
using GridEdge.Protocol.Records;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Edge.Tests;

internal static class TestData
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public static Reading Reading(int i, string sensor = "s1") =>
        GridEdge.Protocol.Records.Reading.Instant(sensor, Quantities.Pm2_5, i, T0.AddSeconds(i), ClockQuality.NetworkSynced);

    public static EdgeOutbox Open(string directory, Func<OutboxSettings, OutboxSettings>? tune = null)
    {
        var settings = new OutboxSettings(directory);
        if (tune is not null) settings = tune(settings);
        return new EdgeOutbox(settings, NullLogger<EdgeOutbox>.Instance);
    }
}
