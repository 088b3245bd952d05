namespace GridEdge.Server.Gateways;

/// <summary>
/// A range of ledger sequence numbers missing from one gateway's stream, with the reason when one is known
/// (<see cref="Protocol.Wire.GapReasons"/>: evicted at the gateway, or lost with a replaced store); null: it may still arrive.
/// </summary>
public sealed record LedgerGap(long From, long To, string? Reason = null)
{
    public long Count => To - From + 1;
}

/// <summary>One stream of one gateway as the ledger holds it.</summary>
/// <param name="LastSeq">The highest sequence number stored.</param>
/// <param name="Stored">How many records are stored.</param>
/// <param name="Gaps">How many missing ranges lie between 1 and <paramref name="LastSeq"/>.</param>
/// <param name="Missing">How many sequence numbers those ranges hold.</param>
public sealed record StreamSummary(string Stream, long LastSeq, long Stored, long Gaps, long Missing);

/// <summary>A gateway's last known state and the extent of each of its streams.</summary>
public sealed record GatewaySummary(
    string Id,
    bool Online,
    DateTimeOffset? LastSeen,
    string? SoftwareVersion,
    string? ConfigVersion,
    Guid? BootId,
    DateTimeOffset? StatusAt,
    IReadOnlyList<StreamSummary> Streams)
{
    public long GapCount => Streams.Sum(s => s.Gaps);
}

/// <summary>An HJ 212 monitor registered on a gateway, as its last status reported it (conformance warnings since the gateway started), and when that report arrived.</summary>
public sealed record MonitorRecord(string Mn, string? Station, DateTimeOffset? LastContact, DateTimeOffset ReportedAt, long ConformanceWarnings = 0);

/// <summary>
/// A table holding records of a gateway stream keyed by (gateway, seq): the gateway listing and the gaps read every
/// registered one, so they agree on what a stream holds. <paramref name="Stream"/> is the stream the table holds, or null
/// when the table has a <c>stream</c> column of its own (readings); <paramref name="Where"/>, when given, is the condition of the
/// table's rows that belong to the stream (the problem ledger also holds problems that alerts opened, which no stream sent).
/// </summary>
public sealed record StreamTable(string Table, string? Stream = null, string? Where = null)
{
    /// <summary>SELECT gateway, stream, seq of this table.</summary>
    public string Select => (Stream is null ? $"SELECT gateway, stream, seq FROM {Table}" : $"SELECT gateway, '{Stream}' AS stream, seq FROM {Table}") +
        (Where is null ? "" : $" WHERE {Where}");
}
