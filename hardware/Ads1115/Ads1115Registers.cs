namespace GridEdge.Hardware.Ads1115;

/// <summary>Register pointer values (TI SBAS444C datasheet §9.6.1, table 6: address pointer register).</summary>
public enum Ads1115Register : byte
{
    /// <summary>16-bit two's-complement result of the last conversion (§9.6.2).</summary>
    Conversion = 0x00,
    /// <summary>Operating mode, input selection, data rate, full-scale range and comparator (§9.6.3, table 8).</summary>
    Config = 0x01,
    /// <summary>Comparator low threshold (§9.6.4).</summary>
    LowThreshold = 0x02,
    /// <summary>Comparator high threshold (§9.6.4).</summary>
    HighThreshold = 0x03,
}

/// <summary>MUX[14:12] of the config register: which inputs are measured (datasheet table 8).</summary>
public enum InputMultiplexer : ushort
{
    /// <summary>AIN0 - AIN1 (power-on default).</summary>
    AIN0_AIN1 = 0b000,
    AIN0_AIN3 = 0b001,
    AIN1_AIN3 = 0b010,
    AIN2_AIN3 = 0b011,
    /// <summary>AIN0 against ground: the usual single-ended input.</summary>
    AIN0 = 0b100,
    AIN1 = 0b101,
    AIN2 = 0b110,
    AIN3 = 0b111,
}

/// <summary>PGA[11:9]: the full-scale range ±FS (datasheet table 8). No input may exceed VDD + 0.3 V whatever the range.</summary>
public enum MeasuringRange : ushort
{
    FS6144 = 0b000,
    FS4096 = 0b001,
    /// <summary>±2.048 V (power-on default).</summary>
    FS2048 = 0b010,
    FS1024 = 0b011,
    FS0512 = 0b100,
    FS0256 = 0b101,
}

/// <summary>DR[7:5]: samples per second (datasheet table 8).</summary>
public enum DataRate : ushort
{
    SPS8 = 0b000,
    SPS16 = 0b001,
    SPS32 = 0b010,
    SPS64 = 0b011,
    /// <summary>128 SPS (power-on default).</summary>
    SPS128 = 0b100,
    SPS250 = 0b101,
    SPS475 = 0b110,
    SPS860 = 0b111,
}

/// <summary>MODE[8]: continuous conversion or single-shot with power-down between (datasheet table 8).</summary>
public enum DeviceMode : ushort
{
    Continuous = 0,
    /// <summary>Single-shot: each read starts one conversion, then the ADC powers down (power-on default).</summary>
    PowerDown = 1,
}

/// <summary>Bit positions and fixed values of the config register (datasheet §9.6.3, table 8).</summary>
public static class Ads1115Config
{
    /// <summary>OS[15]: write 1 to start a single conversion; reads 0 while converting, 1 when idle.</summary>
    public const ushort OperationalStatus = 1 << 15;
    public const int MuxShift = 12;
    public const int PgaShift = 9;
    public const int ModeShift = 8;
    public const int DataRateShift = 5;
    /// <summary>COMP_QUE[1:0] = 11: comparator disabled, ALERT/RDY high impedance. COMP_MODE, COMP_POL, COMP_LAT stay 0 (defaults).</summary>
    public const ushort ComparatorDisabled = 0b11;
    /// <summary>Config register value at power-on (0x8583).</summary>
    public const ushort PowerOnDefault = 0x8583;

    /// <summary>Composes a config word; <paramref name="startConversion"/> sets OS.</summary>
    public static ushort Compose(InputMultiplexer mux, MeasuringRange range, DeviceMode mode, DataRate rate, bool startConversion) =>
        (ushort)((startConversion ? OperationalStatus : 0)
            | (ushort)mux << MuxShift | (ushort)range << PgaShift | (ushort)mode << ModeShift | (ushort)rate << DataRateShift
            | ComparatorDisabled);

    /// <summary>The full-scale voltage of a range.</summary>
    public static double FullScaleVolts(MeasuringRange range) => range switch
    {
        MeasuringRange.FS6144 => 6.144,
        MeasuringRange.FS4096 => 4.096,
        MeasuringRange.FS2048 => 2.048,
        MeasuringRange.FS1024 => 1.024,
        MeasuringRange.FS0512 => 0.512,
        // PGA codes 110 and 111 also mean ±0.256 V.
        _ => 0.256,
    };

    /// <summary>Samples per second of a data rate.</summary>
    public static int SamplesPerSecond(DataRate rate) => rate switch
    {
        DataRate.SPS8 => 8, DataRate.SPS16 => 16, DataRate.SPS32 => 32, DataRate.SPS64 => 64,
        DataRate.SPS128 => 128, DataRate.SPS250 => 250, DataRate.SPS475 => 475, _ => 860,
    };
}
