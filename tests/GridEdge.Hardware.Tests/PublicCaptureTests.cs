using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using GridEdge.Hardware.Nmea;
using GridEdge.Hardware.Pms5003;

namespace GridEdge.Hardware.Tests;

/// <summary>One sentence of Captures/nmea_public_captures.txt with the "# expect:" line right above it.</summary>
internal sealed record PublicNmeaCapture(int Line, string Source, string Expect, string Text)
{
    public override string ToString() => $"line {Line}: {Text}";
}

/// <summary>One frame of Captures/pms_public_captures.txt with the "# expect:" line right above it.</summary>
internal sealed record PublicPmsCapture(int Line, string Source, string Expect, string Hex)
{
    public override string ToString() => $"line {Line}: {Expect}";
}

/// <summary>
/// Real captures from public repositories (see Captures/README.md), asserted line by line through the real parsers.
/// </summary>
public sealed partial class PublicCaptureTests
{
    private static readonly string CaptureDirectory = FindCaptures();

    private static string FindCaptures([CallerFilePath] string thisFile = "") => Path.Combine(Path.GetDirectoryName(thisFile)!, "Captures");

    private static List<(int Line, string Source, string Expect, string Data)> Load(string file)
    {
        var result = new List<(int, string, string, string)>();
        string source = "", expect = "";
        var lines = File.ReadAllLines(Path.Combine(CaptureDirectory, file));
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith("# source:", StringComparison.Ordinal)) { source = line[9..].Trim(); continue; }
            if (line.StartsWith("# expect:", StringComparison.Ordinal)) { expect = line[9..].Trim(); continue; }
            if (line.StartsWith('#')) continue;
            result.Add((i + 1, source, expect, line));
            expect = "";
        }
        return result;
    }

    private static IReadOnlyList<PublicNmeaCapture> Nmea { get; } =
        [.. Load("nmea_public_captures.txt").Select(c => new PublicNmeaCapture(c.Line, c.Source, c.Expect, c.Data))];

    private static IReadOnlyList<PublicPmsCapture> Pms { get; } =
        [.. Load("pms_public_captures.txt").Select(c => new PublicPmsCapture(c.Line, c.Source, c.Expect, c.Data))];

    public static TheoryData<int> NmeaIndexes() => [.. Enumerable.Range(0, Nmea.Count)];

    public static TheoryData<int> PmsIndexes() => [.. Enumerable.Range(0, Pms.Count)];

    [Fact]
    public void The_nmea_file_holds_99_sentences_from_three_repositories_each_with_an_expectation()
    {
        Assert.Equal(99, Nmea.Count);
        Assert.All(Nmea, c => Assert.NotEqual("", c.Expect));
        Assert.All(Nmea, c => Assert.NotEqual("", c.Source));
        var repositories = Nmea.Select(c => c.Source.Split(' ')[0]).ToHashSet();
        Assert.Equal(new HashSet<string> { "semuconsulting/pynmeagps", "AeroRust/nmea", "microsoft/IoT-For-Beginners" }, repositories);
        Assert.Single(Nmea, c => c.Expect.StartsWith("bad checksum", StringComparison.Ordinal));
    }

    [Fact]
    public void The_public_captures_cover_beidou_and_the_other_constellations()
    {
        var talkers = Nmea.Where(c => c.Expect.StartsWith("checksum ok", StringComparison.Ordinal))
            .Select(c => Parse(c.Text).Talker).ToHashSet();
        Assert.Superset(new HashSet<NmeaTalker> { NmeaTalker.GP, NmeaTalker.GN, NmeaTalker.GL, NmeaTalker.GA, NmeaTalker.GB, NmeaTalker.BD, NmeaTalker.Proprietary }, talkers);
        Assert.DoesNotContain(NmeaTalker.Unknown, talkers);
    }

    [Theory]
    [MemberData(nameof(NmeaIndexes))]
    public void Each_public_sentence_parses_as_its_expect_line_says(int index)
    {
        var capture = Nmea[index];
        var sentence = new NmeaSentence();
        var result = NmeaParser.Parse(Encoding.ASCII.GetBytes(capture.Text), ref sentence);

        var bad = BadChecksum().Match(capture.Expect);
        if (bad.Success)
        {
            Assert.Equal(NmeaParseResult.ChecksumMismatch, result);
            Assert.Equal(byte.Parse(bad.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), sentence.ComputedChecksum);
            Assert.Equal(byte.Parse(bad.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), sentence.StatedChecksum);
            return;
        }

        Assert.True(result == NmeaParseResult.Ok, $"{capture}: {result} (error field {sentence.ErrorField})");
        foreach (var clause in capture.Expect.Split("; "))
            AssertClause(sentence, clause, capture);
    }

    private static NmeaSentence Parse(string text)
    {
        var sentence = new NmeaSentence();
        Assert.Equal(NmeaParseResult.Ok, NmeaParser.Parse(Encoding.ASCII.GetBytes(text), ref sentence));
        return sentence;
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static int I(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    private static void AssertClause(NmeaSentence s, string clause, PublicNmeaCapture capture)
    {
        var what = $"'{clause}' for {capture}";
        Match m;
        if ((m = ChecksumOk().Match(clause)).Success)
            Assert.Equal(byte.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), s.ComputedChecksum);
        else if (clause == "proprietary")
        {
            Assert.Equal(NmeaTalker.Proprietary, s.Talker);
            Assert.Equal(NmeaSentenceType.Other, s.Type);
        }
        else if ((m = Regex.Match(clause, @"^talker ([A-Z]{2})$")).Success)
            Assert.True(s.Talker == Enum.Parse<NmeaTalker>(m.Groups[1].Value), $"{what}: talker {s.Talker}");
        else if ((m = Regex.Match(clause, @"^type (\w+)$")).Success)
            Assert.True(s.Type == Enum.Parse<NmeaSentenceType>(m.Groups[1].Value), $"{what}: type {s.Type}");
        else if (clause == "time empty")
            Assert.Null(s.Time);
        else if ((m = Regex.Match(clause, @"^time (\d\d):(\d\d):(\d\d(?:\.\d+)?)$")).Success)
        {
            var expected = new TimeOnly(I(m.Groups[1].Value), I(m.Groups[2].Value)).Add(TimeSpan.FromTicks((long)Math.Round(D(m.Groups[3].Value) * TimeSpan.TicksPerSecond)));
            Assert.True(s.Time == expected, $"{what}: time {s.Time}");
        }
        else if ((m = Regex.Match(clause, @"^status ([AV])$")).Success)
            Assert.Equal(m.Groups[1].Value == "A" ? NmeaDataStatus.Valid : NmeaDataStatus.Invalid, s.Status);
        else if ((m = Regex.Match(clause, @"^(lat|lon) (\d+)(\d\d\.\d+) ([NSEW]) = (-?[\d.]+)$")).Success)
        {
            var sign = m.Groups[4].Value is "S" or "W" ? -1 : 1;
            var fromRaw = sign * (I(m.Groups[2].Value) + D(m.Groups[3].Value) / 60);
            var actual = m.Groups[1].Value == "lat" ? s.Latitude : s.Longitude;
            Assert.True(actual is { } a && Math.Abs(a - fromRaw) < 1e-9 && Math.Abs(a - D(m.Groups[5].Value)) < 1e-7, $"{what}: decoded {actual}");
        }
        else if (clause == "no position")
        {
            Assert.Null(s.Latitude);
            Assert.Null(s.Longitude);
            Assert.False(s.HasTrustedPosition, what);
        }
        else if ((m = Regex.Match(clause, @"^quality (\d)$")).Success)
        {
            Assert.Equal((GnssFixQuality)I(m.Groups[1].Value), s.FixQuality);
            if (s.Latitude is not null) Assert.Equal(m.Groups[1].Value != "0", s.HasTrustedPosition);
        }
        else if (clause == "sats empty")
            Assert.Null(s.SatellitesUsed);
        else if ((m = Regex.Match(clause, @"^sats (\d+)$")).Success)
            Assert.Equal(I(m.Groups[1].Value), s.SatellitesUsed);
        else if ((m = Regex.Match(clause, @"^(HDOP|PDOP) empty$")).Success)
            Assert.Null(m.Groups[1].Value == "HDOP" ? s.Hdop : s.Pdop);
        else if ((m = Regex.Match(clause, @"^(HDOP|PDOP) ([\d.]+)$")).Success)
            Assert.Equal(D(m.Groups[2].Value), m.Groups[1].Value == "HDOP" ? s.Hdop : s.Pdop);
        else if (clause == "alt empty")
            Assert.Null(s.AltitudeMeters);
        else if ((m = Regex.Match(clause, @"^alt (-?[\d.]+) M$")).Success)
            Assert.Equal(D(m.Groups[1].Value), s.AltitudeMeters);
        else if (clause == "date empty")
            Assert.Null(s.Date);
        else if ((m = Regex.Match(clause, @"^date (\d{4}-\d\d-\d\d)$")).Success)
            Assert.Equal(DateOnly.ParseExact(m.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture), s.Date);
        else if (clause == "speed empty kn" || clause == "speed empty")
            Assert.Null(s.SpeedKnots);
        else if ((m = Regex.Match(clause, @"^speed ([\d.]+) kn$")).Success)
            Assert.Equal(D(m.Groups[1].Value), s.SpeedKnots);
        else if ((m = Regex.Match(clause, @"^speed ([\d.]+) km/h$")).Success)
            Assert.Equal(D(m.Groups[1].Value), s.SpeedKmh);
        else if (clause == "course empty")
            Assert.Null(s.CourseTrueDegrees);
        else if ((m = Regex.Match(clause, @"^course ([\d.]+)$")).Success)
            Assert.Equal(D(m.Groups[1].Value), s.CourseTrueDegrees);
        else if ((m = Regex.Match(clause, @"^mode ([A-Z])$")).Success)
            Assert.Equal(m.Groups[1].Value[0], s.ModeIndicator);
        else if ((m = Regex.Match(clause, @"^navStatus ([A-Z])$")).Success)
            Assert.Equal(m.Groups[1].Value[0], s.NavigationStatus);
        else if ((m = Regex.Match(clause, @"^fix type ([123])$")).Success)
            Assert.Equal((GsaFixType)I(m.Groups[1].Value), s.FixType);
        else if ((m = Regex.Match(clause, @"^used (\d+)$")).Success)
            Assert.Equal(I(m.Groups[1].Value), s.SatelliteIdCount);
        else if (clause == "system id empty")
            Assert.Null(s.SystemId);
        else if ((m = Regex.Match(clause, @"^system id (\d+)$")).Success)
            Assert.Equal(I(m.Groups[1].Value), s.SystemId);
        else if ((m = Regex.Match(clause, @"^gsv (\d+) of (\d+), (\d+) in view, (\d) listed$")).Success)
        {
            Assert.Equal(I(m.Groups[1].Value), s.MessageNumber);
            Assert.Equal(I(m.Groups[2].Value), s.TotalMessages);
            Assert.Equal(I(m.Groups[3].Value), s.SatellitesInView);
            Assert.Equal(I(m.Groups[4].Value), s.SatelliteCount);
        }
        else if ((m = Regex.Match(clause, @"^signal id (\d+)$")).Success)
            Assert.Equal(I(m.Groups[1].Value), s.SignalId);
        else if ((m = Regex.Match(clause, @"^first sat (\d+) elev (\d+|-) az (\d+|-) snr (\d+|-)$")).Success)
        {
            int? Opt(Group g) => g.Value == "-" ? null : I(g.Value);
            Assert.Equal(new SatelliteInView(I(m.Groups[1].Value), Opt(m.Groups[2]), Opt(m.Groups[3]), Opt(m.Groups[4])), s.GetSatellite(0));
        }
        else
            Assert.Fail($"No assertion for clause {what}");
    }

    [Fact]
    public void The_pms_file_holds_one_real_frame_from_outside_pypms()
    {
        Assert.Single(Pms);
        Assert.All(Pms, c => Assert.StartsWith("luhuadong/rtt-pmsxx", c.Source, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(PmsIndexes))]
    public void Each_public_frame_decodes_as_its_expect_line_says(int index)
    {
        var capture = Pms[index];
        var parser = new PmsFrameParser(PmsModel.Detect);
        ReadOnlySpan<byte> input = Convert.FromHexString(capture.Hex);
        var result = parser.Parse(ref input, out var frame);

        var ok = ChecksumOk().Match(capture.Expect);
        Assert.True(ok.Success, $"Cannot read expectation '{capture.Expect}'");
        Assert.Equal(PmsParseResult.Frame, result);
        Assert.Equal(0, parser.SkippedBytes);
        Assert.True(input.IsEmpty);
        Assert.Equal(ushort.Parse(ok.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), frame.Checksum);
        Assert.Equal(PmsFrameLayout.Standard, frame.Layout);
        Assert.True(frame.IsPlausible);
        Assert.False(frame.IsWarmingUp);

        var keys = 0;
        foreach (Match m in PmsKeyValue().Matches(capture.Expect))
        {
            var key = m.Groups[1].Value;
            var value = m.Groups[2].Value;
            int? actual = key switch
            {
                "PM1.0_cf1" => frame.Pm1_0Cf1, "PM2.5_cf1" => frame.Pm2_5Cf1, "PM10_cf1" => frame.Pm10Cf1,
                "PM1.0_atm" => frame.Pm1_0Atmospheric, "PM2.5_atm" => frame.Pm2_5Atmospheric, "PM10_atm" => frame.Pm10Atmospheric,
                "n0.3" => frame.Particles0_3um, "n0.5" => frame.Particles0_5um, "n1.0" => frame.Particles1_0um,
                "n2.5" => frame.Particles2_5um, "n5.0" => frame.Particles5_0um, "n10" => frame.Particles10um,
                "version" => frame.Version, "error" => frame.ErrorCode,
                _ => throw new InvalidOperationException($"Unknown key {key} in '{capture.Expect}'"),
            };
            var expected = value.StartsWith("0x", StringComparison.Ordinal)
                ? int.Parse(value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                : I(value);
            Assert.True(actual == expected, $"{key}: expected {expected}, decoded {actual} ({capture})");
            keys++;
        }
        Assert.Equal(14, keys);
    }

    [GeneratedRegex(@"^checksum ok \(0x([0-9A-F]+)\)")]
    private static partial Regex ChecksumOk();

    [GeneratedRegex(@"^bad checksum \(computed 0x([0-9A-F]{2}), stated 0x([0-9A-F]{2})\)$")]
    private static partial Regex BadChecksum();

    [GeneratedRegex(@"([\w.]+)=(0x[0-9A-Fa-f]+|\d+)")]
    private static partial Regex PmsKeyValue();
}
