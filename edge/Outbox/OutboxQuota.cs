namespace GridEdge.Edge.Outbox;

/// <summary>How many bytes the outbox may hold, and how what it holds is reckoned against that.</summary>
public static class OutboxQuota
{
    /// <summary>
    /// What a stored record costs beyond its encoded bytes: its BSON document (_id, fields), its node in the _id index and
    /// the slack of half-filled pages, measured on a LiteDB file of small readings (about 100 B each: roughly 2x).
    /// </summary>
    public const int RecordOverheadBytes = 96;

    /// <summary>The share of the outbox's filesystem that the default quota allows; the rest is for LiteDB's log, its checkpoints and everything else on the card.</summary>
    public const double DefaultShareOfFileSystem = 0.25;

    /// <summary>At the quota, evict down to this share of it, so that eviction happens in chunks rather than at every commit.</summary>
    public const double EvictToShare = 0.9;

    /// <summary>What a record of this many encoded bytes counts against the quota.</summary>
    public static long Cost(long recordBytes) => recordBytes + RecordOverheadBytes;

    /// <summary>The default quota: a quarter of the size of the filesystem holding <paramref name="directory"/> (0 when its size cannot be read: no quota).</summary>
    public static long DefaultFor(string directory)
    {
        try
        {
            return (long)(new DriveInfo(Path.GetFullPath(directory)).TotalSize * DefaultShareOfFileSystem);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
