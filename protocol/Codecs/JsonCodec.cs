using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Codecs;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(IWireMessage))]
[JsonSerializable(typeof(Records.Record))]
[JsonSerializable(typeof(TerminalDirectory))]
[JsonSerializable(typeof(TaskList))]
internal sealed partial class WireJsonContext : JsonSerializerContext;

/// <summary>Enum values on the wire in snake_case ("gnss_disciplined"), like the quantity names.</summary>
public sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;

/// <summary>The readable encoding: "GEJ1" followed by UTF-8 JSON (System.Text.Json source generation, no reflection).</summary>
public static class JsonCodec
{
    /// <summary>Units such as µg/m³ and Chinese text stay readable (and 3 bytes a character) instead of \u escapes.</summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Encode(IWireMessage message)
    {
        using var buffer = new MemoryStream();
        Span<byte> header = stackalloc byte[PayloadHeader.Length];
        PayloadHeader.Write(header, WireFormat.Json, PayloadHeader.VersionOf(message));
        buffer.Write(header);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            JsonSerializer.Serialize(writer, message, WireJsonContext.Default.IWireMessage);
        return buffer.ToArray();
    }

    /// <summary>Decodes the JSON body (after the header).</summary>
    public static DecodeResult<IWireMessage> DecodeBody(ReadOnlySpan<byte> body)
    {
        try
        {
            var message = JsonSerializer.Deserialize(body, WireJsonContext.Default.IWireMessage);
            return message is null ? DecodeResult<IWireMessage>.Fail("$", "the body is JSON null") : DecodeResult<IWireMessage>.Success(message);
        }
        catch (JsonException e)
        {
            return DecodeResult<IWireMessage>.Fail(e.Path is { Length: > 0 } path ? path : "$", FirstLine(e.Message));
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            return DecodeResult<IWireMessage>.Fail("$", FirstLine(e.Message));
        }
    }

    private static string FirstLine(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
