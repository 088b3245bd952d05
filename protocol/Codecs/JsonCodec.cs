using System.Text.Json;
using System.Text.Json.Serialization;
using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Codecs;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(IWireMessage))]
internal sealed partial class WireJsonContext : JsonSerializerContext;

/// <summary>The readable encoding: "GEJ1" followed by UTF-8 JSON (System.Text.Json source generation, no reflection).</summary>
public static class JsonCodec
{
    public static byte[] Encode(IWireMessage message)
    {
        using var buffer = new MemoryStream();
        Span<byte> header = stackalloc byte[PayloadHeader.Length];
        PayloadHeader.Write(header, WireFormat.Json);
        buffer.Write(header);
        using (var writer = new Utf8JsonWriter(buffer))
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
