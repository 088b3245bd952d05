namespace GridEdge.Protocol.Hj212;

/// <summary>Which part of an HJ 212 frame failed.</summary>
public enum Hj212ErrorKind
{
    /// <summary>The 4-digit length field is not a number, or is over the limit.</summary>
    Length,
    /// <summary>The checksum is not 4 hex digits or does not match the data segment.</summary>
    Crc,
    /// <summary>The frame ends before its declared length and checksum.</summary>
    Truncated,
    /// <summary>A field of the data segment is missing or malformed.</summary>
    Field,
    /// <summary>Bytes that are not part of any frame.</summary>
    Garbage,
}

/// <summary>Why an HJ 212 frame was rejected: what failed, the field, the problem, and the byte offset (in the buffer given) where.</summary>
public sealed record Hj212Error(Hj212ErrorKind Kind, string Field, string Problem, int Offset)
{
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()} at byte {Offset}: {Field}: {Problem}";
}
