using System.Text;
using GridEdge.Protocol.Hj212;

namespace GridEdge.Protocol.Tests.Hj212;

public class Hj212FramingTests
{
    [Theory]
    // Frame, CRC printed by python3 over the data segment with the Annex-A algorithm.
    [InlineData("ST=91;CN=9015;PW=123456;MN=LD130121000243;Flag=0;CP=&&DataTime=20160824045356000;CON-RT=0&&", 0x8801)]
    [InlineData("QN=20250301080100123;ST=91;CN=9014;PW=123456;MN=GE0001DUST00000000000001;Flag=4;CP=&&&&", 0xEE01)]
    public void Crc_matches_values_computed_outside_this_code(string data, int crc) =>
        Assert.Equal((ushort)crc, Hj212Crc.Compute(Encoding.ASCII.GetBytes(data)));

    [Fact]
    public void The_table_driven_crc_equals_the_bitwise_annex_a_algorithm()
    {
        var random = new Random(212);
        for (var n = 0; n < 200; n++)
        {
            var bytes = new byte[random.Next(0, 600)];
            random.NextBytes(bytes);
            Assert.Equal(Hj212Crc.ComputeBitwise(bytes), Hj212Crc.Compute(bytes));
        }
    }

    [Fact]
    public void Crc_is_not_crc16_modbus()
    {
        // CRC-16/MODBUS("123456789") = 0x4B37; Annex A differs, which is why checking against captures matters.
        Assert.NotEqual(0x4B37, Hj212Crc.Compute("123456789"u8));
    }

    [Fact]
    public void Lower_case_crc_digits_are_accepted()
    {
        var frame = Encoding.ASCII.GetBytes(Frames2017.RealTime[..^4] + Frames2017.RealTime[^4..].ToLowerInvariant());
        Assert.Equal(Hj212FrameStatus.Frame, Hj212Framing.TryReadFrame(frame, 1024, out _, out _, out _, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void The_encoder_frames_the_same_bytes_as_the_independently_computed_frames()
    {
        foreach (var text in new[] { Frames2017.Minute, Frames2017.RealTime, Frames2017.SplitHour1, Frames2017.MinuteAck })
            Assert.Equal(text + "\r\n", Encoding.ASCII.GetString(Hj212Encoder.Frame(text[6..^4])));
    }

    [Fact]
    public void Frames_split_at_every_byte_and_mixed_with_garbage_come_out_whole_and_in_order()
    {
        var stream = Encoding.ASCII.GetBytes("noise\r\n" + Frames2017.Minute + "\r\n" + "#x#" + Frames2017.RealTime + "\r\n" + Frames2017.MinuteAck + "\r\n");
        for (var chunk = 1; chunk <= 64; chunk *= 3)
        {
            var found = new List<string>();
            var garbage = 0;
            var invalid = 0;
            var buffer = new byte[Hj212Framing.BufferSize(1024)];
            var filled = 0;
            for (var at = 0; at < stream.Length; at += chunk)
            {
                var n = Math.Min(chunk, stream.Length - at);
                stream.AsSpan(at, n).CopyTo(buffer.AsSpan(filled));
                filled += n;
                while (true)
                {
                    var status = Hj212Framing.TryReadFrame(buffer.AsSpan(0, filled), 1024, out var frame, out var consumed, out var skipped, out var error);
                    garbage += skipped;
                    if (status == Hj212FrameStatus.Frame) found.Add(Encoding.ASCII.GetString(frame.Data(buffer.AsSpan(0, filled))));
                    if (status == Hj212FrameStatus.Invalid) invalid++;
                    buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                    filled -= consumed;
                    if (status == Hj212FrameStatus.NeedMoreData) break;
                }
            }
            Assert.Equal([Frames2017.Minute[6..^4], Frames2017.RealTime[6..^4], Frames2017.MinuteAck[6..^4]], found);
            // "#x#" + "##0170": the stray '#' makes "###" — one bad header ("#017"), then the frame behind it.
            Assert.Equal("noise#x".Length, garbage);
            Assert.Equal(1, invalid);
        }
    }

    [Fact]
    public void An_oversized_length_field_is_refused_at_once_and_the_next_frame_is_still_found()
    {
        var bytes = Encoding.ASCII.GetBytes("##9999QN=1;" + Frames2017.RealTime);
        Assert.Equal(Hj212FrameStatus.Invalid, Hj212Framing.TryReadFrame(bytes, 1024, out _, out var consumed, out _, out var error));
        Assert.Equal(Hj212ErrorKind.Length, error!.Kind);
        Assert.Contains("9999 bytes declared, over the limit of 1024", error.Problem);
        Assert.Equal(2, error.Offset);
        Assert.Equal(1, consumed);
        Assert.Equal(Hj212FrameStatus.Frame, Hj212Framing.TryReadFrame(bytes.AsSpan(consumed), 1024, out _, out _, out _, out _));
    }

    [Fact]
    public void A_bad_crc_names_the_declared_and_computed_values_and_where()
    {
        var text = Frames2017.RealTime[..^4] + "0000";
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.Equal(Hj212FrameStatus.Invalid, Hj212Framing.TryReadFrame(bytes, 1024, out _, out _, out _, out var error));
        Assert.Equal(Hj212ErrorKind.Crc, error!.Kind);
        Assert.Equal("declared 0000, computed 7BC0 over 170 data bytes", error.Problem);
        Assert.Equal(text.Length - 4, error.Offset);
    }

    [Fact]
    public void A_non_numeric_length_is_a_length_error()
    {
        Assert.Equal(Hj212FrameStatus.Invalid, Hj212Framing.TryReadFrame("##test13912345678"u8, 1024, out _, out _, out _, out var error));
        Assert.Equal(Hj212ErrorKind.Length, error!.Kind);
        Assert.Contains("'test' is not 4 decimal digits", error.Problem);
    }

    [Fact]
    public void A_half_frame_waits_for_more_data_in_a_stream_and_is_truncated_in_a_file()
    {
        var half = Encoding.ASCII.GetBytes(Frames2017.Minute[..200]);
        Assert.Equal(Hj212FrameStatus.NeedMoreData, Hj212Framing.TryReadFrame(half, 1024, out _, out var consumed, out _, out _));
        Assert.Equal(0, consumed);
        Assert.False(Hj212Framing.TryReadWhole(half, 1024, out _, out var error));
        Assert.Equal(Hj212ErrorKind.Truncated, error!.Kind);
        Assert.Contains("declared 462 bytes", error.Problem);
    }

    [Fact]
    public void Missing_fields_are_named()
    {
        Assert.False(Hj212Packet.TryParse("ST=22;CN=2011;PW=1;CP=&&DataTime=20250301080000&&"u8, out _, out var error));
        Assert.Equal("MN", error!.Field);
        Assert.False(Hj212Packet.TryParse("ST=22;CN=20x1;PW=1;MN=A;CP=&&&&"u8, out _, out error));
        Assert.Equal("CN", error!.Field);
        Assert.False(Hj212Packet.TryParse("ST=22;CN=2011;PW=1;MN=A;CP=&&DataTime=1"u8, out _, out error));
        Assert.Equal("CP", error!.Field);
        Assert.False(Hj212Packet.TryParse("ST=22;CN=2011;PW=1;MN=A;Flag=7;PNO=1;CP=&&&&"u8, out _, out error));
        Assert.Equal("PNUM", error!.Field);
        Assert.False(Hj212Packet.TryParse("ST=22;CN=2011;PW=1;MN=A;Flag=7;PNUM=2;CP=&&&&"u8, out _, out error));
        Assert.Equal("PNO", error!.Field);
        Assert.False(Hj212Packet.TryParse("ST=22;CN=2011;PW=1;MN=A;Flag=7;PNUM=2;PNO=3;CP=&&&&"u8, out _, out error));
        Assert.Equal(("PNO", "3 is more than PNUM (2)"), (error!.Field, error.Problem));
    }

    [Fact]
    public void A_frame_flagged_split_without_pnum_and_pno_is_read_whole_with_a_conformance_warning()
    {
        // As stations in the field send it: Flag=7 (2017, split bit, ack wanted) and no PNUM/PNO.
        var bytes = Hj212Encoder.Frame(Hj212Encoder.Segment("20250301080100123", "22", Hj212Commands.MinuteData, "123456", "GE0001", 7,
            "DataTime=20250301080000;a34004-Avg=35.2,a34004-Flag=N"));
        Assert.Equal(Hj212FrameStatus.Frame, Hj212Framing.TryReadFrame(bytes, 1024, out var frame, out _, out _, out _));
        Assert.True(Hj212Packet.TryParse(frame.Data(bytes), out var packet, out var error), error?.ToString());
        Assert.Equal(Hj212Deviations.SplitFlagWithoutPacketNumbers, packet.Deviations);
        Assert.False(packet.IsSplit);
        Assert.True(packet.WantsAcknowledgement);
        Assert.Equal((0, 0), (packet.PacketCount, packet.PacketNumber));
        var readings = new List<GridEdge.Protocol.Records.Reading>();
        Assert.True(Hj212Readings.TryConvert(packet.Cn, packet.Cp, new Hj212MonitorProfile("GE0001", TimeSpan.FromHours(8), GridEdge.Protocol.Records.ClockQuality.NetworkSynced),
            readings, out _, out error), error?.ToString());
        Assert.Equal(35.2, Assert.Single(readings).Value);
    }

    [Fact]
    public void A_split_frame_with_pnum_and_pno_conforms_and_still_goes_to_reassembly()
    {
        var bytes = Encoding.ASCII.GetBytes(Frames2017.SplitHour1);
        Assert.True(Hj212Packet.TryParse(bytes.AsSpan(Hj212Framing.HeaderLength, bytes.Length - Hj212Framing.HeaderLength - Hj212Framing.CrcLength), out var packet, out _));
        Assert.Equal(Hj212Deviations.None, packet.Deviations);
        Assert.True(packet.IsSplit);
        var assembler = new Hj212SplitAssembler(maxPackets: 8, maxBytes: 4096, timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(Hj212SplitOutcome.Pending, assembler.Add(packet, DateTimeOffset.UnixEpoch, out _, out _));
    }

    [Fact]
    public void A_malformed_value_is_named_with_its_offset_and_nothing_is_converted()
    {
        var cp = "DataTime=20250301080000;a34004-Avg=35.2;a34002-Avg=6x1,a34002-Flag=N"u8;
        var readings = new List<GridEdge.Protocol.Records.Reading>();
        Assert.False(Hj212Readings.TryConvert(2051, cp, new Hj212MonitorProfile("m", TimeSpan.Zero, GridEdge.Protocol.Records.ClockQuality.NetworkSynced), readings, out _, out var error));
        Assert.Equal("a34002-Avg", error!.Field);
        Assert.Equal("DataTime=20250301080000;a34004-Avg=35.2;a34002-Avg=".Length, error.Offset);
        Assert.Empty(readings);
    }

    [Fact]
    public void The_2017_header_fields_are_read()
    {
        var bytes = Encoding.ASCII.GetBytes(Frames2017.SplitHour1);
        Assert.Equal(Hj212FrameStatus.Frame, Hj212Framing.TryReadFrame(bytes, 1024, out var frame, out _, out _, out _));
        Assert.True(Hj212Packet.TryParse(frame.Data(bytes), out var p, out _));
        Assert.Equal(20250301090000456, p.QnNumber);
        Assert.Equal(Hj212Version.V2017, p.Version);
        Assert.True(p.WantsAcknowledgement);
        Assert.True(p.IsSplit);
        Assert.Equal((2, 1), (p.PacketCount, p.PacketNumber));
        Assert.Equal(Frames2017.Pw, Hj212CaptureTests.Ascii(p.Pw));
    }

    [Fact]
    public void Parsing_a_frame_and_reading_its_cp_area_allocates_nothing()
    {
        var bytes = Encoding.ASCII.GetBytes(Frames2017.Minute + "\r\n");
        static double Walk(byte[] bytes)
        {
            Hj212Framing.TryReadFrame(bytes, 1024, out var frame, out _, out _, out _);
            Hj212Packet.TryParse(frame.Data(bytes), out var p, out _);
            var reader = new Hj212CpReader(p.Cp);
            var sum = 0.0;
            while (reader.Read(out var pollutant, out _)) sum += pollutant.Avg;
            Hj212CpReader.TryParseTime(Hj212CpReader.FindAttribute(p.Cp, "DataTime"u8), out _);
            return sum;
        }
        Walk(bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = 0.0;
        for (var i = 0; i < 100; i++) total += Walk(bytes);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0);
    }
}
