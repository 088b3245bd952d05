using GridEdge.Edge.Simulation;

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
    public SimulationOptions Simulation { get; set; } = new();
    public LoadOptions Load { get; set; } = new();
    public TerminalOptions Terminals { get; set; } = new();
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

/// <summary>Simulated dust, smoke and weather sensors for demos and tests.</summary>
public sealed class SimulationOptions
{
    public bool Enabled { get; set; }
    public int Sensors { get; set; } = 2;
    public int SampleIntervalMs { get; set; } = 1000;
    public int WindowSeconds { get; set; } = 60;
    /// <summary>Also produce temperature and humidity.</summary>
    public bool Weather { get; set; } = true;
    /// <summary>Scheduled dust episodes and straw fires in every simulated sensor, these and the gateway's own on simulated buses.</summary>
    public EpisodeOptions Episodes { get; set; } = new();
}

/// <summary>A load source for tests: appends Count readings as fast as it can and prints each one whose append returned.</summary>
public sealed class LoadOptions
{
    public long Count { get; set; }
    public string SensorId { get; set; } = "load";
    public int Concurrency { get; set; } = 64;
    public long StartValue { get; set; } = 1;
    /// <summary>Print an APPENDED line per returned append (off for throughput measurements).</summary>
    public bool Print { get; set; } = true;
}
