using System.CommandLine;
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

    /// <summary>Command lines shown under --help.</summary>
    public static readonly string[] Examples =
    [
        "GridEdge.Edge decode --format hj212 station-capture.txt",
        "GridEdge.Edge decode --format pms5003 pms-uart.bin    (raw bytes, or hex text as a logger prints them)",
        "GridEdge.Edge decode --format nmea gnss.log | jq 'select(.error)'",
    ];

    /// <summary>The <c>decode</c> sub-command.</summary>
    public static Command Create()
    {
        var format = new Option<string>("--format")
        {
            Description = "The capture's protocol: hj212 (text, one frame a line), pms5003 (raw UART bytes or hex text), nmea (text, one sentence a line)",
            Required = true,
        };
        format.AcceptOnlyFromAmong([.. Decoders.Select(d => d.Format)]);
        var file = new Argument<string>("file") { Description = "The capture file; '# ' lines are comments" };
        // System.CommandLine would take an unknown option for the file name; a file that starts with '-' is ./-name.
        file.Validators.Add(result =>
        {
            if (result.Tokens.FirstOrDefault()?.Value is { } name && name.StartsWith('-'))
                result.AddError($"unknown option '{name}': expected --format NAME and a capture file");
        });
        var command = new Command("decode", "Decodes a device capture into one JSON line per frame or sentence: the values in protocol quantity names, or an error naming what was wrong and where (line, byte offset).")
        {
            format, file,
        };
        command.SetAction(result => Run(result.GetRequiredValue(format), result.GetRequiredValue(file),
            result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Decodes <paramref name="file"/> with the decoder named <paramref name="format"/>: one JSON line per frame on stdout.</summary>
    public static int Run(string format, string file, TextWriter stdout, TextWriter stderr)
    {
        var decoder = Decoders.First(d => d.Format.Equals(format, StringComparison.OrdinalIgnoreCase));
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
}
