using System.Buffers.Text;

namespace GridEdge.Protocol.Hj212;

/// <summary>Which values a pollutant carried in one CP group.</summary>
[Flags]
public enum Hj212Values : byte
{
    None = 0,
    Rtd = 1,
    Avg = 2,
    Min = 4,
    Max = 8,
    Cou = 16,
    Flag = 32,
}

/// <summary>
/// One pollutant's values from one CP group (e.g. <c>a34004-Avg=14,a34004-Min=9,a34004-Max=20,a34004-Flag=N</c>).
/// <see cref="Converted"/> marks the 2005 "Zs" values (converted to a reference oxygen level), kept apart from the measured ones.
/// </summary>
public readonly ref struct Hj212Pollutant
{
    internal Hj212Pollutant(ReadOnlySpan<byte> code, bool converted, Hj212Values present, double rtd, double avg, double min, double max, double cou, byte flag, int offset)
    {
        Code = code; Converted = converted; Present = present; Rtd = rtd; Avg = avg; Min = min; Max = max; Cou = cou; FlagLetter = flag; Offset = offset;
    }

    public ReadOnlySpan<byte> Code { get; }
    public bool Converted { get; }
    public Hj212Values Present { get; }
    public double Rtd { get; }
    public double Avg { get; }
    public double Min { get; }
    public double Max { get; }
    public double Cou { get; }
    /// <summary>The data flag letter (N, F, M, S, D, C, T, B), or 0 when the group had none.</summary>
    public byte FlagLetter { get; }
    /// <summary>Offset of the pollutant's first field within the CP area.</summary>
    public int Offset { get; }

    public bool Has(Hj212Values value) => (Present & value) != 0;
}

/// <summary>
/// Reads the CP area pollutant by pollutant without allocating: fields are <c>KEY=VALUE</c> separated by ',' within a group
/// and ';' between groups; a key <c>code-Suffix</c> belongs to a pollutant, a key without '-' (DataTime, AlarmType) to the group.
/// Suffixes other than Rtd/Avg/Min/Max/Cou/Flag and their Zs forms (RS, RT, Ala, SampleTime, ...) are skipped.
/// </summary>
public ref struct Hj212CpReader
{
    private readonly ReadOnlySpan<byte> _cp;
    private readonly int _baseOffset;
    private int _pos;

    /// <param name="cp">The CP area.</param>
    /// <param name="baseOffset">Added to offsets in errors (e.g. the CP area's offset in the frame).</param>
    public Hj212CpReader(ReadOnlySpan<byte> cp, int baseOffset = 0)
    {
        _cp = cp;
        _baseOffset = baseOffset;
        _pos = 0;
    }

    /// <summary>The next pollutant; false at the end, or on a malformed field (then <paramref name="error"/> says which).</summary>
    public bool Read(out Hj212Pollutant pollutant, out Hj212Error? error)
    {
        bool found, flagOnly;
        do found = ReadOne(out pollutant, out error, out flagOnly);
        while (flagOnly);
        return found;
    }

    private bool ReadOne(out Hj212Pollutant pollutant, out Hj212Error? error, out bool flagOnly)
    {
        flagOnly = false;
        pollutant = default;
        error = null;
        ReadOnlySpan<byte> code = default;
        var converted = false;
        var present = Hj212Values.None;
        double rtd = 0, avg = 0, min = 0, max = 0, cou = 0;
        byte flag = 0;
        var started = -1;

        while (_pos < _cp.Length)
        {
            var rest = _cp[_pos..];
            var end = rest.IndexOfAny((byte)';', (byte)',');
            var field = end < 0 ? rest : rest[..end];
            var groupEnds = end < 0 || rest[end] == (byte)';';
            var fieldAt = _pos;
            var next = end < 0 ? _cp.Length : _pos + end + 1;

            var eq = field.IndexOf((byte)'=');
            if (field.IsEmpty) { _pos = next; if (groupEnds && started >= 0) break; continue; }
            if (eq <= 0)
            {
                error = new Hj212Error(Hj212ErrorKind.Field, Hj212Framing.Printable(field), "expected KEY=VALUE in the CP area", _baseOffset + fieldAt);
                return false;
            }
            var key = field[..eq];
            var value = field[(eq + 1)..];
            var dash = key.LastIndexOf((byte)'-');
            if (dash <= 0)
            {
                // A group attribute (DataTime, AlarmType, QnRtn, ...).
                _pos = next;
                if (groupEnds && started >= 0) break;
                continue;
            }
            var fieldCode = key[..dash];
            var suffix = key[(dash + 1)..];
            var zs = suffix.Length > 2 && suffix[0] == (byte)'Z' && suffix[1] == (byte)'s';
            var bare = zs ? suffix[2..] : suffix;
            var which = bare switch
            {
                _ when bare.SequenceEqual("Rtd"u8) => Hj212Values.Rtd,
                _ when bare.SequenceEqual("Avg"u8) => Hj212Values.Avg,
                _ when bare.SequenceEqual("Min"u8) => Hj212Values.Min,
                _ when bare.SequenceEqual("Max"u8) => Hj212Values.Max,
                _ when bare.SequenceEqual("Cou"u8) => Hj212Values.Cou,
                _ when !zs && bare.SequenceEqual("Flag"u8) => Hj212Values.Flag,
                _ => Hj212Values.None,
            };

            if (started >= 0 && (!fieldCode.SequenceEqual(code) || (which is not (Hj212Values.Flag or Hj212Values.None) && zs != converted)))
                break; // a new pollutant starts here: return the current one, resume at this field next time

            if (which == Hj212Values.None)
            {
                _pos = next;
                if (groupEnds && started >= 0) break;
                continue;
            }
            if (started < 0)
            {
                started = fieldAt;
                code = fieldCode;
                converted = which != Hj212Values.Flag && zs;
            }
            if (which == Hj212Values.Flag)
            {
                if (value.Length != 1)
                {
                    error = new Hj212Error(Hj212ErrorKind.Field, Hj212Framing.Printable(key), $"'{Hj212Framing.Printable(value)}' is not a one-letter data flag", _baseOffset + fieldAt);
                    return false;
                }
                flag = value[0];
            }
            else
            {
                if (!Utf8Parser.TryParse(value, out double number, out var used) || used != value.Length || !double.IsFinite(number))
                {
                    error = new Hj212Error(Hj212ErrorKind.Field, Hj212Framing.Printable(key), $"'{Hj212Framing.Printable(value)}' is not a number", _baseOffset + fieldAt + eq + 1);
                    return false;
                }
                switch (which)
                {
                    case Hj212Values.Rtd: rtd = number; break;
                    case Hj212Values.Avg: avg = number; break;
                    case Hj212Values.Min: min = number; break;
                    case Hj212Values.Max: max = number; break;
                    case Hj212Values.Cou: cou = number; break;
                }
            }
            present |= which;
            _pos = next;
            if (groupEnds) break;
        }
        if (started < 0) return false;
        if ((present & ~Hj212Values.Flag) == 0)
        {
            // A flag with no value (e.g. "01-Flag=N" alone): nothing to report, read on.
            flagOnly = true;
            return false;
        }
        pollutant = new Hj212Pollutant(code, converted, present, rtd, avg, min, max, cou, flag, started);
        return true;
    }

    /// <summary>The value of a group-level key (DataTime, QN, QnRtn, ...) in a CP area, or empty.</summary>
    public static ReadOnlySpan<byte> FindAttribute(ReadOnlySpan<byte> cp, ReadOnlySpan<byte> key)
    {
        var pos = 0;
        while (pos < cp.Length)
        {
            var rest = cp[pos..];
            var end = rest.IndexOfAny((byte)';', (byte)',');
            var field = end < 0 ? rest : rest[..end];
            if (field.Length > key.Length && field[key.Length] == (byte)'=' && field.StartsWith(key)) return field[(key.Length + 1)..];
            pos = end < 0 ? cp.Length : pos + end + 1;
        }
        return default;
    }

    /// <summary>Reads a DataTime/SystemTime value: yyyyMMddHHmmss (2017) or yyyyMMddHHmmssfff (2005 devices add milliseconds).</summary>
    public static bool TryParseTime(ReadOnlySpan<byte> text, out DateTime local)
    {
        local = default;
        if (text.Length is not (14 or 17)) return false;
        if (!Hj212Packet.TryInt(text[..4], 4, out var y) || !Hj212Packet.TryInt(text.Slice(4, 2), 2, out var mo) || !Hj212Packet.TryInt(text.Slice(6, 2), 2, out var d)
            || !Hj212Packet.TryInt(text.Slice(8, 2), 2, out var h) || !Hj212Packet.TryInt(text.Slice(10, 2), 2, out var mi) || !Hj212Packet.TryInt(text.Slice(12, 2), 2, out var s))
            return false;
        var ms = 0;
        if (text.Length == 17 && !Hj212Packet.TryInt(text[14..], 3, out ms)) return false;
        if (y < 1 || mo is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return false;
        local = new DateTime(y, mo, d, h, mi, s, ms, DateTimeKind.Unspecified);
        return true;
    }
}
