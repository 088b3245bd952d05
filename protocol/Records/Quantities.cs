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

    /// <summary>Prefix of quantities kept from a source that has no protocol name for them: <c>hj212:{code}</c>.</summary>
    public const string UnmappedPrefix = "hj212:";
    /// <summary>The unit of an unmapped quantity: the value exactly as the source sent it.</summary>
    public const string RawUnit = "raw";
    public const int MaxUnmappedCodeLength = 40;

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

    // What the atmosphere can hold, not what an instrument measures (that is a sensor's own range, checked by the alert
    // engine): a value outside these is a device or transmission fault. Temperature spans the recorded extremes
    // (-89.2 and 56.7 °C) with room; pressure the summit of Qomolangma to a deep low; 194 dB is the loudest undistorted
    // sound in air; particulates up to 1 g/m³, far above any dust storm.
    private static readonly Dictionary<string, (double Min, double Max)> PhysicalRanges = new(StringComparer.Ordinal)
    {
        [Pm1] = (0, 1_000_000),
        [Pm2_5] = (0, 1_000_000),
        [Pm10] = (0, 1_000_000),
        [Tsp] = (0, 1_000_000),
        [Smoke] = (0, 1_000_000),
        [Temperature] = (-90, 70),
        [Humidity] = (0, 100),
        [Pressure] = (300, 1100),
        [Noise] = (0, 194),
        [WindSpeed] = (0, 120),
        [WindDirection] = (0, 360),
    };

    /// <summary>
    /// Whether a value of <paramref name="quantity"/> (in its default unit) is physically possible: finite, and within the
    /// quantity's physical range where one is known (unmapped quantities: any finite value).
    /// </summary>
    public static bool IsPhysical(string quantity, double value) =>
        double.IsFinite(value) && (!PhysicalRanges.TryGetValue(quantity, out var range) || (value >= range.Min && value <= range.Max));

    public static IReadOnlyCollection<string> All => UnitsByQuantity.Keys;

    /// <summary>A quantity of the vocabulary, or an unmapped one (<see cref="IsUnmapped"/>).</summary>
    public static bool IsKnown(string quantity) => UnitsByQuantity.ContainsKey(quantity) || IsUnmapped(quantity);

    /// <summary>
    /// Whether the quantity is an unmapped source code, <c>hj212:{code}</c> with a code of 1-40 characters of A-Z, a-z, 0-9,
    /// '_', '.' and '-': kept rather than dropped, always in unit <see cref="RawUnit"/>.
    /// </summary>
    public static bool IsUnmapped(string? quantity)
    {
        if (quantity is null || !quantity.StartsWith(UnmappedPrefix, StringComparison.Ordinal)) return false;
        var code = quantity.AsSpan(UnmappedPrefix.Length);
        if (code.IsEmpty || code.Length > MaxUnmappedCodeLength) return false;
        foreach (var c in code)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')) return false;
        return true;
    }

    /// <summary>The unit a quantity is reported in when a source does not say otherwise.</summary>
    public static string DefaultUnit(string quantity) =>
        UnitsByQuantity.TryGetValue(quantity, out var units) ? units[0]
        : IsUnmapped(quantity) ? RawUnit
        : throw new ArgumentException($"unknown quantity '{quantity}'", nameof(quantity));

    public static bool IsValidUnit(string quantity, string unit) =>
        UnitsByQuantity.TryGetValue(quantity, out var units) ? Array.IndexOf(units, unit) >= 0 : IsUnmapped(quantity) && unit == RawUnit;

    public static IReadOnlyList<string> UnitsOf(string quantity) =>
        UnitsByQuantity.TryGetValue(quantity, out var units) ? units : IsUnmapped(quantity) ? [RawUnit] : [];
}
