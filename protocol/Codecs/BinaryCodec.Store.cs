using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Codecs;

// Version 2: a block in front of the message type naming the store and carrying gap notes, so every version 1 layout
// after it stays as it was.
public static partial class BinaryCodec
{
    private const byte HasStoreId = 1, HasGapNotes = 2;

    private readonly record struct StoreBlock(Guid? StoreId, IReadOnlyList<GapNote>? GapNotes);

    private static void EncodeStoreBlock(ref ByteWriter w, IWireMessage message)
    {
        var (storeId, notes) = message switch
        {
            Batch b => (b.StoreId, null),
            Ack a => (a.StoreId, null),
            GatewayStatus s => (s.StoreId, s.GapNotes is { Count: > 0 } n ? n : null),
            _ => ((Guid?)null, (IReadOnlyList<GapNote>?)null),
        };
        w.Byte((byte)((storeId is null ? 0 : HasStoreId) | (notes is null ? 0 : HasGapNotes)));
        if (storeId is { } id)
        {
            Span<byte> guid = stackalloc byte[16];
            id.TryWriteBytes(guid);
            w.Write(guid);
        }
        if (notes is null) return;
        w.VarUInt((ulong)notes.Count);
        foreach (var note in notes)
        {
            w.String(note.Stream);
            w.ZigZag(note.From);
            w.ZigZag(note.To);
            w.String(note.Reason);
        }
    }

    private static DecodeError? DecodeStoreBlock(ref ByteReader r, out StoreBlock? block)
    {
        block = null;
        if (!r.Byte(out var presence)) return new DecodeError("store", "missing the version 2 presence byte");
        if ((presence & ~(HasStoreId | HasGapNotes)) != 0) return new DecodeError("store", $"presence byte 0x{presence:X2} has bits other than 0 (storeId) and 1 (gapNotes)");
        Guid? storeId = null;
        if ((presence & HasStoreId) != 0)
        {
            if (!r.Bytes(16, out var guid)) return new DecodeError("storeId", "truncated: 16 bytes expected");
            storeId = new Guid(guid);
        }
        GapNote[]? notes = null;
        if ((presence & HasGapNotes) != 0)
        {
            if (!r.VarUInt(out var count) || count > (ulong)Validation.MaxGapNotes || count > (ulong)r.Remaining / 4)
                return new DecodeError("gapNotes", $"the count is truncated, more than {Validation.MaxGapNotes}, or cannot fit in {r.Remaining} bytes");
            notes = new GapNote[count];
            for (var i = 0; i < notes.Length; i++)
            {
                if (!r.String(out var stream) || !r.ZigZag(out var from) || !r.ZigZag(out var to) || !r.String(out var reason))
                    return new DecodeError($"gapNotes[{i}]", "truncated or malformed");
                notes[i] = new GapNote(stream, from, to, reason);
            }
        }
        block = new StoreBlock(storeId, notes);
        return null;
    }
}
