namespace GridEdge.Protocol.Records;

/// <summary>The quantity vocabulary every reading uses, with the units each quantity may be given in.</summary>
public static class Quantities
{
    public const string Pm1 = "pm1";
    public const string Pm2_5 = "pm2_5";
    public const string Pm10 = "pm10";
    public const string Tsp = "tsp";
    public const string Smoke = "smoke";
    public const string Temperature = "temperature";
    public const string Humidity = "humidity";
    public const string Pressure = "pressure";
    public const string Noise = "noise";
    public const string WindSpeed = "wind_speed";
    public const string WindDirection = "wind_direction";

    public const string MicrogramsPerCubicMetre = "µg/m³";

    // Smoke comes as ppm from calibrated sensors, raw ADC counts, volts or a ratio to the clean-air baseline (MQ-2).
    private static readonly Dictionary<string, string[]> UnitsByQuantity = new(StringComparer.Ordinal)
    {
        [Pm1] = [MicrogramsPerCubicMetre],
        [Pm2_5] = [MicrogramsPerCubicMetre],
        [Pm10] = [MicrogramsPerCubicMetre],
        [Tsp] = [MicrogramsPerCubicMetre],
        [Smoke] = ["ppm", "raw", "ratio", "V"],
        [Temperature] = ["°C"],
        [Humidity] = ["%RH"],
        [Pressure] = ["hPa"],
        [Noise] = ["dB(A)"],
        [WindSpeed] = ["m/s"],
        [WindDirection] = ["°"],
    };

    public static IReadOnlyCollection<string> All => UnitsByQuantity.Keys;

    public static bool IsKnown(string quantity) => UnitsByQuantity.ContainsKey(quantity);

    /// <summary>The unit a quantity is reported in when a source does not say otherwise.</summary>
    public static string DefaultUnit(string quantity) =>
        UnitsByQuantity.TryGetValue(quantity, out var units) ? units[0] : throw new ArgumentException($"unknown quantity '{quantity}'", nameof(quantity));

    public static bool IsValidUnit(string quantity, string unit) =>
        UnitsByQuantity.TryGetValue(quantity, out var units) && Array.IndexOf(units, unit) >= 0;

    public static IReadOnlyList<string> UnitsOf(string quantity) =>
        UnitsByQuantity.TryGetValue(quantity, out var units) ? units : [];
}
