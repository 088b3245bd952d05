namespace GridEdge.Hardware.Simulation;

/// <summary>What the simulated sensors sense: the air at the dust sensor and the MQ-2, and where the GNSS receiver is.</summary>
public sealed class SimulatedAir
{
    /// <summary>Atmospheric PM1.0, PM2.5 and PM10 (µg/m³) of each PMS5003 frame; a steady 12/25/40 unless set.</summary>
    public Func<(double Pm1, double Pm2_5, double Pm10)> Dust { get; init; } = () => (12, 25, 40);
    /// <summary>The MQ-2's output voltage; clean air (0.4 V) unless set.</summary>
    public Func<double> SmokeVolts { get; init; } = () => 0.4;
    public double Latitude { get; init; } = 31.24795;
    public double Longitude { get; init; } = 121.587438;
}
