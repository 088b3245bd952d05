namespace GridEdge.Hardware.Nmea;

/// <summary>Cuts a byte stream into lines at LF (CR ignored) in a fixed buffer; overlong lines are reported, not grown into.</summary>
public sealed class NmeaLineSplitter
{
    private readonly byte[] _line;
    private int _length;
    private bool _overflow;

    /// <summary>Creates a splitter whose longest line is <paramref name="maxLineLength"/> bytes.</summary>
    public NmeaLineSplitter(int maxLineLength = NmeaParser.MaxSentenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 8);
        _line = new byte[maxLineLength];
    }

    /// <summary>
    /// Takes bytes from <paramref name="input"/> up to the end of the next line and returns true with that line (without
    /// CR/LF), or false when the input ran out first. <paramref name="tooLong"/> is true when the line did not fit; its
    /// returned content is then the part that fitted.
    /// </summary>
    public bool TryReadLine(ref ReadOnlySpan<byte> input, out ReadOnlySpan<byte> line, out bool tooLong)
    {
        line = default;
        tooLong = false;
        var newline = input.IndexOf((byte)'\n');
        var chunk = newline < 0 ? input : input[..newline];
        var room = _line.Length - _length;
        if (chunk.Length > room) { _overflow = true; chunk = chunk[..room]; }
        chunk.CopyTo(_line.AsSpan(_length));
        _length += chunk.Length;
        if (newline < 0)
        {
            input = default;
            return false;
        }
        input = input[(newline + 1)..];
        var length = _length;
        if (length > 0 && _line[length - 1] == (byte)'\r') length--;
        line = _line.AsSpan(0, length);
        tooLong = _overflow;
        _length = 0;
        _overflow = false;
        return true;
    }

    /// <summary>At the end of the input: the unterminated last line, if any.</summary>
    public bool TryFlush(out ReadOnlySpan<byte> line, out bool tooLong)
    {
        line = _line.AsSpan(0, _length);
        tooLong = _overflow;
        var any = _length > 0 || _overflow;
        _length = 0;
        _overflow = false;
        return any;
    }
}
