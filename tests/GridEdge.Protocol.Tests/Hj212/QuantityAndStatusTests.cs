using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Tests.Hj212;

public class QuantityAndStatusTests
{
    [Theory]
    [InlineData("hj212:a05024", "raw", true)]
    [InlineData("hj212:02-Zs", "raw", true)]
    [InlineData("hj212:a05024", "µg/m³", false)]
    [InlineData("hj212:", "raw", false)]
    [InlineData("hj212:a b", "raw", false)]
    [InlineData("pm2_5", "raw", false)]
    [InlineData("pm2_5", "µg/m³", true)]
    [InlineData("ozone", "raw", false)]
    public void Unmapped_source_codes_are_valid_only_as_raw_values(string quantity, string unit, bool valid)
    {
        var reading = new Reading("s1", quantity, unit, 1, null, DataFlag.Normal, DateTimeOffset.UnixEpoch, ClockQuality.NetworkSynced);
        Assert.Equal(valid, Validation.CheckReading(reading) is null);
    }

    [Fact]
    public void The_vocabulary_itself_is_unchanged()
    {
        Assert.Equal(11, Quantities.All.Count);
        Assert.DoesNotContain(Quantities.All, q => q.StartsWith("hj212:", StringComparison.Ordinal));
        Assert.Equal("raw", Quantities.DefaultUnit("hj212:x1"));
        Assert.Throws<ArgumentException>(() => Quantities.DefaultUnit("x1"));
    }

    [Theory]
    [InlineData(WireFormat.Json)]
    [InlineData(WireFormat.Binary)]
    public void A_status_with_monitors_round_trips_and_one_without_keeps_its_old_encoding(WireFormat format)
    {
        var at = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var status = new GatewayStatus("gw-a", GatewayState.Online, "1.0", "local", Guid.Parse("2b1c9a3e-7f40-4d8e-9a51-0c6d2e8f1a77"), at,
            [new MonitorStatus("GE0001DUST00000000000001", "工地 3 号", at.AddMinutes(-1), ConformanceWarnings: 300), new MonitorStatus("LD130131000211")]);
        var decoded = WireCodec.Decode(WireCodec.Encode(status, format));
        Assert.True(decoded.Ok, decoded.Error?.ToString());
        Assert.Equal(status, decoded.Value);
        Assert.Equal(300, ((GatewayStatus)decoded.Value!).Monitors![0].ConformanceWarnings);

        var plain = status with { Monitors = null };
        var bytes = WireCodec.Encode(plain, format);
        Assert.Equal(plain, WireCodec.Decode(bytes).Value);
        if (format == WireFormat.Json) Assert.DoesNotContain("monitors", System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void A_monitor_without_conformance_warnings_encodes_as_before_they_existed()
    {
        var status = new GatewayStatus("gw-a", GatewayState.Online, "1.0", "local", Guid.Empty, DateTimeOffset.UnixEpoch, [new MonitorStatus("M1", "s", DateTimeOffset.UnixEpoch)]);
        Assert.DoesNotContain("conformanceWarnings", System.Text.Encoding.UTF8.GetString(WireCodec.Encode(status, WireFormat.Json)));
        var binary = WireCodec.Encode(status, WireFormat.Binary);
        // mn "M1", presence byte 3 (station, lastContact), station "s", lastContact 0: the last 7 bytes, nothing after them.
        Assert.Equal([2, (byte)'M', (byte)'1', 3, 1, (byte)'s', 0], binary[^7..]);
    }

    [Fact]
    public void A_status_listing_a_monitor_twice_is_refused()
    {
        var status = new GatewayStatus("gw-a", GatewayState.Online, "1.0", "local", Guid.Empty, DateTimeOffset.UnixEpoch,
            [new MonitorStatus("M1"), new MonitorStatus("M1")]);
        var decoded = WireCodec.Decode(WireCodec.Encode(status, WireFormat.Binary));
        Assert.False(decoded.Ok);
        Assert.Equal("monitors[1].mn", decoded.Error.Field);
    }
}
