using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Codecs;

/// <summary>The two payload encodings. Every payload starts with a 4-byte header naming its format and version.</summary>
public enum WireFormat : byte
{
    Json = (byte)'J',
    Binary = (byte)'B',
}

/// <summary>
/// The 4-byte header at the start of every payload: "GE", the format letter ('J' or 'B') and the version digit.
/// It lets a payload be decoded after a bridge, an MQTT 3.1.1 broker, a log file or a replay has dropped the MQTT 5
/// content type. Version '2' marks a message that names its outbox (a store id) or carries gap notes; every other
/// message is written as version '1', byte for byte as before, and both versions are read.
/// </summary>
public static class PayloadHeader
{
    public const int Length = 4;
    public const byte Version = (byte)'1';
    public const byte StoreVersion = (byte)'2';

    /// <summary>The version a message is written with: '2' when it uses a version 2 field, else '1'.</summary>
    public static byte VersionOf(IWireMessage message) => message switch
    {
        Batch { StoreId: not null } or Ack { StoreId: not null } => StoreVersion,
        GatewayStatus s when s.StoreId is not null || s.GapNotes is { Count: > 0 } => StoreVersion,
        _ => Version,
    };

    public const string JsonContentType = "application/vnd.gridedge+json; v=1";
    public const string BinaryContentType = "application/vnd.gridedge+binary; v=1";

    public static string ContentType(WireFormat format) => format == WireFormat.Json ? JsonContentType : BinaryContentType;

    public static void Write(Span<byte> destination, WireFormat format, byte version = Version)
    {
        destination[0] = (byte)'G';
        destination[1] = (byte)'E';
        destination[2] = (byte)format;
        destination[3] = version;
    }

    public static DecodeError? TryRead(ReadOnlySpan<byte> payload, out WireFormat format) => TryRead(payload, out format, out _);

    public static DecodeError? TryRead(ReadOnlySpan<byte> payload, out WireFormat format, out byte version)
    {
        format = default;
        version = default;
        if (payload.Length < Length) return new DecodeError("header", $"payload is {payload.Length} bytes, shorter than the 4-byte header");
        if (payload[0] != 'G' || payload[1] != 'E') return new DecodeError("header", $"magic is 0x{payload[0]:X2}{payload[1]:X2}, expected \"GE\"");
        if (payload[2] != (byte)WireFormat.Json && payload[2] != (byte)WireFormat.Binary)
            return new DecodeError("header.format", $"format byte 0x{payload[2]:X2} is neither 'J' nor 'B'");
        if (payload[3] != Version && payload[3] != StoreVersion)
            return new DecodeError("header.version", $"version byte 0x{payload[3]:X2} is not supported (this build reads '1' and '2')");
        format = (WireFormat)payload[2];
        version = payload[3];
        return null;
    }
}
