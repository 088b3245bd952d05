using GridEdge.Protocol.Records;

namespace GridEdge.Protocol.Hj212;

/// <summary>How an HJ 212 pollutant code maps onto a protocol quantity: its name, unit, and the factor from the HJ 212 unit.</summary>
public readonly record struct Hj212Mapping(string Quantity, string Unit, double Factor, bool IsParticulate);

/// <summary>
/// HJ 212 pollutant codes (HJ 212-2017 Annex B, and the names 2005-era dust monitors used) mapped onto the protocol's
/// quantities. Codes not listed are kept as unmapped readings: quantity <c>hj212:{code}</c>, unit "raw".
/// </summary>
public static class Hj212Codes
{
    /// <summary>HJ 212 gives pressure in kPa; the protocol's unit is hPa.</summary>
    public const double KilopascalToHectopascal = 10;

    public static bool TryMap(ReadOnlySpan<byte> code, out Hj212Mapping mapping)
    {
        mapping = code switch
        {
            _ when code.SequenceEqual("a34004"u8) || code.SequenceEqual("PM25"u8) || code.SequenceEqual("PM2.5"u8) => new(Quantities.Pm2_5, Quantities.MicrogramsPerCubicMetre, 1, true),
            _ when code.SequenceEqual("a34002"u8) || code.SequenceEqual("PM10"u8) => new(Quantities.Pm10, Quantities.MicrogramsPerCubicMetre, 1, true),
            _ when code.SequenceEqual("a34001"u8) || code.SequenceEqual("TSP"u8) => new(Quantities.Tsp, Quantities.MicrogramsPerCubicMetre, 1, true),
            _ when code.SequenceEqual("LA"u8) => new(Quantities.Noise, "dB(A)", 1, false),
            _ when code.SequenceEqual("a01001"u8) => new(Quantities.Temperature, "°C", 1, false),
            _ when code.SequenceEqual("a01002"u8) => new(Quantities.Humidity, "%RH", 1, false),
            _ when code.SequenceEqual("a01006"u8) => new(Quantities.Pressure, "hPa", KilopascalToHectopascal, false),
            _ when code.SequenceEqual("a01007"u8) => new(Quantities.WindSpeed, "m/s", 1, false),
            _ when code.SequenceEqual("a01008"u8) => new(Quantities.WindDirection, "°", 1, false),
            _ => default,
        };
        return mapping.Quantity is not null;
    }

    /// <summary>Maps an HJ 212 data flag letter onto <see cref="DataFlag"/>; false for a letter the standard does not define.</summary>
    public static bool TryMapFlag(byte letter, out DataFlag flag)
    {
        // Some devices print the letter in lower case ("a01006-Flag=d"): the meaning is unambiguous.
        (var known, flag) = (letter | 0x20) switch
        {
            'n' => (true, DataFlag.Normal),
            'f' => (true, DataFlag.Stopped),
            'm' => (true, DataFlag.Maintenance),
            's' => (true, DataFlag.Manual),
            'd' => (true, DataFlag.Fault),
            'c' => (true, DataFlag.Calibration),
            't' => (true, DataFlag.OverRange),
            'b' => (true, DataFlag.CommunicationError),
            _ => (false, DataFlag.CommunicationError),
        };
        return known;
    }

    /// <summary>The letter HJ 212 uses for a data flag.</summary>
    public static char Letter(DataFlag flag) => flag switch
    {
        DataFlag.Normal => 'N',
        DataFlag.Stopped => 'F',
        DataFlag.Maintenance => 'M',
        DataFlag.Manual => 'S',
        DataFlag.Fault => 'D',
        DataFlag.Calibration => 'C',
        DataFlag.OverRange => 'T',
        _ => 'B',
    };
}
