using System.Runtime.CompilerServices;
using System.Text;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Tests;

/// <summary>
/// Every message kind in both codecs against a checked-in file, so a wire change is a visible diff.
/// After an intended change, regenerate with GRIDEDGE_UPDATE_GOLDEN=1 and review the diff.
/// </summary>
public class GoldenFileTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, _) in Samples.All())
        {
            data.Add(name, "json");
            data.Add(name, "bin");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encoding_matches_the_golden_file(string name, string codec)
    {
        var message = Samples.All().Single(s => s.Name == name).Message;
        var format = codec == "json" ? WireFormat.Json : WireFormat.Binary;
        var bytes = WireCodec.Encode(message, format);
        // Binary goldens are stored as hex, 32 bytes a line, so the diff of a wire change is readable.
        var text = format == WireFormat.Json ? Encoding.UTF8.GetString(bytes) + "\n" : ToHexLines(bytes);
        var path = Path.Combine(GoldenDirectory(), $"{name}.{(format == WireFormat.Json ? "json" : "bin.hex")}");

        if (Environment.GetEnvironmentVariable("GRIDEDGE_UPDATE_GOLDEN") == "1") File.WriteAllText(path, text);

        Assert.True(File.Exists(path), $"golden file {path} is missing: run with GRIDEDGE_UPDATE_GOLDEN=1 once and commit it");
        Assert.Equal(File.ReadAllText(path), text);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Golden_file_decodes_to_the_sample(string name, string codec)
    {
        var expected = Samples.All().Single(s => s.Name == name).Message;
        var path = Path.Combine(GoldenDirectory(), $"{name}.{(codec == "json" ? "json" : "bin.hex")}");
        var text = File.ReadAllText(path);
        var bytes = codec == "json" ? Encoding.UTF8.GetBytes(text.TrimEnd('\n')) : Convert.FromHexString(text.Replace("\n", ""));

        var result = WireCodec.Decode(bytes);

        Assert.True(result.Ok, result.Error?.ToString());
        Assert.Equal(expected, result.Value);
    }

    private static string ToHexLines(byte[] bytes)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < bytes.Length; i += 32)
            sb.Append(Convert.ToHexString(bytes, i, Math.Min(32, bytes.Length - i)).ToLowerInvariant()).Append('\n');
        return sb.ToString();
    }

    private static string GoldenDirectory([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "Golden");
}
