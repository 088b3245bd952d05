using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Codecs;

/// <summary>Encodes messages in either format and decodes any payload by the format its header names, then validates it.</summary>
public static class WireCodec
{
    /// <summary>Payloads above this are refused before decoding.</summary>
    public const int DefaultMaxPayloadBytes = 4 * 1024 * 1024;

    public static byte[] Encode(IWireMessage message, WireFormat format) =>
        format == WireFormat.Json ? JsonCodec.Encode(message) : BinaryCodec.Encode(message);

    /// <summary>Decodes and validates a payload. Never throws: a bad payload gives an error naming the field.</summary>
    public static DecodeResult<IWireMessage> Decode(ReadOnlySpan<byte> payload, int maxPayloadBytes = DefaultMaxPayloadBytes)
    {
        if (payload.Length > maxPayloadBytes)
            return DecodeResult<IWireMessage>.Fail("payload", $"{payload.Length} bytes, over the limit of {maxPayloadBytes}");
        if (PayloadHeader.TryRead(payload, out var format, out var version) is { } headerError) return DecodeResult<IWireMessage>.Fail(headerError);
        var body = payload[PayloadHeader.Length..];
        DecodeResult<IWireMessage> result;
        try
        {
            result = format == WireFormat.Json ? JsonCodec.DecodeBody(body) : BinaryCodec.DecodeBody(body, version);
        }
        catch (Exception e)
        {
            // A decoder bug must not take the ingest loop down with it.
            return DecodeResult<IWireMessage>.Fail("$", $"decoder failed: {e.GetType().Name}: {e.Message}");
        }
        if (!result.Ok) return result;
        return Validation.Check(result.Value) is { } error ? DecodeResult<IWireMessage>.Fail(error) : result;
    }
}
