namespace GridEdge.Edge.Uplink;

/// <summary>Reconnect delays: exponential with full jitter, capped, so a fleet that lost its broker does not come back in step.</summary>
public static class Backoff
{
    /// <summary>A delay drawn uniformly from [0, min(cap, base * 2^attempt)]; attempt counts from 0.</summary>
    public static TimeSpan FullJitter(int attempt, TimeSpan baseDelay, TimeSpan cap, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        return TimeSpan.FromTicks((long)(random.NextDouble() * Ceiling(attempt, baseDelay, cap).Ticks));
    }

    /// <summary>The upper bound of the delay for an attempt: min(cap, base * 2^attempt).</summary>
    public static TimeSpan Ceiling(int attempt, TimeSpan baseDelay, TimeSpan cap)
    {
        var exponential = baseDelay.Ticks * Math.Pow(2, Math.Min(attempt, 62));
        return exponential >= cap.Ticks ? cap : TimeSpan.FromTicks((long)exponential);
    }
}
