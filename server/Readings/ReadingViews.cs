using GridEdge.Protocol.Records;

namespace GridEdge.Server.Readings;

/// <summary>The aggregate window of a reading.</summary>
public sealed record WindowView(double Min, double Avg, double Max, int Count, int WindowSeconds);

/// <summary>A stored reading as /api/readings returns it.</summary>
public sealed record ReadingView(
    string Gateway,
    string Stream,
    long Seq,
    string Sensor,
    string Quantity,
    string Unit,
    double Value,
    WindowView? Window,
    DataFlag Flag,
    DateTimeOffset Timestamp,
    ClockQuality Clock,
    DateTimeOffset ReceivedAt)
{
    public static ReadingView From(StoredReading r) => new(
        r.Gateway, r.Stream, r.Seq, r.Sensor, r.Quantity, r.Unit, r.Value,
        r is { Min: { } min, Avg: { } avg, Max: { } max, Count: { } count, WindowSeconds: { } seconds } ? new WindowView(min, avg, max, count, seconds) : null,
        r.Flag, r.Timestamp, r.Clock, r.ReceivedAt);
}

/// <summary>The body of /api/readings.</summary>
public sealed record ReadingPageView(IReadOnlyList<ReadingView> Items, string? NextCursor);
