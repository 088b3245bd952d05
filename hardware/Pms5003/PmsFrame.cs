using System.Buffers.Binary;

namespace GridEdge.Hardware.Pms5003;

/// <summary>One decoded PMSx003 data frame: mass concentrations (µg/m³), particle counts (per 0.1 L) and the trailer.</summary>
/// <remarks>Word order from the PMS5003 manual V2.3, appendix I; PMS5003T layout from the PMS5003T manual.</remarks>
public readonly record struct PmsFrame
{
    /// <summary>PM1.0 in µg/m³, CF=1 ("standard particle", the factory calibration).</summary>
    public ushort Pm1_0Cf1 { get; init; }
    /// <summary>PM2.5 in µg/m³, CF=1.</summary>
    public ushort Pm2_5Cf1 { get; init; }
    /// <summary>PM10 in µg/m³, CF=1.</summary>
    public ushort Pm10Cf1 { get; init; }
    /// <summary>PM1.0 in µg/m³ under atmospheric environment: the value to report.</summary>
    public ushort Pm1_0Atmospheric { get; init; }
    /// <summary>PM2.5 in µg/m³ under atmospheric environment: the value to report.</summary>
    public ushort Pm2_5Atmospheric { get; init; }
    /// <summary>PM10 in µg/m³ under atmospheric environment: the value to report.</summary>
    public ushort Pm10Atmospheric { get; init; }
    /// <summary>Particles above 0.3 µm per 0.1 L of air.</summary>
    public ushort Particles0_3um { get; init; }
    /// <summary>Particles above 0.5 µm per 0.1 L.</summary>
    public ushort Particles0_5um { get; init; }
    /// <summary>Particles above 1.0 µm per 0.1 L.</summary>
    public ushort Particles1_0um { get; init; }
    /// <summary>Particles above 2.5 µm per 0.1 L.</summary>
    public ushort Particles2_5um { get; init; }
    /// <summary>Particles above 5.0 µm per 0.1 L; null for a PMS5003T frame, which carries temperature there.</summary>
    public ushort? Particles5_0um { get; init; }
    /// <summary>Particles above 10 µm per 0.1 L; null for a PMS5003T frame, which carries humidity there.</summary>
    public ushort? Particles10um { get; init; }
    /// <summary>Temperature in °C (PMS5003T only).</summary>
    public double? TemperatureCelsius { get; init; }
    /// <summary>Relative humidity in % (PMS5003T only).</summary>
    public double? RelativeHumidity { get; init; }
    /// <summary>High byte of word 13: firmware version.</summary>
    public byte Version { get; init; }
    /// <summary>Low byte of word 13: error code (0 = none).</summary>
    public byte ErrorCode { get; init; }
    /// <summary>The checksum the frame carried (and matched).</summary>
    public ushort Checksum { get; init; }
    /// <summary>How words 11-12 were read.</summary>
    public PmsFrameLayout Layout { get; init; }

    /// <summary>Every data word 0: the sensor sends these while its fan spins up. Not a reading.</summary>
    public bool IsWarmingUp { get; init; }

    /// <summary>
    /// False when the frame contradicts itself: mass reported with no particle above 0.3 µm counted. A sensor with a
    /// failing laser or a blocked inlet does this; such a frame is not a reading.
    /// </summary>
    public bool IsPlausible => IsWarmingUp || Particles0_3um > 0 || (Pm1_0Cf1 | Pm2_5Cf1 | Pm10Cf1 | Pm1_0Atmospheric | Pm2_5Atmospheric | Pm10Atmospheric) == 0;

    /// <summary>Decodes a 32-byte data frame whose start bytes, length and checksum were already checked.</summary>
    public static PmsFrame Decode(ReadOnlySpan<byte> frame, PmsModel model)
    {
        if (frame.Length < PmsProtocol.DataFrameLength)
            throw new ArgumentException($"A PMS data frame is {PmsProtocol.DataFrameLength} bytes; got {frame.Length}.", nameof(frame));
        var w1 = Word(frame, 1); var w2 = Word(frame, 2); var w3 = Word(frame, 3);
        var w4 = Word(frame, 4); var w5 = Word(frame, 5); var w6 = Word(frame, 6);
        var w7 = Word(frame, 7); var w8 = Word(frame, 8); var w9 = Word(frame, 9);
        var w10 = Word(frame, 10); var w11 = Word(frame, 11); var w12 = Word(frame, 12);
        var layout = model switch
        {
            PmsModel.Pms5003T => PmsFrameLayout.Pms5003T,
            PmsModel.Detect when !(w7 >= w8 && w8 >= w9 && w9 >= w10 && w10 >= w11 && w11 >= w12) => PmsFrameLayout.Pms5003T,
            _ => PmsFrameLayout.Standard,
        };
        var allZero = (w1 | w2 | w3 | w4 | w5 | w6 | w7 | w8 | w9 | w10 | w11 | w12) == 0;
        var standard = layout == PmsFrameLayout.Standard;
        return new PmsFrame
        {
            Pm1_0Cf1 = w1, Pm2_5Cf1 = w2, Pm10Cf1 = w3,
            Pm1_0Atmospheric = w4, Pm2_5Atmospheric = w5, Pm10Atmospheric = w6,
            Particles0_3um = w7, Particles0_5um = w8, Particles1_0um = w9, Particles2_5um = w10,
            Particles5_0um = standard ? w11 : null,
            Particles10um = standard ? w12 : null,
            // PMS5003T manual: temperature is a signed word in tenths of a degree, humidity in tenths of a percent.
            TemperatureCelsius = standard ? null : (short)w11 / 10.0,
            RelativeHumidity = standard ? null : w12 / 10.0,
            Version = frame[28],
            ErrorCode = frame[29],
            Checksum = BinaryPrimitives.ReadUInt16BigEndian(frame[PmsProtocol.ChecksumOffset..]),
            Layout = layout,
            IsWarmingUp = allZero,
        };
    }

    /// <summary>True when every measured value equals the other frame's (used to detect a stuck sensor).</summary>
    public bool SameMeasurementAs(in PmsFrame other) =>
        Pm1_0Cf1 == other.Pm1_0Cf1 && Pm2_5Cf1 == other.Pm2_5Cf1 && Pm10Cf1 == other.Pm10Cf1
        && Pm1_0Atmospheric == other.Pm1_0Atmospheric && Pm2_5Atmospheric == other.Pm2_5Atmospheric && Pm10Atmospheric == other.Pm10Atmospheric
        && Particles0_3um == other.Particles0_3um && Particles0_5um == other.Particles0_5um && Particles1_0um == other.Particles1_0um
        && Particles2_5um == other.Particles2_5um && Particles5_0um == other.Particles5_0um && Particles10um == other.Particles10um
        && TemperatureCelsius == other.TemperatureCelsius && RelativeHumidity == other.RelativeHumidity;

    private static ushort Word(ReadOnlySpan<byte> frame, int index) =>
        BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(PmsProtocol.FirstDataWordOffset + (index - 1) * 2, 2));
}
