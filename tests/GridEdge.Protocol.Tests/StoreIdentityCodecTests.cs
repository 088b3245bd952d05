using System.Text;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Tests;

public class StoreIdentityCodecTests
{
    [Theory]
    [InlineData(WireFormat.Json)]
    [InlineData(WireFormat.Binary)]
    public void A_message_without_a_store_id_is_written_as_version_1_and_one_with_it_as_version_2(WireFormat format)
    {
        var legacy = WireCodec.Encode(Samples.ReadingBatch(), format);
        var stored = WireCodec.Encode(Samples.ReadingBatch() with { StoreId = Samples.StoreId }, format);

        Assert.Equal((byte)'1', legacy[3]);
        Assert.Equal((byte)'2', stored[3]);
        var decoded = Assert.IsType<Batch>(WireCodec.Decode(stored).Value);
        Assert.Equal(Samples.StoreId, decoded.StoreId);
        Assert.Null(Assert.IsType<Batch>(WireCodec.Decode(legacy).Value).StoreId);
    }

    [Theory]
    [InlineData(WireFormat.Json)]
    [InlineData(WireFormat.Binary)]
    public void A_gap_note_with_an_unknown_reason_is_refused_naming_the_field(WireFormat format)
    {
        var status = Samples.Birth() with { StoreId = Samples.StoreId, GapNotes = [new GapNote(Streams.Readings, 5, 9, "lost_in_the_post")] };

        var result = WireCodec.Decode(WireCodec.Encode(status, format));

        Assert.False(result.Ok);
        Assert.Equal("gapNotes[0].reason", result.Error!.Field);
    }

    [Fact]
    public void A_gap_note_range_that_runs_backwards_is_refused()
    {
        var status = Samples.Birth() with { GapNotes = [new GapNote(Streams.CheckIns, 9, 5, GapReasons.Evicted)] };

        var result = WireCodec.Decode(WireCodec.Encode(status, WireFormat.Binary));

        Assert.False(result.Ok);
        Assert.Equal("gapNotes[0]", result.Error!.Field);
    }

    [Fact]
    public void A_version_3_header_is_refused_naming_the_versions_read()
    {
        var payload = WireCodec.Encode(Samples.Ack(), WireFormat.Json);
        payload[3] = (byte)'3';

        var result = WireCodec.Decode(payload);

        Assert.False(result.Ok);
        Assert.Equal("header.version", result.Error!.Field);
        Assert.Contains("'1' and '2'", result.Error.Problem, StringComparison.Ordinal);
        Assert.StartsWith("GEJ3", Encoding.ASCII.GetString(payload, 0, 4), StringComparison.Ordinal);
    }
}
