namespace GridEdge.Edge.Simulation;

/// <summary>Edge:Simulation: simulated sensors, and simulated buses for the gateway's own drivers, for demos and tests.</summary>
public sealed class SimulationOptions
{
    public const string Section = "Simulation";

    /// <summary>Run <see cref="Sensors"/> simulated monitoring points (sim-01, sim-02, …).</summary>
    public bool Enabled { get; set; }
    public int Sensors { get; set; } = 2;
    public int SampleIntervalMs { get; set; } = 1000;
    public int WindowSeconds { get; set; } = 60;
    /// <summary>Also produce temperature and humidity.</summary>
    public bool Weather { get; set; } = true;
    /// <summary>The gateway's own drivers (Edge:Hardware) read simulated buses fed by the dust model instead of the Pi's.</summary>
    public bool Buses { get; set; }
    /// <summary>Position of the simulated GNSS receiver.</summary>
    public double Latitude { get; set; } = 31.24795;
    public double Longitude { get; set; } = 121.587438;
    /// <summary>Scheduled dust episodes and straw fires in every simulated sensor, these and the gateway's own on simulated buses.</summary>
    public EpisodeOptions Episodes { get; set; } = new();

    /// <summary>Every problem, each naming the key under <paramref name="section"/>, its value and what was expected.</summary>
    public IEnumerable<string> Validate(string section)
    {
        if (Enabled)
        {
            if (Sensors is < 1 or > 1000) yield return $"{section}:Sensors is '{Sensors}'; expected 1-1000";
            if (SampleIntervalMs is < 10 or > 3_600_000) yield return $"{section}:SampleIntervalMs is '{SampleIntervalMs}'; expected 10-3600000 ms";
            if (WindowSeconds < 1 || WindowSeconds * 1000L < SampleIntervalMs)
                yield return $"{section}:WindowSeconds is '{WindowSeconds}'; expected at least 1 second and at least one sample interval";
        }
        if (Latitude is < -90 or > 90 || !double.IsFinite(Latitude)) yield return $"{section}:Latitude is '{Latitude}'; expected -90 to 90 degrees";
        if (Longitude is < -180 or > 180 || !double.IsFinite(Longitude)) yield return $"{section}:Longitude is '{Longitude}'; expected -180 to 180 degrees";
        foreach (var problem in Episodes.Validate($"{section}:Episodes")) yield return problem;
    }
}
