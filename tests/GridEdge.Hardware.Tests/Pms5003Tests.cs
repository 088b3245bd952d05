using System.Globalization;
using System.Text.RegularExpressions;
using GridEdge.Hardware.Pms5003;
using GridEdge.Hardware.Simulation;

namespace GridEdge.Hardware.Tests;

public sealed partial class Pms5003CaptureTests
{
    public static TheoryData<int> CaptureIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Captures.Pms.Count; i++) data.Add(i);
        return data;
    }

    [Fact]
    public void The_shared_capture_file_holds_every_kind_of_frame()
    {
        Assert.Equal(35, Captures.Pms.Count);
        Assert.All(Captures.Pms, c => Assert.NotEqual("", c.Expect));
    }

    [Theory]
    [MemberData(nameof(CaptureIndexes))]
    public void Each_captured_frame_decodes_or_is_rejected_as_its_expect_line_says(int index)
    {
        var capture = Captures.Pms[index];
        var expect = capture.Expect;

        if (expect.StartsWith("command ", StringComparison.Ordinal))
        {
            AssertCommand(capture);
            return;
        }

        var parser = new PmsFrameParser(PmsModel.Detect);
        ReadOnlySpan<byte> input = capture.Bytes;
        var result = parser.Parse(ref input, out var frame);

        if (expect.StartsWith("checksum ok", StringComparison.Ordinal))
        {
            Assert.Equal(PmsParseResult.Frame, result);
            Assert.Equal(0, parser.SkippedBytes);
            Assert.Equal(ushort.Parse(ChecksumOk().Match(expect).Groups[1].Value, NumberStyles.HexNumber), frame.Checksum);
            if (expect.Contains("every data word is 0", StringComparison.Ordinal))
            {
                Assert.True(frame.IsWarmingUp);
                return;
            }
            if (expect.Contains("inconsistent obs", StringComparison.Ordinal))
            {
                Assert.False(frame.IsPlausible);
                Assert.Equal(10, frame.Pm2_5Cf1);
                Assert.Equal(32, frame.Pm10Cf1);
                return;
            }
            Assert.True(frame.IsPlausible);
            Assert.False(frame.IsWarmingUp);
            var t = expect.Contains("PMS5003T layout", StringComparison.Ordinal);
            Assert.Equal(t ? PmsFrameLayout.Pms5003T : PmsFrameLayout.Standard, frame.Layout);
            var checkedKeys = 0;
            foreach (Match m in KeyValue().Matches(expect))
            {
                var key = m.Groups[1].Value;
                var value = m.Groups[2].Value;
                double? actual = key switch
                {
                    "PM1.0_cf1" => frame.Pm1_0Cf1, "PM2.5_cf1" => frame.Pm2_5Cf1, "PM10_cf1" => frame.Pm10Cf1,
                    "PM1.0_atm" => frame.Pm1_0Atmospheric, "PM2.5_atm" => frame.Pm2_5Atmospheric, "PM10_atm" => frame.Pm10Atmospheric,
                    "n0.3" => frame.Particles0_3um, "n0.5" => frame.Particles0_5um, "n1.0" => frame.Particles1_0um,
                    "n2.5" => frame.Particles2_5um, "n5.0" => frame.Particles5_0um, "n10" => frame.Particles10um,
                    "version" => frame.Version, "error" => frame.ErrorCode,
                    "temp" => frame.TemperatureCelsius, "rh" => frame.RelativeHumidity,
                    _ => throw new InvalidOperationException($"Unknown key {key} in '{expect}'"),
                };
                var expected = value.StartsWith("0x", StringComparison.Ordinal)
                    ? int.Parse(value[2..], NumberStyles.HexNumber)
                    : double.Parse(value.TrimEnd('C', '%'), CultureInfo.InvariantCulture);
                Assert.True(actual is { } a && Math.Abs(a - expected) < 1e-9, $"{key}: expected {expected}, decoded {actual} ({capture})");
                checkedKeys++;
            }
            Assert.True(checkedKeys >= (t ? 12 : 14), $"only {checkedKeys} values checked in '{expect}'");

            // The explicit model gives the same values as detection.
            var explicitParser = new PmsFrameParser(t ? PmsModel.Pms5003T : PmsModel.Pms5003);
            ReadOnlySpan<byte> again = capture.Bytes;
            Assert.Equal(PmsParseResult.Frame, explicitParser.Parse(ref again, out var explicitFrame));
            Assert.Equal(frame, explicitFrame);
            return;
        }

        if (expect.StartsWith("invalid checksum", StringComparison.Ordinal))
        {
            Assert.Equal(PmsParseResult.ChecksumMismatch, result);
            var m = SaysComputed().Match(expect);
            if (m.Success)
            {
                Assert.Equal(ushort.Parse(m.Groups[1].Value, NumberStyles.HexNumber), parser.StatedChecksum);
                Assert.Equal(ushort.Parse(m.Groups[2].Value, NumberStyles.HexNumber), parser.ComputedChecksum);
            }
            else
            {
                var swapped = Swapped().Match(expect);
                Assert.True(swapped.Success, $"no checksum values in '{expect}'");
                Assert.Equal(ushort.Parse(swapped.Groups[1].Value + swapped.Groups[2].Value, NumberStyles.HexNumber), parser.StatedChecksum);
                Assert.Equal(ushort.Parse(swapped.Groups[3].Value + swapped.Groups[4].Value, NumberStyles.HexNumber), parser.ComputedChecksum);
            }
            Assert.Equal(0, parser.EventOffset);
            return;
        }
        if (expect.StartsWith("invalid header: frame length field 0x0000", StringComparison.Ordinal))
        {
            Assert.Equal(PmsParseResult.BadLength, result);
            Assert.Equal(0, parser.LengthField);
            Assert.Equal(PmsParseResult.NeedMoreData, parser.Parse(ref input, out _));
            Assert.Equal(PmsParseResult.Skipped, parser.Flush());
            // The length field's two bytes and the 28 that followed were no frame.
            Assert.Equal(30, parser.SkippedBytes);
            return;
        }
        if (expect.StartsWith("invalid: truncated", StringComparison.Ordinal))
        {
            Assert.Equal(PmsParseResult.NeedMoreData, result);
            Assert.Equal(PmsParseResult.Truncated, parser.Flush());
            Assert.Equal(capture.Bytes.Length, parser.EventLength);
            Assert.Equal(0, parser.EventOffset);
            return;
        }
        if (expect.StartsWith("invalid: start bytes swapped", StringComparison.Ordinal))
        {
            Assert.Equal(PmsParseResult.NeedMoreData, result);
            Assert.Equal(PmsParseResult.Skipped, parser.Flush());
            Assert.Equal(32, parser.SkippedBytes);
            Assert.Equal(0, parser.Counters.Frames);
            return;
        }
        Assert.Fail($"No assertion for expectation '{expect}' ({capture})");
    }

    private static void AssertCommand(PmsCapture capture)
    {
        Assert.Contains("checksum ok", capture.Expect);
        var name = capture.Expect["command ".Length..].Split(' ', ';')[0];
        var (command, data) = name switch
        {
            "passive_mode" => (PmsCommand.ChangeMode, (ushort)0),
            "active_mode" => (PmsCommand.ChangeMode, (ushort)1),
            "passive_read" => (PmsCommand.ReadPassive, (ushort)0),
            "sleep" => (PmsCommand.SleepWake, (ushort)0),
            "wake" => (PmsCommand.SleepWake, (ushort)1),
            _ => throw new InvalidOperationException($"Unknown command {name}"),
        };
        var written = new byte[PmsProtocol.CommandLength];
        PmsProtocol.WriteCommand(written, command, data);
        Assert.Equal(capture.Bytes, written);
        Assert.True(PmsProtocol.TryReadCommand(capture.Bytes, out var readCommand, out var readData));
        Assert.Equal((command, data), (readCommand, readData));
    }

    [GeneratedRegex(@"checksum ok \(0x([0-9A-Fa-f]{4})\)")]
    private static partial Regex ChecksumOk();

    [GeneratedRegex(@"([A-Za-z]+[0-9.]*(?:_cf1|_atm)?|n[0-9.]+)=(0x[0-9A-Fa-f]+|-?[0-9.]+C?%?)")]
    private static partial Regex KeyValue();

    [GeneratedRegex(@"little-endian ([0-9A-F]{2}) ([0-9A-F]{2}) instead of big-endian ([0-9A-F]{2}) ([0-9A-F]{2})")]
    private static partial Regex Swapped();

    [GeneratedRegex(@"frame says 0x([0-9A-Fa-f]{4}), computed 0x([0-9A-Fa-f]{4})")]
    private static partial Regex SaysComputed();
}

public sealed class Pms5003StreamTests
{
    private static readonly byte[] Good1 = Captures.Pms[0].Bytes;
    private static readonly byte[] Good2 = Captures.Pms[20].Bytes;

    private static (List<PmsFrame> Frames, List<PmsParseResult> Events, PmsFrameParser Parser) Run(byte[] bytes, int chunk, PmsModel model = PmsModel.Detect)
    {
        var parser = new PmsFrameParser(model);
        var frames = new List<PmsFrame>();
        var events = new List<PmsParseResult>();
        for (var at = 0; at < bytes.Length; at += chunk)
        {
            ReadOnlySpan<byte> input = bytes.AsSpan(at, Math.Min(chunk, bytes.Length - at));
            PmsParseResult r;
            while ((r = parser.Parse(ref input, out var frame)) != PmsParseResult.NeedMoreData)
            {
                events.Add(r);
                if (r == PmsParseResult.Frame) frames.Add(frame);
            }
        }
        var last = parser.Flush();
        if (last != PmsParseResult.NeedMoreData) events.Add(last);
        return (frames, events, parser);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(32)]
    [InlineData(100)]
    [InlineData(100_000)]
    public void The_whole_capture_file_as_one_stream_yields_every_good_frame_in_order_whatever_the_chunking(int chunk)
    {
        var stream = Captures.Pms.SelectMany(c => c.Bytes).ToArray();
        var expected = Captures.Pms.Where(c => c.Expect.StartsWith("checksum ok", StringComparison.Ordinal)).Select(c => c.Bytes).ToList();

        var (frames, events, parser) = Run(stream, chunk);

        Assert.Equal(expected.Count, frames.Count);
        for (var i = 0; i < expected.Count; i++)
            Assert.Equal(PmsFrame.Decode(expected[i], PmsModel.Detect), frames[i]);
        Assert.Contains(PmsParseResult.ChecksumMismatch, events);
        Assert.Contains(PmsParseResult.TornFrame, events);
        Assert.Contains(PmsParseResult.BadLength, events);
        Assert.Equal(stream.Length, parser.Counters.BytesRead);
    }

    [Fact]
    public void Noise_between_frames_is_skipped_and_counted()
    {
        var random = new Random(7);
        var stream = new List<byte>();
        var noise = 0;
        for (var i = 0; i < 50; i++)
        {
            var n = random.Next(0, 20);
            for (var j = 0; j < n; j++) stream.Add((byte)random.Next(0x43, 256));
            noise += n;
            stream.AddRange(i % 2 == 0 ? Good1 : Good2);
        }

        var (frames, _, parser) = Run([.. stream], 13);

        Assert.Equal(50, frames.Count);
        Assert.Equal(noise, parser.Counters.BytesSkipped);
        Assert.Equal(0, parser.Counters.ChecksumErrors);
    }

    [Fact]
    public void Noise_full_of_start_bytes_does_not_hide_the_frames_after_it()
    {
        byte[] noise = [0x42, 0x42, 0x4D, 0x42, 0x00, 0x4D, 0x42, 0x4D, 0x00, 0x05, 0x42];
        var stream = noise.Concat(Good1).Concat(noise).Concat(Good2).Concat(new byte[] { 0x42, 0x4D, 0x00 }).ToArray();

        var (frames, events, _) = Run(stream, 5);

        Assert.Equal(2, frames.Count);
        Assert.Equal(PmsParseResult.Truncated, events[^1]);
    }

    [Fact]
    public void A_torn_frame_is_reported_with_its_length_and_the_frame_inside_it_is_kept()
    {
        var stream = Good1[..20].Concat(Good2).ToArray();
        var parser = new PmsFrameParser(PmsModel.Detect);
        ReadOnlySpan<byte> input = stream;

        Assert.Equal(PmsParseResult.TornFrame, parser.Parse(ref input, out _));
        Assert.Equal(0, parser.EventOffset);
        Assert.Equal(20, parser.EventLength);
        Assert.Equal(PmsParseResult.Frame, parser.Parse(ref input, out var frame));
        Assert.Equal(20, parser.EventOffset);
        Assert.Equal(PmsFrame.Decode(Good2, PmsModel.Detect), frame);
    }

    [Fact]
    public void A_corrupted_byte_costs_exactly_one_frame()
    {
        var bad = (byte[])Good1.Clone();
        bad[12] ^= 0x10;
        var stream = Good1.Concat(bad).Concat(Good1).ToArray();

        var (frames, events, parser) = Run(stream, 32);

        Assert.Equal(2, frames.Count);
        Assert.Equal([PmsParseResult.Frame, PmsParseResult.ChecksumMismatch, PmsParseResult.Frame], events);
        Assert.Equal(1, parser.Counters.ChecksumErrors);
        Assert.Equal(0, parser.Counters.BytesSkipped);
    }

    [Fact]
    public void The_sensor_acknowledgement_of_a_mode_change_is_recognised()
    {
        byte[] ack = [0x42, 0x4D, 0x00, 0x04, 0xE1, 0x00, 0x01, 0x74];
        var parser = new PmsFrameParser();
        ReadOnlySpan<byte> input = ack.Concat(Good1).ToArray();

        Assert.Equal(PmsParseResult.Acknowledgement, parser.Parse(ref input, out _));
        Assert.Equal(PmsCommand.ChangeMode, parser.AcknowledgedCommand);
        Assert.Equal(PmsParseResult.Frame, parser.Parse(ref input, out _));
    }

    [Fact]
    public void Parsing_frames_allocates_nothing_in_steady_state()
    {
        var stream = Enumerable.Range(0, 100).SelectMany(i => i % 2 == 0 ? Good1 : Good2).ToArray();
        var parser = new PmsFrameParser(PmsModel.Detect);
        void ParseAll()
        {
            ReadOnlySpan<byte> input = stream;
            while (parser.Parse(ref input, out _) != PmsParseResult.NeedMoreData) { }
        }
        ParseAll();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++) ParseAll();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1100, parser.Counters.Frames);
    }

    [Fact]
    public void Frames_written_by_the_simulator_parse_back_to_the_same_values()
    {
        var frame = PmsFrameWriter.FromMass(12, 35, 80);
        var parser = new PmsFrameParser();
        ReadOnlySpan<byte> input = PmsFrameWriter.ToBytes(frame);
        Assert.Equal(PmsParseResult.Frame, parser.Parse(ref input, out var parsed));
        Assert.Equal(35, parsed.Pm2_5Atmospheric);
        Assert.Equal(80, parsed.Pm10Atmospheric);
        Assert.True(parsed.IsPlausible);
        Assert.Equal(frame with { Checksum = parsed.Checksum }, parsed);

        var t = new PmsFrame { Pm2_5Atmospheric = 5, Particles0_3um = 300, TemperatureCelsius = -3.4, RelativeHumidity = 81.5, Layout = PmsFrameLayout.Pms5003T };
        var tParser = new PmsFrameParser(PmsModel.Pms5003T);
        ReadOnlySpan<byte> tInput = PmsFrameWriter.ToBytes(t);
        Assert.Equal(PmsParseResult.Frame, tParser.Parse(ref tInput, out var tParsed));
        Assert.Equal(-3.4, tParsed.TemperatureCelsius!.Value, 6);
        Assert.Equal(81.5, tParsed.RelativeHumidity!.Value, 6);
    }
}
