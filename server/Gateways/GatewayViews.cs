namespace GridEdge.Server.Gateways;

/// <summary>One stream of a gateway in /api/gateways.</summary>
public sealed record StreamView(string Stream, long LastSeq, long Stored, long Gaps, long Missing);

/// <summary>A gateway as /api/gateways lists it.</summary>
public sealed record GatewayView(
    string Id,
    bool Online,
    DateTimeOffset? LastSeen,
    string? SoftwareVersion,
    string? ConfigVersion,
    Guid? BootId,
    DateTimeOffset? StatusAt,
    IReadOnlyDictionary<string, long> LastSeq,
    long GapCount,
    IReadOnlyList<StreamView> Streams)
{
    public static GatewayView From(GatewaySummary g) => new(
        g.Id, g.Online, g.LastSeen, g.SoftwareVersion, g.ConfigVersion, g.BootId, g.StatusAt,
        g.Streams.ToDictionary(s => s.Stream, s => s.LastSeq),
        g.GapCount,
        g.Streams.Select(s => new StreamView(s.Stream, s.LastSeq, s.Stored, s.Gaps, s.Missing)).ToList());
}

/// <summary>A missing range as /api/gateways/{id}/gaps returns it; reason is null when the records may still arrive.</summary>
public sealed record GapView(long From, long To, long Count, string? Reason);
/// <summary>The body of /api/gateways/{id}/gaps.</summary>
public sealed record GapsView(string Gateway, string Stream, IReadOnlyList<GapView> Gaps, long Missing);
