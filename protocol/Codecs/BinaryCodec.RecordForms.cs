using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Codecs;

// Record forms: one record encoded on its own, as the gateway's outbox stores it, so that a batch is the stored forms
// put together rather than records decoded and encoded again. Each form starts with its record kind byte (never 'G',
// the first byte of a payload, so a store can tell a form from the one-record payloads it kept before). Alerts, command
// results, terminal records and attachment chunks are written in a batch exactly as their form holds them. A reading's
// form holds its series (sensor, quantity, unit, decimal scale), its time as 8 bytes, then what follows the series index
// and time delta in a batch; putting forms together builds the series table and the time deltas from those, and copies
// the rest. The result is the version 1/2 batch layout the server reads; a series may appear once per decimal scale.
public static partial class BinaryCodec
{
    /// <summary>A record on its own: what <see cref="EncodeBatch(string, string, long, Guid?, IReadOnlyList{byte[]})"/> puts together.</summary>
    /// <exception cref="ArgumentException">The record has no binary layout.</exception>
    public static byte[] EncodeRecord(Record record)
    {
        var w = new ByteWriter(64);
        switch (record)
        {
            case Reading r:
                var d = ChooseDecimals([r]);
                w.Byte(KindReading);
                w.String(r.SensorId);
                w.String(r.Quantity);
                w.String(r.Unit);
                w.Byte(d);
                w.Int64(r.Timestamp.ToUnixTimeMilliseconds());
                WriteReadingTail(ref w, r, d);
                break;
            case Alert a: w.Byte(KindAlert); WriteAlert(ref w, a); break;
            case CommandResult c: w.Byte(KindCommandResult); WriteCommandResult(ref w, c); break;
            case CheckIn or PatrolRecord or ProblemReport or TaskStep:
                w.Byte(KindJson);
                using (var json = new JsonRecordWriter()) json.Write(ref w, record);
                break;
            case AttachmentChunk chunk: w.Byte(KindAttachmentChunk); WriteChunk(ref w, chunk); break;
            default: throw new ArgumentException($"a {record.GetType().Name} has no binary layout", nameof(record));
        }
        return w.ToArray();
    }

    /// <summary>The record a form holds; also reads the one-record payloads ("GEB1") stores kept before forms.</summary>
    public static DecodeResult<Record> DecodeRecord(byte[] form)
    {
        ArgumentNullException.ThrowIfNull(form);
        byte[] payload;
        if (form.Length > 0 && form[0] == (byte)'G') payload = form;
        else
        {
            try { payload = EncodeBatch("", "", 1, null, [form]); }
            catch (InvalidDataException e) { return DecodeResult<Record>.Fail("form", e.Message); }
        }
        var result = DecodeBody(payload.AsSpan(PayloadHeader.Length), payload[3]);
        if (!result.Ok) return DecodeResult<Record>.Fail(result.Error!);
        return result.Value is Batch { Records: [var record] } ? DecodeResult<Record>.Success(record) : DecodeResult<Record>.Fail("form", "holds no single record");
    }

    /// <summary>
    /// A binary batch payload of record forms (<see cref="EncodeRecord"/>), all of one kind, numbered from
    /// <paramref name="firstSeq"/>: what <see cref="Encode"/> of a <see cref="Batch"/> of their records would carry.
    /// </summary>
    /// <exception cref="ArgumentException">No forms, or forms of different kinds.</exception>
    /// <exception cref="InvalidDataException">A form is malformed (a damaged store).</exception>
    public static byte[] EncodeBatch(string gatewayId, string stream, long firstSeq, Guid? storeId, IReadOnlyList<byte[]> forms)
    {
        ArgumentNullException.ThrowIfNull(forms);
        if (forms.Count == 0) throw new ArgumentException("a batch of forms holds at least one", nameof(forms));
        var kind = KindOf(forms[0], 0);
        var size = 0;
        for (var i = 0; i < forms.Count; i++)
        {
            if (KindOf(forms[i], i) != kind) throw new ArgumentException($"stream '{stream}': a batch holds records of one kind only", nameof(forms));
            size += forms[i].Length;
        }
        var w = new ByteWriter(size + 64);
        WriteHeader(ref w, new Batch(gatewayId, stream, firstSeq, [], storeId));
        WriteBatchHead(ref w, gatewayId, stream, firstSeq, forms.Count);
        w.Byte(kind);
        if (kind == KindReading) WriteReadingForms(ref w, forms);
        else foreach (var form in forms) w.Write(form.AsSpan(1));
        return w.ToArray();
    }

    private static byte KindOf(byte[] form, int index) =>
        form is [var kind, _, ..] && kind is >= KindReading and <= KindAttachmentChunk
            ? kind
            : throw new InvalidDataException($"record form {index} is not one: {(form.Length == 0 ? "empty" : $"kind byte 0x{form[0]:X2}")}");

    private static void WriteReadingForms(ref ByteWriter w, IReadOnlyList<byte[]> forms)
    {
        var table = new Dictionary<ReadOnlyMemory<byte>, int>(SeriesBytes.Comparer);
        var series = new List<ReadOnlyMemory<byte>>();
        var parsed = new (int Series, long Ms, int Tail)[forms.Count];
        var wholeSeconds = true;
        for (var i = 0; i < forms.Count; i++)
        {
            var form = forms[i];
            var r = new ByteReader(form);
            if (!r.Byte(out _) || !r.SkipString() || !r.SkipString() || !r.SkipString() || !r.Byte(out _))
                throw new InvalidDataException($"reading form {i}: its series is truncated");
            var key = form.AsMemory(1, r.Position - 1);
            if (!r.Int64(out var ms) || r.Remaining == 0) throw new InvalidDataException($"reading form {i}: its time or value is truncated");
            if (!table.TryGetValue(key, out var index))
            {
                index = series.Count;
                table[key] = index;
                series.Add(key);
            }
            parsed[i] = (index, ms, r.Position);
            wholeSeconds &= ms % 1000 == 0;
        }
        long Units(long ms) => wholeSeconds ? ms / 1000 : ms;

        w.Byte(wholeSeconds ? TimeInSeconds : TimeInMilliseconds);
        var previous = Units(parsed[0].Ms);
        w.ZigZag(previous);
        w.VarUInt((ulong)series.Count);
        foreach (var entry in series) w.Write(entry.Span);
        for (var i = 0; i < forms.Count; i++)
        {
            var (index, ms, tail) = parsed[i];
            w.VarUInt((ulong)index);
            var t = Units(ms);
            w.ZigZag(t - previous);
            previous = t;
            w.Write(forms[i].AsSpan(tail));
        }
    }

    /// <summary>Series compared by their encoded bytes.</summary>
    private sealed class SeriesBytes : IEqualityComparer<ReadOnlyMemory<byte>>
    {
        public static readonly SeriesBytes Comparer = new();

        public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span);

        public int GetHashCode(ReadOnlyMemory<byte> bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes.Span);
            return hash.ToHashCode();
        }
    }
}
