namespace GridEdge.Hardware.Nmea;

/// <summary>
/// One parsed NMEA sentence. A mutable struct meant to be reused: <see cref="NmeaParser.Parse"/> clears and refills it,
/// so parsing allocates nothing. Fields a sentence type does not carry, or that were empty, are null.
/// </summary>
public struct NmeaSentence
{
    private SatelliteIdBuffer _satelliteIds;
    private SatelliteInViewBuffer _satellites;

    public NmeaTalker Talker { get; internal set; }
    public NmeaSentenceType Type { get; internal set; }
    /// <summary>Characters before the '$' (overrun garbage), if any.</summary>
    public int LeadingGarbage { get; internal set; }
    /// <summary>The checksum the sentence states (valid when the result was Ok or ChecksumMismatch).</summary>
    public byte StatedChecksum { get; internal set; }
    /// <summary>The XOR of the characters between '$' and '*'.</summary>
    public byte ComputedChecksum { get; internal set; }
    /// <summary>For <see cref="NmeaParseResult.Malformed"/>: the index of the field that could not be read (address = 0).</summary>
    public int ErrorField { get; internal set; }

    /// <summary>UTC time of day (GGA, RMC, GLL).</summary>
    public TimeOnly? Time { get; internal set; }
    /// <summary>UTC date (RMC).</summary>
    public DateOnly? Date { get; internal set; }
    /// <summary>RMC/GLL status.</summary>
    public NmeaDataStatus Status { get; internal set; }
    /// <summary>Latitude in decimal degrees, north positive.</summary>
    public double? Latitude { get; internal set; }
    /// <summary>Longitude in decimal degrees, east positive.</summary>
    public double? Longitude { get; internal set; }
    /// <summary>GGA fix quality.</summary>
    public GnssFixQuality? FixQuality { get; internal set; }
    /// <summary>GGA satellites used.</summary>
    public int? SatellitesUsed { get; internal set; }
    /// <summary>Horizontal dilution of precision (GGA, GSA).</summary>
    public double? Hdop { get; internal set; }
    /// <summary>Position dilution of precision (GSA).</summary>
    public double? Pdop { get; internal set; }
    /// <summary>Vertical dilution of precision (GSA).</summary>
    public double? Vdop { get; internal set; }
    /// <summary>Altitude above mean sea level in metres (GGA).</summary>
    public double? AltitudeMeters { get; internal set; }
    /// <summary>Geoid separation in metres (GGA).</summary>
    public double? GeoidSeparationMeters { get; internal set; }
    /// <summary>Age of differential corrections in seconds (GGA).</summary>
    public double? DifferentialAgeSeconds { get; internal set; }
    /// <summary>Differential reference station id (GGA).</summary>
    public int? DifferentialStationId { get; internal set; }
    /// <summary>Speed over ground in knots (RMC, VTG).</summary>
    public double? SpeedKnots { get; internal set; }
    /// <summary>Speed over ground in km/h (VTG).</summary>
    public double? SpeedKmh { get; internal set; }
    /// <summary>Course over ground, degrees true (RMC, VTG).</summary>
    public double? CourseTrueDegrees { get; internal set; }
    /// <summary>Course over ground, degrees magnetic (VTG).</summary>
    public double? CourseMagneticDegrees { get; internal set; }
    /// <summary>Magnetic variation in degrees, east positive (RMC).</summary>
    public double? MagneticVariationDegrees { get; internal set; }
    /// <summary>FAA mode indicator (RMC, VTG, GLL: A autonomous, D differential, E estimated, N not valid, ...).</summary>
    public char? ModeIndicator { get; internal set; }
    /// <summary>NMEA 4.1 RMC navigational status (S safe, C caution, U unsafe, V not valid).</summary>
    public char? NavigationStatus { get; internal set; }
    /// <summary>GSA selection mode: M manual, A automatic.</summary>
    public char? SelectionMode { get; internal set; }
    /// <summary>GSA fix type.</summary>
    public GsaFixType? FixType { get; internal set; }
    /// <summary>NMEA 4.1 GNSS system id (GSA last field): 1 GPS, 2 GLONASS, 3 Galileo, 4 BeiDou, 5 QZSS.</summary>
    public int? SystemId { get; internal set; }
    /// <summary>GSV: number of sentences in this group.</summary>
    public int? TotalMessages { get; internal set; }
    /// <summary>GSV: this sentence's number in its group.</summary>
    public int? MessageNumber { get; internal set; }
    /// <summary>GSV: satellites in view in all.</summary>
    public int? SatellitesInView { get; internal set; }
    /// <summary>GSV (NMEA 4.1): signal id.</summary>
    public int? SignalId { get; internal set; }
    /// <summary>GSA: how many satellite ids are in <see cref="GetSatelliteId"/>.</summary>
    public int SatelliteIdCount { get; internal set; }
    /// <summary>GSV: how many satellites are in <see cref="GetSatellite"/> (0-4).</summary>
    public int SatelliteCount { get; internal set; }

    /// <summary>GSA: the i-th satellite id used in the solution.</summary>
    public readonly int GetSatelliteId(int index) =>
        (uint)index < (uint)SatelliteIdCount ? _satelliteIds[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>GSV: the i-th satellite in this sentence.</summary>
    public readonly SatelliteInView GetSatellite(int index) =>
        (uint)index < (uint)SatelliteCount ? _satellites[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>True when the sentence says its position is a real fix: RMC/GLL status A, or GGA quality above 0.</summary>
    public readonly bool HasTrustedPosition => Latitude is not null && Longitude is not null && Type switch
    {
        NmeaSentenceType.RMC or NmeaSentenceType.GLL => Status == NmeaDataStatus.Valid,
        NmeaSentenceType.GGA => FixQuality is > GnssFixQuality.Invalid,
        _ => false,
    };

    internal void AddSatelliteId(int id)
    {
        if (SatelliteIdCount < 12) _satelliteIds[SatelliteIdCount++] = (ushort)id;
    }

    internal void AddSatellite(SatelliteInView satellite)
    {
        if (SatelliteCount < 4) _satellites[SatelliteCount++] = satellite;
    }

    internal void Clear() => this = default;
}
