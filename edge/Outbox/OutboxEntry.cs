using GridEdge.Protocol.Records;

namespace GridEdge.Edge.Outbox;

/// <summary>
/// One undelivered record as the outbox holds it: its sequence number and its stored form (what a binary batch is put
/// together from, see <see cref="Protocol.Codecs.BinaryCodec.EncodeBatch(string, string, long, System.Guid?, System.Collections.Generic.IReadOnlyList{byte[]})"/>);
/// the record itself is decoded only when asked for.
/// </summary>
public sealed class OutboxEntry(string stream, long seq, byte[] form)
{
    private Record? _record;

    public long Seq { get; } = seq;

    /// <summary>The record's stored form.</summary>
    public byte[] Form { get; } = form;

    /// <summary>The size of the stored form in bytes.</summary>
    public int EncodedSize => Form.Length;

    /// <exception cref="InvalidDataException">The stored form is unreadable.</exception>
    public Record Record => _record ??= RecordEncoding.Decode(Form, stream, Seq);
}
