using System.Text;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Tests;

public class CodecTests
{
    public static TheoryData<WireFormat> Formats => [WireFormat.Json, WireFormat.Binary];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_message_kind_round_trips(WireFormat format)
    {
        foreach (var (_, message) in Samples.All())
        {
            var decoded = WireCodec.Decode(WireCodec.Encode(message, format));
            Assert.True(decoded.Ok, decoded.Error?.ToString());
            Assert.Equal(message, decoded.Value);
        }
    }

    [Fact]
    public void Binary_keeps_values_that_are_not_short_decimals_exactly()
    {
        var at = new DateTimeOffset(2026, 11, 26, 8, 0, 0, 123, TimeSpan.Zero);
        var batch = new Batch("gw-1", Streams.Readings, 1,
        [
            Reading.Instant("s", Quantities.Pm2_5, Math.PI, at, ClockQuality.Unsynchronised),
            Reading.OfWindow("s", Quantities.Pm2_5, new Aggregate(1e-9, Math.E, 1e12 + 0.5, int.MaxValue, 3600), at.AddMilliseconds(-5000), ClockQuality.GnssDisciplined),
            Reading.Instant("t", Quantities.Temperature, -40.125, at.AddDays(-400), ClockQuality.NetworkSynced),
        ]);

        var decoded = WireCodec.Decode(WireCodec.Encode(batch, WireFormat.Binary));

        Assert.True(decoded.Ok, decoded.Error?.ToString());
        Assert.Equal(batch, decoded.Value);
    }

    [Fact]
    public void Binary_minute_aggregates_take_at_most_16_bytes_a_reading_batched()
    {
        var batch = Samples.MinuteAggregates(500);

        var binary = WireCodec.Encode(batch, WireFormat.Binary).Length / 500.0;
        var json = WireCodec.Encode(batch, WireFormat.Json).Length / 500.0;

        Assert.True(binary <= 16, $"{binary:F2} bytes per reading");
        Assert.True(json > 5 * binary, $"json {json:F1} vs binary {binary:F2}");
    }

    [Fact]
    public void Every_truncation_of_a_binary_batch_is_an_error_not_an_exception()
    {
        var bytes = WireCodec.Encode(Samples.ReadingBatch(), WireFormat.Binary);
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var result = WireCodec.Decode(bytes.AsSpan(0, cut));
            Assert.False(result.Ok, $"a payload cut to {cut} of {bytes.Length} bytes decoded");
            Assert.False(string.IsNullOrEmpty(result.Error.Field));
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Random_corruption_never_throws(WireFormat format)
    {
        var original = WireCodec.Encode(Samples.ReadingBatch(), format);
        var random = new Random(212);
        var rejected = 0;
        for (var i = 0; i < 5000; i++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--) bytes[random.Next(4, bytes.Length)] = (byte)random.Next(256);
            var result = WireCodec.Decode(bytes);
            if (!result.Ok) rejected++;
            else Assert.Null(Validation.Check(result.Value));
        }
        Assert.True(rejected > 0);
    }

    [Fact]
    public void Header_names_what_is_wrong()
    {
        Assert.Equal("header", WireCodec.Decode("GE"u8).Error?.Field);
        Assert.Equal("header", WireCodec.Decode("{\"type\":\"ack\"}"u8).Error?.Field);
        Assert.Equal("header.format", WireCodec.Decode("GEX1{}"u8).Error?.Field);
        Assert.Equal("header.version", WireCodec.Decode("GEJ9{}"u8).Error?.Field);
    }

    [Fact]
    public void Oversized_payload_is_refused_before_decoding()
    {
        var bytes = WireCodec.Encode(Samples.MinuteAggregates(2000), WireFormat.Json);

        var result = WireCodec.Decode(bytes, maxPayloadBytes: 1024);

        Assert.Equal("payload", result.Error?.Field);
        Assert.Contains("over the limit of 1024", result.Error?.Problem);
    }

    [Theory]
    [InlineData("\"value\":35.2", "\"value\":\"high\"", "$.records[0].value")]
    [InlineData("\"firstSeq\":4201", "\"firstSeq\":true", "$.firstSeq")]
    [InlineData("\"quantity\":\"pm2_5\"", "\"quantity\":\"pm3\"", "records[0].quantity")]
    [InlineData("\"unit\":\"µg/m³\"", "\"unit\":\"mg/m3\"", "records[0].unit")]
    [InlineData("\"stream\":\"readings\"", "\"stream\":\"gossip\"", "stream")]
    [InlineData("\"gatewayId\":\"gw-370102-001\"", "\"gatewayId\":\"GW/1\"", "gatewayId")]
    [InlineData("\"min\":31,", "\"min\":36,", "records[0].window")]
    [InlineData("\"sensorId\":\"pms-1\",", "", "$.records[0]")]
    public void Json_errors_name_the_field(string original, string replacement, string field)
    {
        var json = Encoding.UTF8.GetString(WireCodec.Encode(Samples.ReadingBatch(), WireFormat.Json));
        Assert.Contains(original, json);
        var index = json.IndexOf(original, StringComparison.Ordinal);
        var broken = json[..index] + replacement + json[(index + original.Length)..];

        var result = WireCodec.Decode(Encoding.UTF8.GetBytes(broken));

        Assert.False(result.Ok);
        Assert.StartsWith(field, result.Error.Field);
    }

    [Fact]
    public void Json_with_an_unknown_message_type_is_rejected()
    {
        var result = WireCodec.Decode("GEJ1{\"type\":\"selfdestruct\",\"gatewayId\":\"gw-1\"}"u8);

        Assert.False(result.Ok);
    }

    [Fact]
    public void A_batch_declaring_more_records_than_its_bytes_can_hold_is_refused_without_allocating_them()
    {
        var bytes = WireCodec.Encode(Samples.ReadingBatch(), WireFormat.Binary).ToList();
        // Rewrite the record count (after header, type, gateway id, stream, first seq) to 9,999.
        var offset = 4 + 1 + 1 + "gw-370102-001".Length + 1 + "readings".Length + 2;
        bytes[offset] = 0x8F; bytes.Insert(offset + 1, 0x4E);

        var result = WireCodec.Decode(bytes.ToArray());

        Assert.Equal("records", result.Error?.Field);
    }
}
