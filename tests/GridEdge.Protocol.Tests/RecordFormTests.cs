using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Record = GridEdge.Protocol.Records.Record;

namespace GridEdge.Protocol.Tests;

/// <summary>Record forms: what the gateway's outbox stores, and the batch put together from them without decoding.</summary>
public class RecordFormTests
{
    private static readonly Guid StoreId = Guid.Parse("5b1f0c2e-8d3a-4e6f-9a7b-1c2d3e4f5a6b");

    public static TheoryData<string, bool> Batches()
    {
        var data = new TheoryData<string, bool>();
        foreach (var (name, message) in Samples.All())
        {
            if (message is not Batch { StoreId: null }) continue;
            data.Add(name, false);
            data.Add(name, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void Forms_put_together_are_the_batch_the_codec_writes_byte_for_byte(string sample, bool withStoreId)
    {
        var batch = (Batch)Samples.All().Single(s => s.Name == sample).Message;
        if (withStoreId) batch = batch with { StoreId = StoreId };
        var forms = batch.Records.Select(BinaryCodec.EncodeRecord).ToList();

        var together = BinaryCodec.EncodeBatch(batch.GatewayId, batch.Stream, batch.FirstSeq, batch.StoreId, forms);

        Assert.Equal(Convert.ToHexString(BinaryCodec.Encode(batch)), Convert.ToHexString(together));
    }

    [Fact]
    public void Readings_of_one_series_at_different_scales_and_times_decode_to_the_same_records()
    {
        var t0 = Samples.T0;
        Record[] records =
        [
            Reading.Instant("pms-1", Quantities.Pm2_5, 35, t0, ClockQuality.NetworkSynced),
            Reading.Instant("pms-1", Quantities.Pm2_5, 35.25, t0.AddMilliseconds(1500), ClockQuality.NetworkSynced),
            Reading.Instant("pms-1", Quantities.Pm2_5, 1e300, t0.AddSeconds(-3), ClockQuality.Unsynchronised, DataFlag.OverRange),
            Reading.OfWindow("pms-1", Quantities.Pm10, new Aggregate(-1.5, 0.125, 2, 12, 60), t0.AddMinutes(1), ClockQuality.GnssDisciplined),
            Reading.Instant("pms-1", Quantities.Pm2_5, 36, t0.AddMinutes(2), ClockQuality.NetworkSynced),
        ];

        var payload = BinaryCodec.EncodeBatch("gw-1", Streams.Readings, 7, null, records.Select(BinaryCodec.EncodeRecord).ToList());
        var decoded = WireCodec.Decode(payload);

        Assert.True(decoded.Ok, decoded.Error?.ToString());
        var batch = Assert.IsType<Batch>(decoded.Value);
        Assert.Equal(("gw-1", Streams.Readings, 7L), (batch.GatewayId, batch.Stream, batch.FirstSeq));
        Assert.Equal(records, batch.Records);
    }

    [Fact]
    public void A_form_decodes_to_its_record_and_so_does_a_one_record_payload_of_an_older_store()
    {
        var reading = Samples.ReadingBatch().Records[0];
        var legacy = BinaryCodec.Encode(new Batch("", "", 1, [reading]));

        Assert.Equal(reading, BinaryCodec.DecodeRecord(BinaryCodec.EncodeRecord(reading)).Value);
        Assert.Equal(reading, BinaryCodec.DecodeRecord(legacy).Value);
        Assert.NotEqual((byte)'G', BinaryCodec.EncodeRecord(reading)[0]);
    }

    [Fact]
    public void Forms_of_two_kinds_or_a_damaged_form_are_refused_saying_which()
    {
        var reading = BinaryCodec.EncodeRecord(Samples.ReadingBatch().Records[0]);
        var alert = BinaryCodec.EncodeRecord(Samples.AlertBatch().Records[0]);

        var mixed = Assert.Throws<ArgumentException>(() => BinaryCodec.EncodeBatch("gw-1", Streams.Readings, 1, null, [reading, alert]));
        Assert.Contains("one kind only", mixed.Message);
        var cut = Assert.Throws<InvalidDataException>(() => BinaryCodec.EncodeBatch("gw-1", Streams.Readings, 1, null, [reading, reading[..6]]));
        Assert.Contains("reading form 1", cut.Message);
        var foreign = Assert.Throws<InvalidDataException>(() => BinaryCodec.EncodeBatch("gw-1", Streams.Readings, 1, null, [[0x99, 1, 2]]));
        Assert.Contains("kind byte 0x99", foreign.Message);
        Assert.False(BinaryCodec.DecodeRecord(reading[..6]).Ok);
    }
}
