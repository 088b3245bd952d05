namespace GridEdge.Faults;

/// <summary>The bounds the fault modes hold the hosts to.</summary>
public static class FaultAccountLimits
{
    /// <summary>How much a host's resident memory may grow over one attack (MB): more is taken for a leak.</summary>
    public const int RssGrowthMb = 100;

    /// <summary>Whether memory grew by at most <see cref="RssGrowthMb"/> from <paramref name="beforeKb"/> to <paramref name="afterKb"/>.</summary>
    public static bool Bounded(long? beforeKb, long? afterKb) => beforeKb is { } b && afterKb is { } a && a - b <= RssGrowthMb * 1024;
}
