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
    /// <summary>The kind in lower case, as messages and decode output name it ("crc", "length", "field", ...).</summary>
    public string KindName => Kind.ToString().ToLowerInvariant();

    /// <summary>Whether the field is named like the kind (the "crc" field of a crc error): messages then name it once.</summary>
    public bool FieldIsKind => string.Equals(Field, KindName, StringComparison.OrdinalIgnoreCase);

    /// <summary>"kind: field: problem", the field left out when it only repeats the kind ("crc: declared 0000, computed 7BC0 ...").</summary>
    public string Message => FieldIsKind ? $"{KindName}: {Problem}" : $"{KindName}: {Field}: {Problem}";

    public override string ToString() => FieldIsKind ? $"{KindName} at byte {Offset}: {Problem}" : $"{KindName} at byte {Offset}: {Field}: {Problem}";
}
