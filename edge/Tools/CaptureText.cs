namespace GridEdge.Edge.Tools;

/// <summary>
/// The text forms captures come in: comment lines ("# …", or a lone "#", as the shipped captures and the public corpora
/// write them), and hex text, the bytes of a binary protocol as a serial logger or a datasheet prints them.
/// </summary>
public static class CaptureText
{
    /// <summary>Whether the line (without its line end) is a comment.</summary>
    public static bool IsComment(ReadOnlySpan<byte> line)
    {
        line = line.TrimEnd("\r"u8);
        return line.StartsWith("# "u8) || line.SequenceEqual("#"u8);
    }

    /// <summary>
    /// Reads a capture holding only hex digits, whitespace and comment lines (at least one digit): the bytes, and for
    /// each text line that holds digits, the offset of its first byte and its line number, so that a byte offset can
    /// be traced back to its line. False for anything else (a raw binary capture), and then nothing is read.
    /// </summary>
    public static bool TryReadHex(ReadOnlyMemory<byte> capture, out byte[] bytes, out List<(int Offset, int Line)> lines, out bool oddDigit)
    {
        bytes = [];
        lines = [];
        oddDigit = false;
        var digits = 0;
        foreach (var line in Lines(capture))
        {
            if (IsComment(line.Text.Span)) continue;
            foreach (var b in line.Text.Span)
            {
                if (IsHex(b)) digits++;
                else if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r')) return false;
            }
        }
        if (digits == 0) return false;

        var result = new byte[digits / 2];
        var n = 0;
        var high = -1;
        foreach (var line in Lines(capture))
        {
            if (IsComment(line.Text.Span)) continue;
            var first = true;
            foreach (var b in line.Text.Span)
            {
                if (!IsHex(b)) continue;
                if (first)
                {
                    lines.Add((n, line.Number));
                    first = false;
                }
                if (high < 0) high = Value(b);
                else if (n < result.Length)
                {
                    result[n++] = (byte)(high << 4 | Value(b));
                    high = -1;
                }
            }
        }
        bytes = result;
        oddDigit = digits % 2 == 1;
        return true;
    }

    /// <summary>The text line a byte offset of <see cref="TryReadHex"/>'s bytes came from.</summary>
    public static int LineOf(List<(int Offset, int Line)> lines, long offset)
    {
        int low = 0, high = lines.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (lines[middle].Offset <= offset) low = middle;
            else high = middle - 1;
        }
        return lines[low].Line;
    }

    private static IEnumerable<(int Number, ReadOnlyMemory<byte> Text)> Lines(ReadOnlyMemory<byte> capture)
    {
        var number = 0;
        var start = 0;
        while (start < capture.Length)
        {
            var end = capture.Span[start..].IndexOf((byte)'\n');
            var length = end < 0 ? capture.Length - start : end;
            yield return (++number, capture.Slice(start, length));
            start += length + 1;
        }
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int Value(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
