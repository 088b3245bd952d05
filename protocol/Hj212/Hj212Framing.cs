namespace GridEdge.Protocol.Hj212;

/// <summary>What <see cref="Hj212Framing.TryReadFrame"/> found at the start of a buffer.</summary>
public enum Hj212FrameStatus
{
    /// <summary>A whole frame whose length and checksum verify.</summary>
    Frame,
    /// <summary>No whole frame yet: keep the unconsumed bytes and read more.</summary>
    NeedMoreData,
    /// <summary>A frame header that fails (length or checksum): skip the consumed bytes and look again.</summary>
    Invalid,
}

/// <summary>Where a frame's data segment lies in the buffer that was scanned.</summary>
public readonly record struct Hj212FrameSlice(int Start, int DataOffset, int DataLength, ushort Crc)
{
    /// <summary>The data segment: from "QN="/"ST=" through the closing "&amp;&amp;", exactly what the length and checksum cover.</summary>
    public ReadOnlySpan<byte> Data(ReadOnlySpan<byte> buffer) => buffer.Slice(DataOffset, DataLength);
}

/// <summary>
/// HJ 212 framing over a byte stream: "##", a 4-digit decimal length, the data segment, a 4-hex-digit CRC16 of exactly
/// the data segment, CR LF. Scans without allocating; resynchronises on the next "##" after a bad header.
/// </summary>
public static class Hj212Framing
{
    public const int HeaderLength = 6;
    public const int CrcLength = 4;
    public const int TrailerLength = 2;
    /// <summary>The largest length 4 decimal digits can declare.</summary>
    public const int MaxDeclarableLength = 9999;
    /// <summary>The standard's limit; real devices exceed it, so the listener's limit is configurable.</summary>
    public const int StandardMaxDataLength = 1024;

    /// <summary>The bytes a buffer needs to hold any frame whose data segment is at most <paramref name="maxDataLength"/>.</summary>
    public static int BufferSize(int maxDataLength) => HeaderLength + maxDataLength + CrcLength + TrailerLength;

    /// <summary>
    /// Looks for the first frame in <paramref name="buffer"/>. After an invalid header only the first '#' is consumed, so a
    /// frame right behind a stray '#' ("###0170...") is still found. <paramref name="consumed"/> bytes can be dropped afterwards
    /// (for <see cref="Hj212FrameStatus.NeedMoreData"/> they are garbage before a "##", counted in <paramref name="skipped"/>).
    /// </summary>
    public static Hj212FrameStatus TryReadFrame(ReadOnlySpan<byte> buffer, int maxDataLength, out Hj212FrameSlice frame, out int consumed, out int skipped,
        out Hj212Error? error)
    {
        frame = default;
        error = null;
        var start = IndexOfHeader(buffer);
        if (start < 0)
        {
            // Keep a trailing '#': it may be the first half of the next header.
            consumed = buffer.Length > 0 && buffer[^1] == (byte)'#' ? buffer.Length - 1 : buffer.Length;
            skipped = CountGarbage(buffer[..consumed]);
            return Hj212FrameStatus.NeedMoreData;
        }
        skipped = CountGarbage(buffer[..start]);
        consumed = start;
        if (buffer.Length - start < HeaderLength) return Hj212FrameStatus.NeedMoreData;

        var lengthField = buffer.Slice(start + 2, 4);
        var length = 0;
        foreach (var c in lengthField)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                consumed = start + 1;
                error = new Hj212Error(Hj212ErrorKind.Length, "length", $"'{Printable(lengthField)}' is not 4 decimal digits", start + 2);
                return Hj212FrameStatus.Invalid;
            }
            length = length * 10 + (c - '0');
        }
        if (length > maxDataLength || length == 0)
        {
            consumed = start + 1;
            error = new Hj212Error(Hj212ErrorKind.Length, "length", length == 0 ? "0 bytes declared" : $"{length} bytes declared, over the limit of {maxDataLength}", start + 2);
            return Hj212FrameStatus.Invalid;
        }
        var crcAt = start + HeaderLength + length;
        if (buffer.Length < crcAt + CrcLength) return Hj212FrameStatus.NeedMoreData;

        var data = buffer.Slice(start + HeaderLength, length);
        var crcField = buffer.Slice(crcAt, CrcLength);
        if (!Hj212Crc.TryParseHex(crcField, out var declared))
        {
            consumed = start + 1;
            error = new Hj212Error(Hj212ErrorKind.Crc, "crc", $"'{Printable(crcField)}' after {length} data bytes is not 4 hex digits (is the length right?)", crcAt);
            return Hj212FrameStatus.Invalid;
        }
        var computed = Hj212Crc.Compute(data);
        if (computed != declared)
        {
            consumed = start + 1;
            error = new Hj212Error(Hj212ErrorKind.Crc, "crc", $"declared {Printable(crcField)}, computed {computed:X4} over {length} data bytes", crcAt);
            return Hj212FrameStatus.Invalid;
        }
        consumed = crcAt + CrcLength;
        if (buffer.Length >= consumed + TrailerLength && buffer[consumed] == (byte)'\r' && buffer[consumed + 1] == (byte)'\n') consumed += TrailerLength;
        frame = new Hj212FrameSlice(start, start + HeaderLength, length, declared);
        return Hj212FrameStatus.Frame;
    }

    /// <summary>
    /// Reads a buffer that should hold exactly one frame (a line of a capture file, CR LF optional): unlike the stream reader it
    /// can tell a frame that lost bytes ("declared 644, found 641") from one that is still arriving.
    /// </summary>
    public static bool TryReadWhole(ReadOnlySpan<byte> text, int maxDataLength, out Hj212FrameSlice frame, out Hj212Error? error)
    {
        frame = default;
        error = null;
        if (text.EndsWith("\r\n"u8)) text = text[..^2];
        else if (text.EndsWith("\n"u8) || text.EndsWith("\r"u8)) text = text[..^1];
        if (!text.StartsWith("##"u8))
        {
            error = new Hj212Error(Hj212ErrorKind.Garbage, "header", $"'{Printable(text)}' does not start with \"##\"", 0);
            return false;
        }
        if (text.Length < HeaderLength + CrcLength)
        {
            error = new Hj212Error(Hj212ErrorKind.Truncated, "frame", $"{text.Length} bytes, shorter than a header and a CRC", text.Length);
            return false;
        }
        var status = TryReadFrame(text, maxDataLength, out frame, out var consumed, out _, out error);
        if (status == Hj212FrameStatus.Invalid && error!.Kind == Hj212ErrorKind.Length) return false;
        var declared = frame.DataLength;
        if (status != Hj212FrameStatus.Frame)
        {
            // Length field is numeric: compare it with what the buffer holds.
            declared = (text[2] - '0') * 1000 + (text[3] - '0') * 100 + (text[4] - '0') * 10 + (text[5] - '0');
        }
        var actual = text.Length - HeaderLength - CrcLength;
        if (declared != actual)
        {
            error = new Hj212Error(actual < declared ? Hj212ErrorKind.Truncated : Hj212ErrorKind.Length, "length",
                $"declared {declared} bytes, but {actual} lie between the length field and the CRC", 2);
            frame = default;
            return false;
        }
        if (status == Hj212FrameStatus.Frame) return true;
        error ??= new Hj212Error(Hj212ErrorKind.Truncated, "frame", "incomplete", text.Length);
        return false;
    }

    private static int IndexOfHeader(ReadOnlySpan<byte> buffer) => buffer.IndexOf("##"u8);

    // Line ends between frames are not garbage.
    private static int CountGarbage(ReadOnlySpan<byte> bytes)
    {
        var n = 0;
        foreach (var b in bytes) if (b is not ((byte)'\r' or (byte)'\n')) n++;
        return n;
    }

    /// <summary>Up to 32 bytes as text for a message, non-printable bytes as '?'.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[Math.Min(bytes.Length, 32)];
        for (var i = 0; i < chars.Length; i++) chars[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '?';
        return new string(chars) + (bytes.Length > 32 ? "..." : "");
    }
}
