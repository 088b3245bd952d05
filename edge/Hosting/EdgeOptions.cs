namespace GridEdge.Edge.Hosting;

/// <summary>The gateway's configuration, bound from the "Edge" section and validated at start.</summary>
public sealed class EdgeOptions
{
    public const string Section = "Edge";

    /// <summary>This gateway's id: MQTT client id and topic level.</summary>
    public string GatewayId { get; set; } = "";
    /// <summary>Holds outbox.db, seq-reserved.json and logs/.</summary>
    public string DataDirectory { get; set; } = "./data/edge";
    /// <summary>Version of the configuration in force, reported in the birth certificate.</summary>
    public string ConfigVersion { get; set; } = "local";
    public BrokerOptions Broker { get; set; } = new();
    public UplinkOptions Uplink { get; set; } = new();
    public TerminalOptions Terminals { get; set; } = new();
    public OutboxOptions Outbox { get; set; } = new();
}

/// <summary>How much of the disk the outbox may fill (see docs/architecture.md, "A full disk").</summary>
public sealed class OutboxOptions
{
    /// <summary>Bytes the outbox's records may take (with their overhead); at this mark the oldest readings are evicted. Unset: a quarter of the filesystem; 0: no quota.</summary>
    public long? QuotaBytes { get; set; }
    /// <summary>A repeated identical outbox error (a full disk) is logged at most once per this many seconds, with a count.</summary>
    public int RepeatedErrorLogSeconds { get; set; } = 60;
}

/// <summary>The terminal API (edge/Terminals): where grid members' enforcement terminals upload check-ins, patrols, problems and photos.</summary>
public sealed class TerminalOptions
{
    /// <summary>Off in code; the shipped appsettings turn it on.</summary>
    public bool Enabled { get; set; }
    /// <summary>Where Kestrel listens, e.g. http://0.0.0.0:8080 on the township LAN (port 0: any free port).</summary>
    public string Url { get; set; } = "http://127.0.0.1:5081";
    /// <summary>A check-in whose fix is coarser than this is judged inaccurate, whatever the boundary.</summary>
    public double MaxAccuracyMeters { get; set; } = 100;
    /// <summary>Staged uploads plus attachment chunks still waiting in the outbox may hold at most this many bytes.</summary>
    public long AttachmentQuotaBytes { get; set; } = 1L << 30;
    /// <summary>The size of the pieces a verified attachment is cut into on the attachments stream.</summary>
    public int AttachmentChunkBytes { get; set; } = 64 * 1024;
    /// <summary>The largest JSON body of a check-in, patrol or problem request.</summary>
    public int MaxJsonBytes { get; set; } = 2 * 1024 * 1024;

    // Limits sized for a Pi with 512 MB-1 GB: a flood of connections or requests is refused, not held in memory.
    /// <summary>Connections held at once; one more closes the one idle longest, or is closed itself when every one is busy with a request.</summary>
    public int MaxConnections { get; set; } = 256;
    /// <summary>
    /// Connections the kernel may hold completed but not yet accepted (the listen backlog; Linux caps it at
    /// net.core.somaxconn). A flood that overflows it makes every newcomer, a terminal or a status request, wait for its
    /// SYN to be resent (1 s, 3 s, 7 s ...).
    /// </summary>
    public int ListenBacklog { get; set; } = 4096;
    /// <summary>How long an idle connection (between requests, or before the first) is kept open.</summary>
    public int KeepAliveTimeoutSeconds { get; set; } = 30;
    /// <summary>How long a request's headers may take to arrive once it started; a new connection's first bytes too (or KeepAliveTimeoutSeconds if shorter).</summary>
    public int RequestHeadersTimeoutSeconds { get; set; } = 10;
    /// <summary>The largest total size of a request's headers.</summary>
    public int MaxRequestHeadersBytes { get; set; } = 16 * 1024;
    /// <summary>A body arriving slower than this (after a 10 s grace) is cut off; 0 turns the check off.</summary>
    public int MinRequestBodyBytesPerSecond { get; set; } = 1024;
    /// <summary>Requests per minute one terminal (one token; before authentication, one address) may send on average.</summary>
    public int RequestsPerMinute { get; set; } = 120;
    /// <summary>Requests one terminal may send at once before the per-minute rate applies.</summary>
    public int RequestBurst { get; set; } = 60;
    /// <summary>A terminal's record time (fixTime, startedAt, ...) may be at most this far ahead of the gateway's clock.</summary>
    public int MaxFutureSkewMinutes { get; set; } = 10;
    /// <summary>A terminal's record time may be at most this old by the gateway's clock.</summary>
    public int MaxAgeDays { get; set; } = 30;
    /// <summary>Bytes the open uploads of one terminal may reserve (their declared sizes).</summary>
    public long UploadQuotaBytesPerTerminal { get; set; } = 128L * 1024 * 1024;
    /// <summary>Uploads one terminal may have open at once.</summary>
    public int MaxOpenUploadsPerTerminal { get; set; } = 20;
    /// <summary>An open upload no new byte arrived for in this long is dropped and its reservation freed.</summary>
    public int StaleUploadMinutes { get; set; } = 60;
    /// <summary>How long the first answer to a (terminal, Idempotency-Key) is kept, so a retry gets it again rather than storing the record twice.</summary>
    public int IdempotencyRetentionDays { get; set; } = 7;
}

/// <summary>Where the MQTT broker is and how to log in.</summary>
public sealed class BrokerOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 1883;
    /// <summary>Defaults to the gateway id.</summary>
    public string? Username { get; set; }
    public string? Password { get; set; }
    public bool UseTls { get; set; }
    /// <summary>With <see cref="UseTls"/>: a PEM file of the CA that signed the broker's certificate, trusted instead of the system's CAs.</summary>
    public string? CaFile { get; set; }
    /// <summary>How long the broker keeps our session (subscriptions, queued acks) while we are away.</summary>
    public uint SessionExpirySeconds { get; set; } = 7 * 24 * 3600;
    public int KeepAliveSeconds { get; set; } = 15;
    public int ConnectTimeoutSeconds { get; set; } = 10;
}

/// <summary>How the uplink packs, paces and retries batches.</summary>
public sealed class UplinkOptions
{
    /// <summary>"binary" (default) or "json".</summary>
    public string Format { get; set; } = "binary";
    public int BatchMaxRecords { get; set; } = 500;
    public int BatchMaxBytes { get; set; } = 64 * 1024;
    public int MaxInFlightBatches { get; set; } = 16;
    public double AckTimeoutSeconds { get; set; } = 10;
    public double ReconnectBaseSeconds { get; set; } = 1;
    public double ReconnectCapSeconds { get; set; } = 60;
}
