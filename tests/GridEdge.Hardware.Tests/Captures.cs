namespace GridEdge.Hardware.Tests;

/// <summary>One capture line of pms5003_frames.txt: its bytes, the expectation above it and where it came from.</summary>
internal sealed record PmsCapture(int Line, string Source, string Expect, byte[] Bytes)
{
    public override string ToString() => $"line {Line}: {Expect}";
}

/// <summary>A group of nmea_samples.txt: the sentences under one "# source:" with the group's expectations.</summary>
internal sealed record NmeaGroup(string Source, IReadOnlyList<string> Expectations, IReadOnlyList<NmeaLine> Lines);

/// <summary>One sentence line, with the per-line "bad checksum" expectation when one precedes it.</summary>
internal sealed record NmeaLine(int LineNumber, string Text, string? Expect);

internal static class Captures
{
    public static IReadOnlyList<PmsCapture> Pms { get; } = LoadPms();
    public static IReadOnlyList<NmeaGroup> Nmea { get; } = LoadNmea();

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Trim());

    private static List<PmsCapture> LoadPms()
    {
        var result = new List<PmsCapture>();
        string source = "", expect = "";
        var lines = File.ReadAllLines(TestCaptures.PathOf("pms5003_frames.txt"));
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith("# source:", StringComparison.Ordinal)) { source = line[9..].Trim(); continue; }
            if (line.StartsWith("# expect:", StringComparison.Ordinal)) { expect = line[9..].Trim(); continue; }
            if (line.StartsWith('#')) continue;
            result.Add(new PmsCapture(i + 1, source, expect, Hex(line)));
            expect = "";
        }
        return result;
    }

    private static List<NmeaGroup> LoadNmea()
    {
        var groups = new List<NmeaGroup>();
        string? source = null;
        var expectations = new List<string>();
        var sentences = new List<NmeaLine>();
        string? pendingLineExpect = null;
        void Close()
        {
            if (source is not null) groups.Add(new NmeaGroup(source, [.. expectations], [.. sentences]));
            expectations.Clear();
            sentences.Clear();
        }
        var lines = File.ReadAllLines(TestCaptures.PathOf("nmea_samples.txt"));
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("# source:", StringComparison.Ordinal)) { Close(); source = line[9..].Trim(); continue; }
            if (line.StartsWith("# expect:", StringComparison.Ordinal))
            {
                var text = line[9..].Trim();
                if (text.StartsWith("bad checksum", StringComparison.Ordinal)) pendingLineExpect = text;
                else expectations.Add(text);
                continue;
            }
            if (line.StartsWith('#') || line.Trim().Length == 0) continue;
            sentences.Add(new NmeaLine(i + 1, line, pendingLineExpect));
            pendingLineExpect = null;
        }
        Close();
        return groups;
    }
}
