using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Hj212;
using GridEdge.Protocol.Records;

namespace GridEdge.Protocol.Tests.Hj212;

public class Hj212ReadingsTests
{
    private static readonly DateTimeOffset Eight = new(2025, 3, 1, 8, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void Minute_data_becomes_one_minute_windows_in_protocol_quantities_and_units()
    {
        var readings = Hj212CaptureTests.Convert(Frames2017.Minute, new Hj212MonitorProfile(Frames2017.Mn, TimeSpan.FromHours(8), ClockQuality.NetworkSynced));
        Reading Of(string q) => Assert.Single(readings, r => r.Quantity == q);

        Assert.Equal(new Aggregate(30.1, 35.2, 40.8, 1, 60), Of(Quantities.Pm2_5).Window);
        Assert.Equal(Quantities.MicrogramsPerCubicMetre, Of(Quantities.Pm2_5).Unit);
        Assert.Equal(61.0, Of(Quantities.Pm10).Value);
        Assert.Equal(120, Of(Quantities.Tsp).Value);
        Assert.Equal(("dB(A)", 55.3), (Of(Quantities.Noise).Unit, Of(Quantities.Noise).Value));
        Assert.Equal(("°C", 12.5), (Of(Quantities.Temperature).Unit, Of(Quantities.Temperature).Value));
        Assert.Equal(("%RH", 45.0), (Of(Quantities.Humidity).Unit, Of(Quantities.Humidity).Value));
        // HJ 212 pressure is kPa: 101.3 kPa is 1013 hPa.
        Assert.Equal(("hPa", 1013.0), (Of(Quantities.Pressure).Unit, Math.Round(Of(Quantities.Pressure).Value, 6)));
        Assert.Equal(("m/s", 2.4), (Of(Quantities.WindSpeed).Unit, Of(Quantities.WindSpeed).Value));
        Assert.Equal(("°", 225.0), (Of(Quantities.WindDirection).Unit, Of(Quantities.WindDirection).Value));
        // An unmapped code (a05024, ozone) is kept, raw, with its flag (C: calibration).
        var ozone = Of("hj212:a05024");
        Assert.Equal((Quantities.RawUnit, 63.0, DataFlag.Calibration), (ozone.Unit, ozone.Value, ozone.Flag));

        Assert.All(readings, r =>
        {
            Assert.Equal(Frames2017.Mn, r.SensorId);
            Assert.Equal(Eight, r.Timestamp);
            Assert.Null(Validation.CheckReading(r));
        });
        Assert.Equal(10, readings.Count);
    }

    [Fact]
    public void Real_time_data_becomes_instant_readings_with_mapped_flags()
    {
        var readings = Hj212CaptureTests.Convert(Frames2017.RealTime);
        var pm = Assert.Single(readings, r => r.Quantity == Quantities.Pm2_5);
        Assert.Null(pm.Window);
        Assert.Equal((36.0, DataFlag.Fault), (pm.Value, pm.Flag));
        Assert.Equal(998.0, Math.Round(Assert.Single(readings, r => r.Quantity == Quantities.Pressure).Value, 6));
    }

    [Theory]
    [InlineData(2061, 3600)]
    [InlineData(2031, 86400)]
    [InlineData(2051, 600)]
    public void Hour_day_and_configured_minute_windows(int cn, int seconds)
    {
        var readings = new List<Reading>();
        var profile = new Hj212MonitorProfile("m", TimeSpan.FromHours(8), ClockQuality.NetworkSynced, MinuteWindowSeconds: 600);
        Assert.True(Hj212Readings.TryConvert(cn, "DataTime=20250301000000;a34004-Avg=10,a34004-Min=5,a34004-Max=20"u8, profile, readings, out _, out _));
        Assert.Equal(seconds, Assert.Single(readings).Window!.WindowSeconds);
    }

    [Theory]
    [InlineData('N', DataFlag.Normal)]
    [InlineData('F', DataFlag.Stopped)]
    [InlineData('M', DataFlag.Maintenance)]
    [InlineData('S', DataFlag.Manual)]
    [InlineData('D', DataFlag.Fault)]
    [InlineData('C', DataFlag.Calibration)]
    [InlineData('T', DataFlag.OverRange)]
    [InlineData('B', DataFlag.CommunicationError)]
    [InlineData('d', DataFlag.Fault)]
    public void Every_data_flag_maps(char letter, DataFlag flag)
    {
        Assert.True(Hj212Codes.TryMapFlag((byte)letter, out var mapped));
        Assert.Equal(flag, mapped);
    }

    [Fact]
    public void An_unknown_flag_letter_is_counted_and_the_value_kept_as_communication_error()
    {
        var readings = new List<Reading>();
        Assert.True(Hj212Readings.TryConvert(2011, "DataTime=20250301000000;a34004-Rtd=10,a34004-Flag=X"u8,
            new Hj212MonitorProfile("m", TimeSpan.Zero, ClockQuality.NetworkSynced), readings, out var stats, out _));
        Assert.Equal(1, stats.UnknownFlags);
        Assert.Equal(DataFlag.CommunicationError, Assert.Single(readings).Flag);
    }

    [Fact]
    public void Min_and_max_rounded_past_the_average_are_widened_to_hold_it()
    {
        // Seen in the 2016 capture: 011-Min=8.000000,011-Avg=8.000001,011-Max=8.000000
        var readings = new List<Reading>();
        Assert.True(Hj212Readings.TryConvert(2051, "DataTime=20160824225200;011-Min=8.000000,011-Avg=8.000001,011-Max=8.000000"u8,
            new Hj212MonitorProfile("m", TimeSpan.FromHours(8), ClockQuality.NetworkSynced), readings, out var stats, out _));
        Assert.Equal(1, stats.WindowsWidened);
        Assert.Equal(new Aggregate(8.0, 8.000001, 8.000001, 1, 60), Assert.Single(readings).Window);
        Assert.Null(Validation.CheckReading(readings[0]));
    }

    [Fact]
    public void Old_dust_monitor_names_and_a_particulate_scale_are_understood()
    {
        var readings = new List<Reading>();
        var profile = new Hj212MonitorProfile("m", TimeSpan.FromHours(8), ClockQuality.NetworkSynced, ParticulateScale: 1000);
        Assert.True(Hj212Readings.TryConvert(2011, "DataTime=20160824050000000;PM25-Rtd=0.035,PM25-Flag=N;PM10-Rtd=0.061;TSP-Rtd=0.12"u8, profile, readings, out _, out _));
        Assert.Equal(35, Math.Round(Assert.Single(readings, r => r.Quantity == Quantities.Pm2_5).Value, 9));
        Assert.Equal(61, Math.Round(Assert.Single(readings, r => r.Quantity == Quantities.Pm10).Value, 9));
        Assert.Equal(120, Math.Round(Assert.Single(readings, r => r.Quantity == Quantities.Tsp).Value, 9));
    }

    [Fact]
    public void A_missing_or_bad_data_time_is_named()
    {
        var profile = new Hj212MonitorProfile("m", TimeSpan.Zero, ClockQuality.NetworkSynced);
        Assert.False(Hj212Readings.TryConvert(2011, "a34004-Rtd=10"u8, profile, [], out _, out var error));
        Assert.Equal("DataTime", error!.Field);
        Assert.False(Hj212Readings.TryConvert(2011, "DataTime=20251301000000;a34004-Rtd=10"u8, profile, [], out _, out error));
        Assert.Contains("'20251301000000' is not yyyyMMddHHmmss", error!.Problem);
    }

    [Fact]
    public void Split_packets_are_reassembled_in_order_whatever_order_they_arrive_in()
    {
        var assembler = new Hj212SplitAssembler(maxPackets: 8, maxBytes: 4096, timeout: TimeSpan.FromSeconds(30));
        var now = DateTimeOffset.UnixEpoch;
        Assert.Equal(Hj212SplitOutcome.Pending, AddFrame(assembler, Frames2017.SplitHour2, now, out _));
        Assert.Equal(Hj212SplitOutcome.Complete, AddFrame(assembler, Frames2017.SplitHour1, now.AddSeconds(1), out var cp));
        Assert.Equal(0, assembler.HeldBytes);
        var readings = new List<Reading>();
        Assert.True(Hj212Readings.TryConvert(2061, cp, new Hj212MonitorProfile("m", TimeSpan.FromHours(8), ClockQuality.NetworkSynced), readings, out _, out _));
        Assert.Equal([Quantities.Pm2_5, Quantities.Pm10], readings.Select(r => r.Quantity));
        Assert.All(readings, r => Assert.Equal(3600, r.Window!.WindowSeconds));
    }

    [Fact]
    public void Split_packets_are_bounded_in_count_bytes_and_time()
    {
        var assembler = new Hj212SplitAssembler(maxPackets: 8, maxBytes: 200, timeout: TimeSpan.FromSeconds(30));
        var now = DateTimeOffset.UnixEpoch;
        Assert.Equal(Hj212SplitOutcome.Pending, AddFrame(assembler, Frames2017.SplitHour1, now, out _));
        Assert.Equal(1, assembler.PendingMessages);
        // Past the timeout the half message is dropped (counted), and its part no longer counts against the byte budget.
        assembler.ExpireOlderThan(now.AddSeconds(31) - TimeSpan.FromSeconds(30));
        Assert.Equal((0, 1, 0), (assembler.PendingMessages, assembler.Expired, assembler.HeldBytes));

        var small = new Hj212SplitAssembler(maxPackets: 1, maxBytes: 4096, timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(Hj212SplitOutcome.Refused, AddFrame(small, Frames2017.SplitHour1, now, out _));
        var tight = new Hj212SplitAssembler(maxPackets: 8, maxBytes: 50, timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(Hj212SplitOutcome.Refused, AddFrame(tight, Frames2017.SplitHour1, now, out _));
    }

    private static Hj212SplitOutcome AddFrame(Hj212SplitAssembler assembler, string text, DateTimeOffset now, out byte[]? cp)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        Assert.True(Hj212Framing.TryReadWhole(bytes, 1024, out var frame, out _));
        Assert.True(Hj212Packet.TryParse(frame.Data(bytes), out var packet, out _));
        return assembler.Add(packet, now, out cp, out _);
    }
}

/// <summary>Values no atmosphere can hold are kept as sent but flagged, so no figure or alert takes them as data.</summary>
public class Hj212UnphysicalValueTests
{
    private static readonly Hj212MonitorProfile Profile = new("m", TimeSpan.FromHours(8), ClockQuality.NetworkSynced);

    [Theory]
    [InlineData("a34004-Rtd=-1e20", Quantities.Pm2_5)]
    [InlineData("a34004-Rtd=1e308", Quantities.Pm2_5)]
    [InlineData("a01001-Rtd=500", Quantities.Temperature)]
    [InlineData("a01002-Rtd=140", Quantities.Humidity)]
    [InlineData("a34002-Avg=40,a34002-Min=-5,a34002-Max=60", Quantities.Pm10)]
    public void An_unphysical_value_is_stored_as_sent_with_the_fault_flag_and_counted(string cp, string quantity)
    {
        var readings = new List<Reading>();
        Assert.True(Hj212Readings.TryConvert(2011, System.Text.Encoding.ASCII.GetBytes($"DataTime=20250301000000;{cp}"), Profile, readings, out var stats, out var error), error?.Message);

        var reading = Assert.Single(readings);
        Assert.Equal(quantity, reading.Quantity);
        Assert.Equal(DataFlag.Fault, reading.Flag);
        Assert.Equal(1, stats.Unphysical);
    }

    [Fact]
    public void Plausible_values_and_unmapped_codes_stay_normal()
    {
        var readings = new List<Reading>();
        Assert.True(Hj212Readings.TryConvert(2011, "DataTime=20250301000000;a34004-Rtd=0,a01001-Rtd=-40,a01006-Rtd=101.3,a99999-Rtd=-1e20"u8, Profile, readings, out var stats, out _));

        Assert.All(readings, r => Assert.Equal(DataFlag.Normal, r.Flag));
        Assert.Equal(0, stats.Unphysical);
    }

    [Fact]
    public void A_flag_the_monitor_sent_is_kept_on_an_unphysical_value()
    {
        var readings = new List<Reading>();
        Assert.True(Hj212Readings.TryConvert(2011, "DataTime=20250301000000;a34004-Rtd=-1e20,a34004-Flag=M"u8, Profile, readings, out var stats, out _));

        Assert.Equal(DataFlag.Maintenance, Assert.Single(readings).Flag);
        Assert.Equal(1, stats.Unphysical);
    }
}
