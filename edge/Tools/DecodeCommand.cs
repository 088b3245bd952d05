using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GridEdge.Edge.Tools;

/// <summary>
/// Decodes a raw capture for one device protocol into one JSON line per frame or sentence: what was decoded, in the
/// protocol's quantity names, or an error naming what was wrong and where (byte offset or line).
/// </summary>
public interface ICaptureDecoder
{
    /// <summary>The name given to --format.</summary>
    string Format { get; }

    /// <summary>Whether the capture is binary (read as bytes) or text.</summary>
    bool IsBinary { get; }

    /// <summary>One JSON object per frame or sentence found in the capture, in the order found.</summary>
    IEnumerable<JsonObject> Decode(ReadOnlyMemory<byte> capture);
}

/// <summary>
/// <c>GridEdge.Edge decode --format NAME FILE</c>: the field technician's tool. Exit status 0 when the file was read,
/// whatever it held; 2 for a usage error or an unreadable file.
/// </summary>
public static class DecodeCommand
{
    /// <summary>Every decoder the gateway knows; each device protocol adds its own.</summary>
    public static IReadOnlyList<ICaptureDecoder> Decoders { get; } =
    [
        new Hj212CaptureDecoder(),
        new Pms5003CaptureDecoder(),
        new NmeaCaptureDecoder(),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? format = null, file = null;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--format" && i + 1 < args.Length) format = args[++i];
            else if (args[i].StartsWith("--format=", StringComparison.Ordinal)) format = args[i]["--format=".Length..];
            else if (file is null && !args[i].StartsWith("--", StringComparison.Ordinal)) file = args[i];
            else return Usage(stderr, $"unexpected argument '{args[i]}'");
        }
        if (format is null || file is null) return Usage(stderr, format is null ? "--format is missing" : "FILE is missing");
        var decoder = Decoders.FirstOrDefault(d => d.Format.Equals(format, StringComparison.OrdinalIgnoreCase));
        if (decoder is null) return Usage(stderr, $"unknown format '{format}'");

        byte[] capture;
        try { capture = File.ReadAllBytes(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"decode: cannot read {file}: {e.Message}");
            return 2;
        }

        var options = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        foreach (var line in decoder.Decode(capture)) stdout.WriteLine(line.ToJsonString(options));
        stdout.Flush();
        return 0;
    }

    private static int Usage(TextWriter stderr, string problem)
    {
        stderr.WriteLine($"decode: {problem}");
        stderr.WriteLine($"usage: GridEdge.Edge decode --format {string.Join('|', Decoders.Select(d => d.Format))} FILE");
        return 2;
    }
}
