using System.Runtime.CompilerServices;
using System.Text;

namespace GridEdge.Protocol.Tests.Hj212;

/// <summary>One frame of a capture file with the "# expect:" line written above it.</summary>
public sealed record CapturedFrame(string File, int Line, string Text, string Expect)
{
    public bool ExpectValid => Expect.StartsWith("valid", StringComparison.Ordinal);
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>Reads the capture files: tests/testdata/hj212_frames.txt (copied into the output), and Captures/ here.</summary>
public static class CapturedFrames
{
    public static string MainFile() => Path.Combine(AppContext.BaseDirectory, "testdata", "hj212_frames.txt");

    public static string LocalFile([CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Captures", "hj212_more_frames.txt");

    public static IReadOnlyList<CapturedFrame> Read(string path)
    {
        var frames = new List<CapturedFrame>();
        string? expect = null;
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("# expect:", StringComparison.Ordinal)) { expect = line["# expect:".Length..].Trim(); continue; }
            if (line.StartsWith("# ", StringComparison.Ordinal) || line == "#" || line.Length == 0) continue;
            frames.Add(new CapturedFrame(Path.GetFileName(path), i + 1, line, expect ?? throw new InvalidDataException($"{path}:{i + 1}: frame without an expect line")));
            expect = null;
        }
        return frames;
    }

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var f in Read(MainFile()).Concat(Read(LocalFile()))) data.Add($"{f.File}:{f.Line}");
        return data;
    }

    public static CapturedFrame Find(string id) =>
        Read(MainFile()).Concat(Read(LocalFile())).Single(f => $"{f.File}:{f.Line}" == id);

    /// <summary>"ST=91; CN=9015; Flag=0; CP: DataTime=..., CON-RT=0" as (key, value) pairs; CP values as "CP:key=value".</summary>
    public static List<(string Key, string Value)> Expectations(string expect)
    {
        var result = new List<(string, string)>();
        var parts = expect.Split("; ");
        foreach (var raw in parts.Skip(1))
        {
            var part = raw.Trim();
            if (part.StartsWith("CP:", StringComparison.Ordinal))
            {
                foreach (var kv in part[3..].Split(", "))
                {
                    var text = kv.Trim();
                    var cut = text.IndexOf(" (", StringComparison.Ordinal);
                    if (cut > 0) text = text[..cut];
                    var eq = text.IndexOf('=');
                    if (eq > 0) result.Add(("CP:" + text[..eq], text[(eq + 1)..]));
                }
                continue;
            }
            var eq2 = part.IndexOf('=');
            if (eq2 > 0)
            {
                var value = part[(eq2 + 1)..];
                var cut = value.IndexOf(' ');
                result.Add((part[..eq2], cut > 0 ? value[..cut] : value));
            }
            else if (part.StartsWith("no Flag", StringComparison.Ordinal)) result.Add(("Flag", "absent"));
        }
        return result;
    }
}
