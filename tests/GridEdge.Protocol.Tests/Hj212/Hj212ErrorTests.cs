using System.Text;
using GridEdge.Protocol.Hj212;

namespace GridEdge.Protocol.Tests.Hj212;

public class Hj212ErrorTests
{
    // One real error of each kind, produced by the parser from bad input.
    public static TheoryData<Hj212ErrorKind> Kinds() => [.. Enum.GetValues<Hj212ErrorKind>()];

    private static Hj212Error ErrorOf(Hj212ErrorKind kind)
    {
        Hj212Error? error;
        switch (kind)
        {
            case Hj212ErrorKind.Length:
                Hj212Framing.TryReadFrame("##test13912345678"u8, 1024, out _, out _, out _, out error);
                break;
            case Hj212ErrorKind.Crc:
                Hj212Framing.TryReadFrame(Encoding.ASCII.GetBytes(Frames2017.Minute[..^4] + "0000"), 1024, out _, out _, out _, out error);
                break;
            case Hj212ErrorKind.Truncated:
                Hj212Framing.TryReadWhole(Encoding.ASCII.GetBytes(Frames2017.Minute[..200]), 1024, out _, out error);
                break;
            case Hj212ErrorKind.Field:
                Hj212Packet.TryParse("ST=22;CN=2011;PW=1;CP=&&&&"u8, out _, out error);
                break;
            default:
                Hj212Framing.TryReadWhole("QN=1;ST=22"u8, 1024, out _, out error);
                break;
        }
        Assert.NotNull(error);
        Assert.Equal(kind, error.Kind);
        return error;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_kind_of_error_names_its_prefix_once(Hj212ErrorKind kind)
    {
        var error = ErrorOf(kind);
        foreach (var text in new[] { error.Message, error.ToString() })
        {
            var prefix = error.KindName;
            Assert.StartsWith(prefix, text, StringComparison.Ordinal);
            Assert.DoesNotContain($"{prefix}: {prefix}:", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain($": {error.Field}: {error.Field}:", text, StringComparison.Ordinal);
            // The field is named once, or not at all when it is the kind itself.
            var afterPrefix = text[prefix.Length..];
            Assert.True(CountOf(afterPrefix, error.Field + ":") <= 1, text);
            Assert.EndsWith(error.Problem, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_crc_error_reads_crc_once_and_a_field_error_names_its_field()
    {
        Assert.Equal("crc: declared 0000, computed 7BC0 over 170 data bytes",
            new Hj212Error(Hj212ErrorKind.Crc, "crc", "declared 0000, computed 7BC0 over 170 data bytes", 176).Message);
        Assert.Equal("crc at byte 176: declared 0000, computed 7BC0 over 170 data bytes",
            new Hj212Error(Hj212ErrorKind.Crc, "crc", "declared 0000, computed 7BC0 over 170 data bytes", 176).ToString());
        Assert.Equal("length: '00x1' is not 4 decimal digits", new Hj212Error(Hj212ErrorKind.Length, "length", "'00x1' is not 4 decimal digits", 2).Message);
        Assert.Equal("field: MN: missing; expected present and not empty", ErrorOf(Hj212ErrorKind.Field).Message);
        Assert.Equal("truncated: length: declared 462 bytes, but 190 lie between the length field and the CRC", ErrorOf(Hj212ErrorKind.Truncated).Message);
    }

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
