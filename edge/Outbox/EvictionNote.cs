namespace GridEdge.Edge.Outbox;

/// <summary>
/// A range of a stream's sequence numbers whose records the outbox gave up before the server had them (the holes
/// between <see cref="From"/> and <see cref="To"/>, <see cref="Count"/> records in all), kept until the server is told.
/// </summary>
public sealed record EvictionNote(long Id, string Stream, long From, long To, long Count, string Reason, DateTimeOffset At)
{
    public const string Evicted = "evicted";
}
