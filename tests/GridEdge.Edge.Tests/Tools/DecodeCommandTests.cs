using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using GridEdge.Edge.Tools;

namespace GridEdge.Edge.Tests.Tools;

public sealed class DecodeCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string CaptureFile(string file) => Path.Combine(AppContext.BaseDirectory, "testdata", file);

    // The captures are hex text with comments; the decoder reads what a serial logger writes: raw bytes.
    private string BinaryPmsCapture(byte[]? prefix = null)
    {
        var hex = string.Concat(File.ReadAllLines(CaptureFile("pms5003_frames.txt")).Where(l => !l.StartsWith('#')).Select(l => l.Trim()));
        var path = Path.Combine(_temp.Path, "pms.bin");
        File.WriteAllBytes(path, [.. prefix ?? [], .. Convert.FromHexString(hex)]);
        return path;
    }

    private string TextNmeaCapture(string newline = "\r\n")
    {
        var lines = File.ReadAllLines(CaptureFile("nmea_samples.txt")).Where(l => !l.StartsWith('#') && l.Trim().Length > 0);
        var path = Path.Combine(_temp.Path, "nmea.log");
        File.WriteAllText(path, string.Join(newline, lines) + newline, Encoding.ASCII);
        return path;
    }

    private static (int Exit, List<JsonObject> Lines, string Stderr) Run(params string[] args)
    {
        var (exit, stdout, stderr) = EdgeProgram.RunTool(["decode", .. args]);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        return (exit, lines, stderr);
    }

    [Fact]
    public void A_pms5003_capture_decodes_to_one_line_per_frame_with_protocol_quantity_names()
    {
        var (exit, lines, _) = Run("--format", "pms5003", BinaryPmsCapture());

        Assert.Equal(0, exit);
        var frames = lines.Where(l => (string?)l["frame"] == "data").ToList();
        Assert.Equal(23, frames.Count);
        var first = frames[0];
        Assert.Equal(0, (long)first["offset"]!);
        Assert.Equal(8, (int)first["pm2_5"]!);
        Assert.Equal(8, (int)first["pm10"]!);
        Assert.Equal(0, (int)first["pm1"]!);
        Assert.Equal("µg/m³", (string)first["unit"]!);
        Assert.Equal(210, (int)first["particles_per_0_1l"]!["gt_0_3um"]!);
        Assert.Equal(8, (int)first["pm2_5_cf1"]!);
        var t = frames.First(f => (string?)f["layout"] == "pms5003t");
        Assert.Equal(21.2, (double)t["temperature"]!, 6);
        Assert.Equal(22.4, (double)t["humidity"]!, 6);
        Assert.Contains(frames, f => ((string?)f["note"])?.Contains("warming up", StringComparison.Ordinal) == true);
        Assert.Equal(["passive_mode", "active_mode", "passive_read", "sleep", "wake"], lines.Where(l => (string?)l["frame"] == "command").Select(l => (string)l["command"]!));
    }

    [Fact]
    public void Pms5003_errors_name_the_problem_and_the_byte_offset()
    {
        var (_, lines, _) = Run("--format", "pms5003", BinaryPmsCapture());
        var errors = lines.Where(l => l["error"] is not null).ToList();

        Assert.Contains(errors, e => (string)e["error"]! == "checksum mismatch: frame says 0x0000, its bytes sum to 0x03C5" && (long)e["offset"]! == 23 * 32);
        Assert.Contains(errors, e => ((string)e["error"]!).StartsWith("bad length field 0x0000", StringComparison.Ordinal) && (long)e["offset"]! == 24 * 32);
        Assert.Contains(errors, e => ((string)e["error"]!).StartsWith("torn frame: a new frame starts 10 bytes in", StringComparison.Ordinal) && (long)e["offset"]! == 25 * 32);
        Assert.Contains(errors, e => ((string)e["error"]!).StartsWith("garbage skipped: 32 bytes", StringComparison.Ordinal));
        // Every byte of the capture is accounted for exactly once, in offset order.
        long next = 0;
        foreach (var line in lines)
        {
            Assert.Equal(next, (long)line["offset"]!);
            next += line["length"] is { } length ? (long)length : 32;
        }
        Assert.Equal(new FileInfo(BinaryPmsCapture()).Length, next);
    }

    [Fact]
    public void Noise_before_the_first_frame_is_reported_as_garbage_at_offset_zero()
    {
        var (_, lines, _) = Run("--format", "pms5003", BinaryPmsCapture([0x00, 0xFF, 0x13, 0x4D, 0x42]));
        Assert.Equal("garbage skipped: 5 bytes that are not part of any frame", (string)lines[0]["error"]!);
        Assert.Equal(0, (long)lines[0]["offset"]!);
        Assert.Equal(5, (long)lines[1]["offset"]!);
        Assert.Equal("data", (string)lines[1]["frame"]!);
    }

    [Fact]
    public void An_nmea_capture_decodes_each_sentence_and_reports_bad_ones_by_line_and_offset()
    {
        var (exit, lines, _) = Run("--format", "nmea", TextNmeaCapture());

        Assert.Equal(0, exit);
        Assert.Equal(175, lines.Count);
        var errors = lines.Where(l => l["error"] is not null).ToList();
        Assert.Equal(38, errors.Count);
        Assert.All(errors, e => Assert.StartsWith("checksum mismatch", (string)e["error"]!));

        var rmc = lines.First(l => (string?)l["type"] == "RMC");
        Assert.Equal("GN", (string)rmc["talker"]!);
        Assert.Equal("05:52:34.000", (string)rmc["time"]!);
        Assert.Equal("2026-08-05T05:52:34.000Z", (string)rmc["utc"]!);
        Assert.Equal(47.661982, Math.Round((double)rmc["lat"]!, 6));
        Assert.Equal(-122.326394, Math.Round((double)rmc["lon"]!, 6));
        Assert.True((bool)rmc["position_trusted"]!);
        Assert.Equal(6, (int)rmc["line"]!);

        var gga = lines.First(l => (string?)l["type"] == "GGA");
        Assert.Equal(1, (int)gga["fix_quality"]!);
        Assert.Equal(14, (int)gga["sats"]!);
        Assert.Equal(0.9, (double)gga["hdop"]!);

        var stale = lines.First(l => (string?)l["type"] == "RMC" && (string?)l["time"] == "00:07:06.000");
        Assert.False((bool)stale["position_trusted"]!);

        var firstError = errors[0];
        var text = File.ReadAllText(TextNmeaCapture());
        var offset = (int)firstError["offset"]!;
        Assert.StartsWith((string)firstError["text"]!, text[offset..]);
    }

    [Fact]
    public void Nmea_with_bare_newlines_gives_the_same_sentences()
    {
        var crlf = Run("--format", "nmea", TextNmeaCapture("\r\n")).Lines;
        var lf = Run("--format", "nmea", TextNmeaCapture("\n")).Lines;
        Assert.Equal(crlf.Select(l => (string?)l["type"]), lf.Select(l => (string?)l["type"]));
    }

    [Fact]
    public void Garbage_text_is_reported_not_fatal()
    {
        var path = Path.Combine(_temp.Path, "junk.log");
        File.WriteAllBytes(path, [.. "hello\n$GPGGA,1*ZZ\n"u8, 0xFF, 0x00, (byte)'\n']);
        var (exit, lines, _) = Run("--format", "nmea", path);
        Assert.Equal(0, exit);
        Assert.Equal(3, lines.Count);
        Assert.Equal("not a sentence: no '$' on the line", (string)lines[0]["error"]!);
        Assert.StartsWith("no checksum", (string)lines[1]["error"]!);
        Assert.Equal(2, (int)lines[1]["line"]!);
        Assert.Equal(6, (int)lines[1]["offset"]!);
    }

    [Fact]
    public void An_empty_capture_prints_nothing_and_exits_zero()
    {
        var path = Path.Combine(_temp.Path, "empty.bin");
        File.WriteAllBytes(path, []);
        Assert.Equal((0, 0), (Run("--format", "pms5003", path).Exit, Run("--format", "pms5003", path).Lines.Count));
        Assert.Empty(Run("--format", "nmea", path).Lines);
    }

    [Fact]
    public void The_shipped_nmea_capture_skips_its_comment_lines_and_reports_exactly_the_sentences_it_marks_bad()
    {
        var file = CaptureFile("nmea_samples.txt");
        var text = File.ReadAllLines(file);
        // The capture marks each bad sentence with a "# expect: bad checksum" line just above it.
        var marked = Enumerable.Range(0, text.Length - 1).Where(i => text[i].StartsWith("# expect: bad checksum", StringComparison.Ordinal)).Select(i => i + 2).ToList();

        var (exit, lines, _) = Run("--format", "nmea", file);

        Assert.Equal(0, exit);
        var errors = lines.Where(l => l["error"] is not null).ToList();
        Assert.Equal(marked, errors.Select(e => (int)e["line"]!));
        Assert.All(errors, e => Assert.StartsWith("checksum mismatch", (string)e["error"]!));
        Assert.Equal(text.Count(l => l.StartsWith('$')), lines.Count);
    }

    [Fact]
    public void A_hex_text_pms5003_capture_decodes_to_the_frames_of_its_bytes_with_the_line_of_each()
    {
        var hexText = CaptureFile("pms5003_frames.txt");

        var (exit, fromText, _) = Run("--format", "pms5003", hexText);
        var fromBinary = Run("--format", "pms5003", BinaryPmsCapture()).Lines;

        Assert.Equal(0, exit);
        Assert.DoesNotContain(fromText, l => ((string?)l["error"])?.StartsWith("garbage skipped: 13", StringComparison.Ordinal) == true);
        Assert.Equal(23, fromText.Count(l => (string?)l["frame"] == "data"));
        var first = fromText[0];
        Assert.Equal(("data", 0, 8), ((string)first["frame"]!, (int)first["offset"]!, (int)first["pm2_5"]!));
        var textLines = File.ReadAllLines(hexText);
        Assert.All(fromText, l => Assert.False(textLines[(int)l["line"]! - 1].StartsWith('#')));
        Assert.Equal(7, (int)first["line"]!);
        // Apart from the line numbers, exactly what the same bytes give as a raw capture.
        Assert.Equal(fromBinary.Select(l => l.ToJsonString()), fromText.Select(l =>
        {
            l.Remove("line");
            return l.ToJsonString();
        }));
    }

    [Fact]
    public void Hex_text_with_spaces_and_an_odd_digit_decodes_its_bytes_and_reports_the_stray_digit()
    {
        var frame = File.ReadAllLines(CaptureFile("pms5003_frames.txt")).First(l => l.StartsWith("424d", StringComparison.Ordinal));
        var path = Path.Combine(_temp.Path, "spaced.txt");
        File.WriteAllText(path, "# logged by a serial terminal\r\n" + string.Join(' ', frame.Chunk(2).Select(c => new string(c))) + "\r\n4\r\n");

        var (exit, lines, _) = Run("--format", "pms5003", path);

        Assert.Equal(0, exit);
        Assert.Equal(8, (int)lines[0]["pm2_5"]!);
        Assert.Equal(2, (int)lines[0]["line"]!);
        Assert.StartsWith("hex text: an odd number of hex digits", (string)lines[^1]["error"]!);
    }
}
