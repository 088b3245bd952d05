using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GridEdge.Hardware.Nmea;
using GridEdge.Hardware.Simulation;

namespace GridEdge.Hardware.Tests;

public sealed partial class NmeaCaptureTests
{
    private static IEnumerable<NmeaLine> AllLines => Captures.Nmea.SelectMany(g => g.Lines);

    private static NmeaSentence Parse(string text, NmeaParseResult expected = NmeaParseResult.Ok)
    {
        var sentence = new NmeaSentence();
        Assert.Equal(expected, NmeaParser.Parse(Encoding.ASCII.GetBytes(text), ref sentence));
        return sentence;
    }

    public static TheoryData<int> GroupIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Captures.Nmea.Count; i++) data.Add(i);
        return data;
    }

    [Fact]
    public void The_shared_file_holds_175_sentences_38_of_them_with_bad_checksums()
    {
        Assert.Equal(175, AllLines.Count());
        Assert.Equal(38, AllLines.Count(l => l.Expect is not null));
    }

    [Fact]
    public void Every_sentence_verifies_or_fails_its_checksum_exactly_as_the_file_says()
    {
        foreach (var line in AllLines)
        {
            var sentence = new NmeaSentence();
            var result = NmeaParser.Parse(Encoding.ASCII.GetBytes(line.Text), ref sentence);
            if (line.Expect is null)
            {
                Assert.True(result == NmeaParseResult.Ok, $"line {line.LineNumber}: {result} for {line.Text}");
                continue;
            }
            var m = ComputedGiven().Match(line.Expect);
            Assert.True(m.Success, line.Expect);
            Assert.True(result == NmeaParseResult.ChecksumMismatch, $"line {line.LineNumber}: {result} for {line.Text}");
            Assert.Equal(byte.Parse(m.Groups[1].Value, NumberStyles.HexNumber), sentence.ComputedChecksum);
            Assert.Equal(byte.Parse(m.Groups[2].Value, NumberStyles.HexNumber), sentence.StatedChecksum);
        }
    }

    [Theory]
    [MemberData(nameof(GroupIndexes))]
    public void Each_group_decodes_as_its_expect_lines_say(int index)
    {
        var group = Captures.Nmea[index];
        foreach (var expectation in group.Expectations)
        {
            if (expectation.StartsWith("$GNGSA lines end with NMEA 4.1 systemId", StringComparison.Ordinal))
            {
                var ids = group.Lines.Where(l => l.Text.StartsWith("$GNGSA", StringComparison.Ordinal)).Select(l => Parse(l.Text).SystemId).ToList();
                Assert.Equal([1, 4, 2], ids);
                continue;
            }
            var arrow = expectation.IndexOf(" -> ", StringComparison.Ordinal);
            Assert.True(arrow > 0, $"Cannot read expectation '{expectation}'");
            var head = expectation[..arrow].Replace("...", "", StringComparison.Ordinal);
            var line = group.Lines.FirstOrDefault(l => l.Text.StartsWith(head, StringComparison.Ordinal));
            Assert.True(line is not null, $"No sentence starts with '{head}' in {group.Source}");
            var s = Parse(line.Text);
            foreach (var clause in Clauses(expectation[(arrow + 4)..]))
                AssertClause(s, clause, expectation);
        }
    }

    private static void AssertClause(NmeaSentence s, string clause, string expectation)
    {
        var what = $"'{clause}' in '{expectation}'";
        Match m;
        if ((m = Regex.Match(clause, @"^status ([AV])")).Success)
        {
            Assert.Equal(m.Groups[1].Value == "A" ? NmeaDataStatus.Valid : NmeaDataStatus.Invalid, s.Status);
            if (clause.Contains("although lat/lon present", StringComparison.Ordinal))
            {
                Assert.NotNull(s.Latitude);
                Assert.False(s.HasTrustedPosition, what);
            }
        }
        else if ((m = Regex.Match(clause, @"^(lat|lon) (\d+) deg ([\d.]+) ([NSEW])(?: \(([-\d.]+)\))?$")).Success)
        {
            var expected = (int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) + double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) / 60)
                * (m.Groups[4].Value is "S" or "W" ? -1 : 1);
            var actual = m.Groups[1].Value == "lat" ? s.Latitude : s.Longitude;
            Assert.True(actual is { } a && Math.Abs(a - expected) < 1e-9, $"{what}: decoded {actual}");
            if (m.Groups[5].Success) Assert.Equal(double.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture), Math.Round(actual!.Value, 6));
        }
        else if ((m = Regex.Match(clause, @"^(?:speed )?([\d.]+) kn$")).Success)
            Assert.Equal(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), s.SpeedKnots);
        else if (clause == "course empty")
            Assert.Null(s.CourseTrueDegrees);
        else if (clause == "empty course fields")
        {
            Assert.Null(s.CourseTrueDegrees);
            Assert.Null(s.CourseMagneticDegrees);
        }
        else if ((m = Regex.Match(clause, @"^course ([\d.]+)$")).Success)
            Assert.Equal(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), s.CourseTrueDegrees);
        else if ((m = Regex.Match(clause, @"^date (\d{4}-\d{2}-\d{2})$")).Success)
            Assert.Equal(DateOnly.ParseExact(m.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture), s.Date);
        else if ((m = Regex.Match(clause, @"^mode ([A-Z])(?: \(.*\))?$")).Success)
            Assert.Equal(m.Groups[1].Value[0], s.ModeIndicator);
        else if ((m = Regex.Match(clause, @"^navStatus ([A-Z])$")).Success)
            Assert.Equal(m.Groups[1].Value[0], s.NavigationStatus);
        else if ((m = Regex.Match(clause, @"^quality (\d)(?: \(.*\))?$")).Success)
            Assert.Equal((GnssFixQuality)int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), s.FixQuality);
        else if ((m = Regex.Match(clause, @"^sats (\d+)$")).Success)
            Assert.Equal(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), s.SatellitesUsed);
        else if ((m = Regex.Match(clause, @"^HDOP ([\d.]+)$")).Success)
            Assert.Equal(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), s.Hdop);
        else if ((m = Regex.Match(clause, @"^alt ([-\d.]+) M$")).Success)
            Assert.Equal(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), s.AltitudeMeters);
        else if ((m = Regex.Match(clause, @"^(?:geoid )?sep ([-\d.]+) M$")).Success)
            Assert.Equal(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), s.GeoidSeparationMeters);
        else if (clause == "geoid sep EMPTY")
            Assert.Null(s.GeoidSeparationMeters);
        else if (clause == "age empty")
            Assert.Null(s.DifferentialAgeSeconds);
        else if ((m = Regex.Match(clause, @"^age ([\d.]+)$")).Success)
            Assert.Equal(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), s.DifferentialAgeSeconds);
        else if ((m = Regex.Match(clause, @"^station (\d+)$")).Success)
            Assert.Equal(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), s.DifferentialStationId);
        else if (clause == "no fix (quality 0, empty lat/lon)")
        {
            Assert.Equal(GnssFixQuality.Invalid, s.FixQuality);
            Assert.Null(s.Latitude);
            Assert.Null(s.Longitude);
        }
        else if (clause == "no position")
        {
            Assert.Null(s.Latitude);
            Assert.False(s.HasTrustedPosition);
        }
        else if (clause == "all empty")
        {
            Assert.Null(s.CourseTrueDegrees);
            Assert.Null(s.SpeedKnots);
            Assert.Null(s.SpeedKmh);
        }
        else if ((m = Regex.Match(clause, @"^(\d+) BeiDou sats in view$")).Success)
        {
            Assert.Equal(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), s.SatellitesInView);
            Assert.Equal(NmeaTalker.GB, s.Talker);
        }
        else if ((m = Regex.Match(clause, @"^PRN (\d+) elev (\d+) az (\d+) snr (\d+)$")).Success)
        {
            var first = s.GetSatellite(0);
            Assert.Equal(new SatelliteInView(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture)), first);
        }
        else
            Assert.Fail($"No assertion for clause {what}");
    }

    // Splits on ", " and "; " outside parentheses.
    private static IEnumerable<string> Clauses(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (depth == 0 && (text[i] == ',' || text[i] == ';') && i + 1 < text.Length && text[i + 1] == ' ')
            {
                yield return text[start..i].Trim();
                start = i + 2;
            }
        }
        yield return text[start..].Trim();
    }

    [Fact]
    public void Every_talker_in_the_captures_is_recognised()
    {
        var talkers = AllLines.Where(l => l.Expect is null).Select(l => Parse(l.Text).Talker).ToHashSet();
        Assert.Superset(new HashSet<NmeaTalker> { NmeaTalker.GP, NmeaTalker.GN, NmeaTalker.BD, NmeaTalker.GB, NmeaTalker.GL, NmeaTalker.GA, NmeaTalker.Proprietary }, talkers);
        Assert.DoesNotContain(NmeaTalker.Unknown, talkers);
    }

    [Fact]
    public void A_gsv_sentence_carries_up_to_four_satellites_and_the_signal_id()
    {
        var s = Parse("$GPGSV,3,3,12,20,47,263,20,22,78,280,15,24,07,305,,30,57,127,31,0*63");
        Assert.Equal(4, s.SatelliteCount);
        Assert.Equal(new SatelliteInView(24, 7, 305, null), s.GetSatellite(2));
        Assert.Equal(0, s.SignalId);
        var one = Parse("$GPGSV,7,7,25,04,08,012,*41");
        Assert.Equal(new SatelliteInView(4, 8, 12, null), one.GetSatellite(0));
        Assert.Equal(1, one.SatelliteCount);
    }

    [Fact]
    public void Gsa_lists_the_satellites_used_and_the_dops()
    {
        var s = Parse("$GNGSA,A,3,02,07,14,15,17,20,22,30,,,,,1.5,0.9,1.2,1*3C");
        Assert.Equal(GsaFixType.ThreeD, s.FixType);
        Assert.Equal(8, s.SatelliteIdCount);
        Assert.Equal(30, s.GetSatelliteId(7));
        Assert.Equal((1.5, 0.9, 1.2), (s.Pdop, s.Hdop, s.Vdop));
    }

    [Fact]
    public void Parsing_sentences_allocates_nothing_in_steady_state()
    {
        var lines = AllLines.Select(l => Encoding.ASCII.GetBytes(l.Text)).ToArray();
        var sentence = new NmeaSentence();
        foreach (var line in lines) NmeaParser.Parse(line, ref sentence);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
            foreach (var line in lines) NmeaParser.Parse(line, ref sentence);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [GeneratedRegex(@"computed ([0-9A-F]{2}), given ([0-9A-F]{2})")]
    private static partial Regex ComputedGiven();
}

public sealed class GnssReceiverTests
{
    private static byte[] Bytes(IEnumerable<string> lines) => Encoding.ASCII.GetBytes(string.Concat(lines.Select(l => l + "\r\n")));

    private static NmeaGroup Group(string sourceContains) => Captures.Nmea.First(g => g.Source.Contains(sourceContains, StringComparison.Ordinal));

    [Fact]
    public void The_whole_file_streamed_in_odd_chunks_counts_every_sentence_and_checksum_error()
    {
        var all = Captures.Nmea.SelectMany(g => g.Lines).ToList();
        var bytes = Bytes(all.Select(l => l.Text));
        var receiver = new GnssReceiver(null, new ManualTimeProvider());
        for (var at = 0; at < bytes.Length; at += 37) receiver.Process(bytes.AsSpan(at, Math.Min(37, bytes.Length - at)));

        var c = receiver.Counters;
        Assert.Equal(175, c.Lines);
        Assert.Equal(137, c.Sentences);
        Assert.Equal(38, c.ChecksumErrors);
        Assert.Equal(0, c.Malformed);
    }

    [Fact]
    public void A_position_repeated_after_the_fix_is_lost_is_not_trusted_and_the_last_fix_is_kept()
    {
        var receiver = new GnssReceiver(null, new ManualTimeProvider());
        var fixes = new List<GnssFix>();
        receiver.FixUpdated += fixes.Add;
        receiver.Process(Bytes(Captures.Nmea.Where(g => g.Source.Contains("unicore-um621.log", StringComparison.Ordinal)).SelectMany(g => g.Lines).Select(l => l.Text)));

        Assert.Contains(fixes, f => f.PositionTrusted && f.FixQuality == GnssFixQuality.Gps && f.SatellitesUsed == 29);
        var now = receiver.Fix;
        Assert.False(now.PositionTrusted);
        Assert.Equal(GnssFixQuality.Invalid, now.FixQuality);
        Assert.Equal(0, now.SatellitesUsed);
        Assert.Equal(44 + 4.12994 / 60, now.Latitude!.Value, 9);   // the last trusted fix, not the stale 4404.12938
        Assert.Equal(-(121 + 18.84613 / 60), now.Longitude!.Value, 9);
        Assert.Equal(1109.2, now.AltitudeMeters);
    }

    [Fact]
    public void Rmc_gives_utc_time_valid_only_with_status_A()
    {
        var time = new ManualTimeProvider();
        var receiver = new GnssReceiver(null, time);
        var times = new List<GnssTime>();
        receiver.TimeReceived += times.Add;

        receiver.ProcessLine("$GNRMC,074150.799,V,,,,,,,250215,,,N*52"u8);
        receiver.ProcessLine("$GNRMC,055234.000,A,4739.71890,N,12219.58362,W,0.00,286.35,050826,,,A,V*13"u8);

        Assert.Equal(2, times.Count);
        Assert.False(times[0].IsValid);
        Assert.Equal(new DateTimeOffset(2015, 2, 25, 7, 41, 50, 799, TimeSpan.Zero), times[0].Utc);
        Assert.True(times[1].IsValid);
        Assert.Equal(new DateTimeOffset(2026, 8, 5, 5, 52, 34, TimeSpan.Zero), times[1].Utc);
        Assert.Equal(time.GetUtcNow(), times[1].ReceivedAt);
        Assert.True(receiver.TryGetTime(out var last) && last == times[1]);
    }

    [Fact]
    public void A_gga_with_a_bad_checksum_does_not_touch_the_fix()
    {
        var receiver = new GnssReceiver(null, new ManualTimeProvider());
        receiver.Process(Bytes(Group("firefly-II.log").Lines.Select(l => l.Text)));
        receiver.Process(Bytes(Captures.Nmea.Where(g => g.Source.Contains("firefly-II.log", StringComparison.Ordinal)).Skip(1).SelectMany(g => g.Lines).Select(l => l.Text)));
        Assert.True(receiver.Fix.PositionTrusted);
        Assert.Null(receiver.Fix.SatellitesUsed);
        Assert.Equal(3, receiver.Counters.ChecksumErrors);
    }

    [Fact]
    public void A_silent_receiver_is_a_no_data_fault_and_garbage_is_a_bad_frames_fault()
    {
        var time = new ManualTimeProvider();
        var receiver = new GnssReceiver(new GnssReceiverOptions { NoSentenceTimeout = TimeSpan.FromSeconds(5), MaxConsecutiveBadSentences = 3 }, time);
        receiver.ProcessLine("$GPZDA,005947.00,08,07,2010,+00,00*4E"u8);
        Assert.Equal(SensorHealth.Ok, receiver.EvaluateHealth().Health);
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(SensorHealth.NoData, receiver.EvaluateHealth().Health);

        // 9600-baud receiver read at 4800: bytes arrive but no line checks out.
        receiver.Process("\u00f0\u00e0x\r\n$GPxx*00\r\nnoise\r\n"u8);
        Assert.Equal(SensorHealth.BadFrames, receiver.Status.Health);
    }

    [Fact]
    public async Task The_simulated_receiver_round_trips_position_and_time_through_RunAsync()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 30, 15, TimeSpan.Zero));
        var stream = new SimulatedGnssStream(31.24795, 121.587438, 12, time);
        var receiver = new GnssReceiver(stream, null, time);
        var times = new List<GnssTime>();
        receiver.TimeReceived += t => { lock (times) times.Add(t); };
        using var cts = new CancellationTokenSource();
        var run = receiver.RunAsync(cts.Token);

        await Eventually.True(() => time.ActiveTimers >= 2, "the simulated receiver waits for its next second");
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.True(() => receiver.Fix.AltitudeMeters is not null, "a GGA");

        var fix = receiver.Fix;
        Assert.True(fix.PositionTrusted);
        Assert.Equal(31.24795, fix.Latitude!.Value, 6);
        Assert.Equal(121.587438, fix.Longitude!.Value, 6);
        lock (times) Assert.Equal(new DateTimeOffset(2025, 6, 1, 12, 30, 16, TimeSpan.Zero), Assert.Single(times).Utc);

        stream.HasFix = false;
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.True(() => !receiver.Fix.PositionTrusted, "the fix lost");
        lock (times) Assert.False(times[^1].IsValid);
        Assert.Equal(0, receiver.Counters.ChecksumErrors);
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public void Lines_are_split_across_chunks_and_overlong_lines_are_refused()
    {
        var splitter = new NmeaLineSplitter(16);
        ReadOnlySpan<byte> a = "$GPA*00\r\n$GP"u8;
        Assert.True(splitter.TryReadLine(ref a, out var first, out var tooLong));
        Assert.Equal("$GPA*00", Encoding.ASCII.GetString(first));
        Assert.False(tooLong);
        Assert.False(splitter.TryReadLine(ref a, out _, out _));
        ReadOnlySpan<byte> b = "B*01\n0123456789ABCDEFGHIJ\nX"u8;
        Assert.True(splitter.TryReadLine(ref b, out var second, out _));
        Assert.Equal("$GPB*01", Encoding.ASCII.GetString(second));
        Assert.True(splitter.TryReadLine(ref b, out _, out tooLong));
        Assert.True(tooLong);
        Assert.False(splitter.TryReadLine(ref b, out _, out _));
        Assert.True(splitter.TryFlush(out var rest, out _));
        Assert.Equal("X", Encoding.ASCII.GetString(rest));
    }

    [Fact]
    public void Sentences_written_by_the_simulator_parse_with_valid_checksums()
    {
        var utc = new DateTimeOffset(2025, 12, 31, 23, 59, 59, 500, TimeSpan.Zero);
        var sentence = new NmeaSentence();
        Assert.Equal(NmeaParseResult.Ok, NmeaParser.Parse(Encoding.ASCII.GetBytes(NmeaSentenceWriter.Rmc(utc, -33.8688, 151.2093, true)), ref sentence));
        Assert.Equal(-33.8688, sentence.Latitude!.Value, 6);
        Assert.Equal(new DateOnly(2025, 12, 31), sentence.Date);
        Assert.Equal(new TimeOnly(23, 59, 59, 500), sentence.Time);
        Assert.Equal(NmeaParseResult.Ok, NmeaParser.Parse(Encoding.ASCII.GetBytes(NmeaSentenceWriter.Gga(utc, 51.5, -0.12, false, 0, 99.99, 0)), ref sentence));
        Assert.Equal(GnssFixQuality.Invalid, sentence.FixQuality);
        Assert.False(sentence.HasTrustedPosition);
    }
}
