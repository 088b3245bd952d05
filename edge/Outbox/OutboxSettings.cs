namespace GridEdge.Edge.Outbox;

/// <summary>Where the outbox lives and how it batches, reserves and checkpoints.</summary>
public sealed record OutboxSettings(string DataDirectory)
{
    public const string FileName = "outbox.db";
    public const string LogFileName = "outbox-log.db";

    /// <summary>Most appends folded into one transaction.</summary>
    public int MaxRecordsPerCommit { get; init; } = 5000;

    /// <summary>
    /// At most this long a commit waits for the appenders the previous commit answered to append again, so that a steady
    /// number of appends in flight shares commits of about that number (fewer syncs and card pages per record); zero: no wait.
    /// </summary>
    public TimeSpan CommitGathering { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>How far ahead of the assigned sequence numbers the reservation file is moved each time it is rewritten.</summary>
    public long SeqReservationBlock { get; init; } = 100_000;

    /// <summary>LiteDB's automatic checkpoint threshold, in 8 KiB pages of log.</summary>
    public int CheckpointSizePages { get; init; } = 1000;

    /// <summary>Checkpoint explicitly after this many records were reclaimed since the last checkpoint.</summary>
    public long CheckpointAfterDelivered { get; init; } = 20_000;

    /// <summary>Checkpoint explicitly after reclaiming when the log file is bigger than this.</summary>
    public long CheckpointAfterLogBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Most keys of appends stored once (<see cref="OutboxStore.AppendAllAsync"/>) kept at a time; past it those closest to expiring are dropped (counted).</summary>
    public int MaxDedupeKeys { get; init; } = 100_000;

    /// <summary>Bytes the outbox may hold (records plus their overhead); null: a share of the filesystem (<see cref="OutboxQuota.DefaultFor"/>); 0: no quota.</summary>
    public long? QuotaBytes { get; init; }

    /// <summary>A repeated identical error (a full disk) is logged at most once per this interval, with a count.</summary>
    public TimeSpan RepeatedErrorLogInterval { get; init; } = TimeSpan.FromMinutes(1);

    public string FilePath => Path.Combine(DataDirectory, FileName);
    public string LogFilePath => Path.Combine(DataDirectory, LogFileName);
}
