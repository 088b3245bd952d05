using System.Runtime.CompilerServices;

namespace GridEdge.Hardware.Nmea;

/// <summary>The talker: which constellation (or combination) a sentence speaks for. NMEA 0183 v4.11 §6.1.4.</summary>
public enum NmeaTalker : byte
{
    Unknown,
    /// <summary>GPS.</summary>
    GP,
    /// <summary>GLONASS.</summary>
    GL,
    /// <summary>Galileo.</summary>
    GA,
    /// <summary>BeiDou (NMEA 4.10+ name).</summary>
    GB,
    /// <summary>BeiDou (Chinese TSCPB name, ATGM336H and other modules sold in China).</summary>
    BD,
    /// <summary>Combined GNSS solution.</summary>
    GN,
    /// <summary>QZSS.</summary>
    GQ,
    /// <summary>A proprietary sentence ($P + manufacturer code).</summary>
    Proprietary,
}

/// <summary>The sentence formatter this library decodes; everything else is <see cref="Other"/>.</summary>
public enum NmeaSentenceType : byte
{
    /// <summary>Valid but not decoded here (ZDA, TXT, GNS, proprietary...).</summary>
    Other,
    /// <summary>Fix data: time, position, quality, satellites, HDOP, altitude.</summary>
    GGA,
    /// <summary>Recommended minimum: time, status, position, speed, course, date.</summary>
    RMC,
    /// <summary>DOP and active satellites.</summary>
    GSA,
    /// <summary>Satellites in view, up to four per sentence.</summary>
    GSV,
    /// <summary>Course and speed over ground.</summary>
    VTG,
    /// <summary>Geographic position, latitude/longitude, with time and status.</summary>
    GLL,
}

/// <summary>The A/V status field of RMC and GLL.</summary>
public enum NmeaDataStatus : byte
{
    /// <summary>The sentence has no status field, or it was empty.</summary>
    None,
    /// <summary>'A': data valid.</summary>
    Valid,
    /// <summary>'V': navigation receiver warning, data not valid.</summary>
    Invalid,
}

/// <summary>GGA fix quality indicator (NMEA 0183 v4.11, GGA field 6).</summary>
public enum GnssFixQuality : byte
{
    Invalid = 0,
    Gps = 1,
    Differential = 2,
    Pps = 3,
    RtkFixed = 4,
    RtkFloat = 5,
    Estimated = 6,
    Manual = 7,
    Simulation = 8,
}

/// <summary>GSA fix type (field 2).</summary>
public enum GsaFixType : byte
{
    None = 1,
    TwoD = 2,
    ThreeD = 3,
}

/// <summary>What <see cref="NmeaParser.Parse"/> made of a line.</summary>
public enum NmeaParseResult : byte
{
    /// <summary>Checksum verified, fields decoded.</summary>
    Ok,
    /// <summary>The line was blank.</summary>
    Empty,
    /// <summary>No '$' or '!' anywhere: not a sentence.</summary>
    NoStartDelimiter,
    /// <summary>No '*' followed by two hex digits at the end.</summary>
    MissingChecksum,
    /// <summary>The XOR of the characters between '$' and '*' differs from the stated checksum.</summary>
    ChecksumMismatch,
    /// <summary>The address field is not a 2-letter talker plus a 3-letter formatter.</summary>
    BadAddress,
    /// <summary>The checksum matched but a field could not be read (see <see cref="NmeaSentence.ErrorField"/>).</summary>
    Malformed,
    /// <summary>Longer than the line buffer (overrun garbage).</summary>
    TooLong,
}

/// <summary>One satellite of a GSV sentence.</summary>
public readonly record struct SatelliteInView(int Id, int? ElevationDegrees, int? AzimuthDegrees, int? SnrDb);

[InlineArray(12)]
internal struct SatelliteIdBuffer
{
    private ushort _element;
}

[InlineArray(4)]
internal struct SatelliteInViewBuffer
{
    private SatelliteInView _element;
}
