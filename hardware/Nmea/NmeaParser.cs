using System.Buffers.Text;

namespace GridEdge.Hardware.Nmea;

/// <summary>
/// Parses one NMEA 0183 sentence from ASCII bytes into a reused <see cref="NmeaSentence"/>: checksum first, then the
/// fields of GGA, RMC, GSA, GSV, VTG and GLL from any talker. Allocates nothing.
/// </summary>
public static class NmeaParser
{
    /// <summary>NMEA 0183 §5.3: sentences are at most 82 characters; real receivers exceed it (Trimble 8-decimal minutes), so lines up to this are accepted.</summary>
    public const int MaxSentenceLength = 160;

    /// <summary>Parses <paramref name="line"/> (with or without CR/LF) into <paramref name="sentence"/>.</summary>
    public static NmeaParseResult Parse(ReadOnlySpan<byte> line, ref NmeaSentence sentence)
    {
        sentence.Clear();
        line = line.Trim(" \r\n\t"u8);
        if (line.IsEmpty) return NmeaParseResult.Empty;
        if (line.Length > MaxSentenceLength) return NmeaParseResult.TooLong;

        var start = line.IndexOfAny((byte)'$', (byte)'!');
        if (start < 0) return NmeaParseResult.NoStartDelimiter;
        sentence.LeadingGarbage = start;
        line = line[start..];

        var star = line.LastIndexOf((byte)'*');
        if (star < 0 || star != line.Length - 3 || !TryHex(line[^2], out var hi) || !TryHex(line[^1], out var lo))
            return NmeaParseResult.MissingChecksum;
        byte computed = 0;
        foreach (var b in line[1..star]) computed ^= b;
        sentence.StatedChecksum = (byte)(hi << 4 | lo);
        sentence.ComputedChecksum = computed;
        if (sentence.StatedChecksum != computed) return NmeaParseResult.ChecksumMismatch;

        var fields = new FieldReader(line[1..star]);
        var address = fields.Next();
        if (address.Length >= 2 && address[0] == (byte)'P')
        {
            sentence.Talker = NmeaTalker.Proprietary;
            sentence.Type = NmeaSentenceType.Other;
            return NmeaParseResult.Ok;
        }
        if (address.Length != 5) return NmeaParseResult.BadAddress;
        sentence.Talker = ParseTalker(address[..2]);
        sentence.Type = ParseType(address[2..]);
        if (sentence.Talker == NmeaTalker.Unknown && !(IsUpper(address[0]) && IsUpper(address[1]))) return NmeaParseResult.BadAddress;

        var ok = sentence.Type switch
        {
            NmeaSentenceType.GGA => ParseGga(ref fields, ref sentence),
            NmeaSentenceType.RMC => ParseRmc(ref fields, ref sentence),
            NmeaSentenceType.GSA => ParseGsa(ref fields, ref sentence),
            NmeaSentenceType.GSV => ParseGsv(ref fields, ref sentence),
            NmeaSentenceType.VTG => ParseVtg(ref fields, ref sentence),
            NmeaSentenceType.GLL => ParseGll(ref fields, ref sentence),
            _ => true,
        };
        if (ok) return NmeaParseResult.Ok;
        sentence.ErrorField = fields.Index;
        return NmeaParseResult.Malformed;
    }

    /// <summary>The talker for a two-letter code, <see cref="NmeaTalker.Unknown"/> for others.</summary>
    public static NmeaTalker ParseTalker(ReadOnlySpan<byte> code) => code.Length != 2 ? NmeaTalker.Unknown : (code[0], code[1]) switch
    {
        ((byte)'G', (byte)'P') => NmeaTalker.GP,
        ((byte)'G', (byte)'N') => NmeaTalker.GN,
        ((byte)'G', (byte)'L') => NmeaTalker.GL,
        ((byte)'G', (byte)'A') => NmeaTalker.GA,
        ((byte)'G', (byte)'B') => NmeaTalker.GB,
        ((byte)'B', (byte)'D') => NmeaTalker.BD,
        ((byte)'G', (byte)'Q') => NmeaTalker.GQ,
        _ => NmeaTalker.Unknown,
    };

    private static NmeaSentenceType ParseType(ReadOnlySpan<byte> code)
    {
        if (code.SequenceEqual("GGA"u8)) return NmeaSentenceType.GGA;
        if (code.SequenceEqual("RMC"u8)) return NmeaSentenceType.RMC;
        if (code.SequenceEqual("GSA"u8)) return NmeaSentenceType.GSA;
        if (code.SequenceEqual("GSV"u8)) return NmeaSentenceType.GSV;
        if (code.SequenceEqual("VTG"u8)) return NmeaSentenceType.VTG;
        if (code.SequenceEqual("GLL"u8)) return NmeaSentenceType.GLL;
        return NmeaSentenceType.Other;
    }

    // $--GGA,hhmmss.ss,llll.ll,a,yyyyy.yy,a,x,xx,x.x,x.x,M,x.x,M,x.x,xxxx
    private static bool ParseGga(ref FieldReader f, ref NmeaSentence s)
    {
        if (!TryTime(f.Next(), out var time)) return false;
        s.Time = time;
        if (!TryPosition(ref f, out var lat, out var lon)) return false;
        s.Latitude = lat; s.Longitude = lon;
        var q = f.Next();
        if (!q.IsEmpty)
        {
            if (!TryInt(q, out var quality) || quality is < 0 or > 8) return false;
            s.FixQuality = (GnssFixQuality)quality;
        }
        if (!TryOptionalInt(f.Next(), out var sats)) return false;
        s.SatellitesUsed = sats;
        if (!TryOptionalDouble(f.Next(), out var hdop)) return false;
        s.Hdop = hdop;
        if (!TryOptionalDouble(f.Next(), out var alt)) return false;
        s.AltitudeMeters = alt;
        f.Next(); // M
        if (!TryOptionalDouble(f.Next(), out var sep)) return false;
        s.GeoidSeparationMeters = sep;
        f.Next(); // M
        if (!TryOptionalDouble(f.Next(), out var age)) return false;
        s.DifferentialAgeSeconds = age;
        if (!TryOptionalInt(f.Next(), out var station)) return false;
        s.DifferentialStationId = station;
        // Some receivers (SiRF-TriG with BeiDou) append a non-standard field here; it is ignored.
        return true;
    }

    // $--RMC,hhmmss.ss,A,llll.ll,a,yyyyy.yy,a,x.x,x.x,ddmmyy,x.x,a,m,s
    private static bool ParseRmc(ref FieldReader f, ref NmeaSentence s)
    {
        if (!TryTime(f.Next(), out var time)) return false;
        s.Time = time;
        if (!TryStatus(f.Next(), out var status)) return false;
        s.Status = status;
        if (!TryPosition(ref f, out var lat, out var lon)) return false;
        s.Latitude = lat; s.Longitude = lon;
        if (!TryOptionalDouble(f.Next(), out var speed)) return false;
        s.SpeedKnots = speed;
        if (!TryOptionalDouble(f.Next(), out var course)) return false;
        s.CourseTrueDegrees = course;
        var dateField = f.Next();
        if (!dateField.IsEmpty)
        {
            if (!TryDate(dateField, out var date)) return false;
            s.Date = date;
        }
        if (!TryOptionalDouble(f.Next(), out var variation)) return false;
        var hemisphere = f.Next();
        if (variation is not null && hemisphere.Length == 1 && hemisphere[0] == (byte)'W') variation = -variation;
        s.MagneticVariationDegrees = variation;
        s.ModeIndicator = OptionalChar(f.Next());
        s.NavigationStatus = OptionalChar(f.Next());
        return true;
    }

    // $--GSA,a,x,xx,xx,xx,xx,xx,xx,xx,xx,xx,xx,xx,xx,x.x,x.x,x.x[,h]
    private static bool ParseGsa(ref FieldReader f, ref NmeaSentence s)
    {
        s.SelectionMode = OptionalChar(f.Next());
        var type = f.Next();
        if (!type.IsEmpty)
        {
            if (!TryInt(type, out var t) || t is < 1 or > 3) return false;
            s.FixType = (GsaFixType)t;
        }
        for (var i = 0; i < 12; i++)
        {
            var id = f.Next();
            if (id.IsEmpty) continue;
            if (!TryInt(id, out var prn)) return false;
            s.AddSatelliteId(prn);
        }
        if (!TryOptionalDouble(f.Next(), out var pdop)) return false;
        if (!TryOptionalDouble(f.Next(), out var hdop)) return false;
        if (!TryOptionalDouble(f.Next(), out var vdop)) return false;
        s.Pdop = pdop; s.Hdop = hdop; s.Vdop = vdop;
        // NMEA 4.1 adds a system id here; SiRF receivers put a non-standard decimal (TDOP) instead, which is ignored.
        if (TryOptionalInt(f.Next(), out var system)) s.SystemId = system;
        return true;
    }

    // $--GSV,x,x,xx,xx,xx,xxx,xx,... (up to 4 satellites),h
    private static bool ParseGsv(ref FieldReader f, ref NmeaSentence s)
    {
        if (!TryOptionalInt(f.Next(), out var total)) return false;
        if (!TryOptionalInt(f.Next(), out var number)) return false;
        if (!TryOptionalInt(f.Next(), out var inView)) return false;
        s.TotalMessages = total; s.MessageNumber = number; s.SatellitesInView = inView;
        var remaining = f.RemainingFields;
        var satellites = Math.Min(remaining / 4, 4);
        for (var i = 0; i < satellites; i++)
        {
            var idField = f.Next();
            if (!TryOptionalInt(idField, out var id)) return false;
            if (!TryOptionalInt(f.Next(), out var elevation)) return false;
            if (!TryOptionalInt(f.Next(), out var azimuth)) return false;
            if (!TryOptionalInt(f.Next(), out var snr)) return false;
            if (id is { } prn) s.AddSatellite(new SatelliteInView(prn, elevation, azimuth, snr));
        }
        if (remaining - satellites * 4 == 1)
        {
            if (!TryOptionalInt(f.Next(), out var signal)) return false;
            s.SignalId = signal;
        }
        return true;
    }

    // $--VTG,x.x,T,x.x,M,x.x,N,x.x,K,m
    private static bool ParseVtg(ref FieldReader f, ref NmeaSentence s)
    {
        if (!TryOptionalDouble(f.Next(), out var course)) return false;
        f.Next();
        if (!TryOptionalDouble(f.Next(), out var magnetic)) return false;
        f.Next();
        if (!TryOptionalDouble(f.Next(), out var knots)) return false;
        f.Next();
        if (!TryOptionalDouble(f.Next(), out var kmh)) return false;
        f.Next();
        s.CourseTrueDegrees = course; s.CourseMagneticDegrees = magnetic; s.SpeedKnots = knots; s.SpeedKmh = kmh;
        s.ModeIndicator = OptionalChar(f.Next());
        return true;
    }

    // $--GLL,llll.ll,a,yyyyy.yy,a,hhmmss.ss,A,m
    private static bool ParseGll(ref FieldReader f, ref NmeaSentence s)
    {
        if (!TryPosition(ref f, out var lat, out var lon)) return false;
        s.Latitude = lat; s.Longitude = lon;
        if (!TryTime(f.Next(), out var time)) return false;
        s.Time = time;
        if (!TryStatus(f.Next(), out var status)) return false;
        s.Status = status;
        s.ModeIndicator = OptionalChar(f.Next());
        return true;
    }

    private static bool TryPosition(ref FieldReader f, out double? latitude, out double? longitude)
    {
        latitude = longitude = null;
        var lat = f.Next(); var ns = f.Next(); var lon = f.Next(); var ew = f.Next();
        if (lat.IsEmpty && lon.IsEmpty) return true;
        if (!TryCoordinate(lat, ns, (byte)'N', (byte)'S', 90, out var la)) return false;
        if (!TryCoordinate(lon, ew, (byte)'E', (byte)'W', 180, out var lo)) return false;
        latitude = la; longitude = lo;
        return true;
    }

    // ddmm.mmmm / dddmm.mmmm: degrees are everything before the last two integer digits.
    private static bool TryCoordinate(ReadOnlySpan<byte> value, ReadOnlySpan<byte> hemisphere, byte positive, byte negative, int maxDegrees, out double degrees)
    {
        degrees = 0;
        if (hemisphere.Length != 1 || (hemisphere[0] != positive && hemisphere[0] != negative)) return false;
        if (!TryDouble(value, out var raw) || raw < 0) return false;
        var whole = Math.Floor(raw / 100);
        var minutes = raw - whole * 100;
        if (minutes >= 60) return false;
        degrees = whole + minutes / 60;
        if (degrees > maxDegrees) return false;
        if (hemisphere[0] == negative) degrees = -degrees;
        return true;
    }

    private static bool TryTime(ReadOnlySpan<byte> value, out TimeOnly? time)
    {
        time = null;
        if (value.IsEmpty) return true;
        if (value.Length < 6 || !TwoDigits(value, 0, out var h) || !TwoDigits(value, 2, out var m) || !TwoDigits(value, 4, out var sec)) return false;
        if (h > 23 || m > 59 || sec > 60) return false;
        long ticks = 0;
        if (value.Length > 6)
        {
            if (value[6] != (byte)'.') return false;
            long scale = TimeSpan.TicksPerSecond;
            for (var i = 7; i < value.Length; i++)
            {
                var d = value[i] - (byte)'0';
                if ((uint)d > 9) return false;
                scale /= 10;
                ticks += d * scale;
            }
        }
        // A leap second (60) cannot be a TimeOnly: hold at the last tick of second 59.
        if (sec == 60) { sec = 59; ticks = TimeSpan.TicksPerSecond - 1; }
        time = new TimeOnly(new TimeSpan(0, h, m, sec).Ticks + ticks);
        return true;
    }

    private static bool TryDate(ReadOnlySpan<byte> value, out DateOnly date)
    {
        date = default;
        if (value.Length != 6 || !TwoDigits(value, 0, out var d) || !TwoDigits(value, 2, out var m) || !TwoDigits(value, 4, out var y)) return false;
        // Two-digit years: 80-99 are the 1900s, the rest the 2000s (the window gpsd uses).
        var year = y >= 80 ? 1900 + y : 2000 + y;
        if (m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(year, m)) return false;
        date = new DateOnly(year, m, d);
        return true;
    }

    private static bool TryStatus(ReadOnlySpan<byte> value, out NmeaDataStatus status)
    {
        status = NmeaDataStatus.None;
        if (value.IsEmpty) return true;
        if (value.Length != 1) return false;
        status = value[0] switch { (byte)'A' => NmeaDataStatus.Valid, (byte)'V' => NmeaDataStatus.Invalid, _ => NmeaDataStatus.None };
        return status != NmeaDataStatus.None;
    }

    private static char? OptionalChar(ReadOnlySpan<byte> value) => value.Length == 1 ? (char)value[0] : null;

    private static bool TryOptionalDouble(ReadOnlySpan<byte> value, out double? result)
    {
        result = null;
        if (value.IsEmpty) return true;
        if (!TryDouble(value, out var d)) return false;
        result = d;
        return true;
    }

    private static bool TryOptionalInt(ReadOnlySpan<byte> value, out int? result)
    {
        result = null;
        if (value.IsEmpty) return true;
        if (!TryInt(value, out var i)) return false;
        result = i;
        return true;
    }

    private static bool TryDouble(ReadOnlySpan<byte> value, out double result) =>
        Utf8Parser.TryParse(value, out result, out var consumed) && consumed == value.Length && double.IsFinite(result);

    private static bool TryInt(ReadOnlySpan<byte> value, out int result) =>
        Utf8Parser.TryParse(value, out result, out var consumed) && consumed == value.Length;

    private static bool TwoDigits(ReadOnlySpan<byte> value, int at, out int result)
    {
        var a = value[at] - (byte)'0';
        var b = value[at + 1] - (byte)'0';
        result = a * 10 + b;
        return (uint)a <= 9 && (uint)b <= 9;
    }

    private static bool TryHex(byte c, out int value)
    {
        value = c switch
        {
            >= (byte)'0' and <= (byte)'9' => c - '0',
            >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
            >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
            _ => -1,
        };
        return value >= 0;
    }

    private static bool IsUpper(byte c) => c is >= (byte)'A' and <= (byte)'Z';

    /// <summary>Walks comma-separated fields of a sentence body without allocating.</summary>
    private ref struct FieldReader(ReadOnlySpan<byte> body)
    {
        private ReadOnlySpan<byte> _rest = body;
        private bool _done;

        /// <summary>Index of the field last returned (the address is 0).</summary>
        public int Index { get; private set; } = -1;

        public readonly int RemainingFields => _done ? 0 : System.MemoryExtensions.Count(_rest, (byte)',') + 1;

        public ReadOnlySpan<byte> Next()
        {
            Index++;
            if (_done) return default;
            var comma = _rest.IndexOf((byte)',');
            ReadOnlySpan<byte> field;
            if (comma < 0) { field = _rest; _rest = default; _done = true; }
            else { field = _rest[..comma]; _rest = _rest[(comma + 1)..]; }
            return field;
        }
    }
}
