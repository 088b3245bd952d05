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

    /// <summary>What a remembered dedupe key (a terminal's answer, an HJ 212 frame's QN) costs: its document and index node.</summary>
    public const int DedupeKeyBytes = 384;

    /// <summary>
    /// The free space the filesystem must keep for LiteDB's log and checkpoints and for the rest of the card: below it the
    /// outbox takes nothing that would grow its file, whatever its own reckoning says (the estimate can be wrong; ENOSPC
    /// must not be met in normal operation). A sixteenth of the filesystem, at least 1 MiB and at most 256 MiB.
    /// </summary>
    public static long ReserveFor(string directory)
    {
        try
        {
            return Math.Clamp(new DriveInfo(Path.GetFullPath(directory)).TotalSize / 16, 1L << 20, 256L << 20);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The free bytes of the filesystem holding <paramref name="directory"/>; null when it cannot be read.</summary>
    public static long? FreeBytes(string directory)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>What a record of this many encoded bytes counts against the quota.</summary>
    public static long Cost(long recordBytes) => recordBytes + RecordOverheadBytes;

    /// <summary>What a run of records with these bytes of forms counts against the quota.</summary>
    public static long Cost(long bytes, long records) => bytes + records * RecordOverheadBytes;

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
