using LiteDB;

namespace GridEdge.Edge.Outbox;

/// <summary>
/// A run of records with consecutive sequence numbers, stored as one document of a stream's collection: <c>_id</c> is the
/// first record's sequence number, <c>c</c> how many there are, <c>r</c> their forms one after another (each after its
/// length as a LEB128 varint) and <c>n</c> the forms' bytes without those lengths. A commit stores the records of a
/// stream as few runs, so LiteDB's work per document (BSON, an index node, the page's free space) is paid per run, not
/// per record, and a commit dirties fewer pages of the card.
/// </summary>
/// <remarks>
/// A document without <c>c</c> holds one record as its form alone: a run of one, what a store wrote before runs, and
/// every record stamped on an unsynchronised clock (re-stamped one by one, see <see cref="OutboxStore.CorrectTimestamps"/>).
/// An acknowledgement that ends inside a run cuts the run: the records still waiting are written back as a shorter run.
/// </remarks>
internal readonly record struct RecordRun(long First, int Count, long Bytes)
{
    public const string CountField = "c";
    /// <summary>A run holds at most this many records and this many bytes of forms: a batch (500 records, 64 KiB) takes whole runs.</summary>
    public const int MaxRecords = 250, MaxBytes = 16 * 1024;

    /// <summary>The last sequence number in the run.</summary>
    public long Last => First + Count - 1;

    /// <summary>The run's _id, count and size, from a document or from the projection <see cref="Summary"/> made of one.</summary>
    public static RecordRun Of(BsonDocument doc, string sizeField) =>
        new(doc["_id"].AsInt64, CountOf(doc), doc[sizeField].AsInt32);

    /// <summary>How many records a document holds.</summary>
    public static int CountOf(BsonDocument doc) => doc[CountField] is { IsInt32: true } c ? c.AsInt32 : 1;

    /// <summary>A projection of a run's document without its forms.</summary>
    public static BsonExpression Summary(string sizeField) => BsonExpression.Create($"{{ _id: $._id, {CountField}: $.{CountField}, {sizeField}: $.{sizeField} }}");

    /// <summary>Writes forms one after another, each after its length.</summary>
    public static byte[] Pack(IReadOnlyList<byte[]> forms)
    {
        var size = 0;
        foreach (var form in forms) size += VarintSize(form.Length) + form.Length;
        var packed = new byte[size];
        var at = 0;
        foreach (var form in forms)
        {
            at += WriteVarint(packed.AsSpan(at), form.Length);
            form.CopyTo(packed.AsSpan(at));
            at += form.Length;
        }
        return packed;
    }

    /// <summary>The forms of a document, in order: its one form, or a run's unpacked.</summary>
    /// <exception cref="InvalidDataException">A run whose lengths do not add up to what it holds.</exception>
    public static byte[][] Forms(BsonDocument doc, string recordField)
    {
        var bytes = doc[recordField].AsBinary;
        var count = CountOf(doc);
        if (!doc[CountField].IsInt32) return [bytes];
        var forms = new byte[count][];
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            var length = ReadVarint(bytes, ref at);
            if (length < 0 || length > bytes.Length - at)
                throw new InvalidDataException($"outbox run {doc["_id"].AsInt64} is unreadable: record {i + 1} of {count} claims {length} bytes, {bytes.Length - at} left");
            forms[i] = bytes.AsSpan(at, length).ToArray();
            at += length;
        }
        if (at != bytes.Length) throw new InvalidDataException($"outbox run {doc["_id"].AsInt64} is unreadable: {bytes.Length - at} bytes after its {count} records");
        return forms;
    }

    private static int VarintSize(int value)
    {
        var size = 1;
        for (var v = (uint)value; v >= 0x80; v >>= 7) size++;
        return size;
    }

    private static int WriteVarint(Span<byte> into, int value)
    {
        var v = (uint)value;
        var i = 0;
        for (; v >= 0x80; v >>= 7) into[i++] = (byte)(v | 0x80);
        into[i++] = (byte)v;
        return i;
    }

    private static int ReadVarint(byte[] bytes, ref int at)
    {
        var value = 0;
        for (var shift = 0; shift < 35 && at < bytes.Length; shift += 7)
        {
            var b = bytes[at++];
            value |= (b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        return -1;
    }
}
