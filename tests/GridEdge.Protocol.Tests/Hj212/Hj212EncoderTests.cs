using System.Text;
using GridEdge.Protocol.Hj212;

namespace GridEdge.Protocol.Tests.Hj212;

public class Hj212EncoderTests
{
    private static Hj212Addressee From(string frame)
    {
        var bytes = Encoding.ASCII.GetBytes(frame);
        Assert.True(Hj212Framing.TryReadWhole(bytes, 9999, out var slice, out _));
        Assert.True(Hj212Packet.TryParse(slice.Data(bytes), out var packet, out _));
        return Hj212Addressee.From(packet);
    }

    [Fact]
    public void A_2017_data_acknowledgement_carries_the_request_qn_and_matches_the_independent_frame()
    {
        Assert.Equal(Frames2017.MinuteAck + "\r\n", Encoding.ASCII.GetString(Hj212Encoder.DataAcknowledgement(From(Frames2017.Minute))));
    }

    [Fact]
    public void Replies_to_2005_devices_put_the_qn_in_the_cp_area_as_their_captures_do()
    {
        // Captured 2005 answers read "ST=91;CN=9011;...;Flag=0;CP=&&QN=20160824051300009;QnRtn=1&&".
        var to = new Hj212Addressee("20160824051300009", "32", 2011, "LD130131000382", "123456", Hj212Version.V2005);
        Assert.Equal("##0084ST=91;CN=9011;PW=123456;MN=LD130131000382;Flag=0;CP=&&QN=20160824051300009;QnRtn=1&&E101\r\n",
            Encoding.ASCII.GetString(Hj212Encoder.RequestResponse(to, Hj212Encoder.QnRtn.Ready)));
        var exe = Encoding.ASCII.GetString(Hj212Encoder.ExecutionResult(to, Hj212Encoder.ExeRtn.Success));
        Assert.Contains("CN=9012;", exe);
        Assert.Contains("CP=&&QN=20160824051300009;ExeRtn=1&&", exe);
        Assert.Contains("CP=&&QN=20160824051300009;CN=2011&&", Encoding.ASCII.GetString(Hj212Encoder.DataAcknowledgement(to)));
    }

    [Fact]
    public void Set_time_sends_the_given_clock_in_the_monitors_local_time_and_asks_for_an_answer()
    {
        var to = From(Frames2017.RealTime);
        var now = new DateTimeOffset(2025, 3, 1, 0, 0, 5, 250, TimeSpan.Zero);
        var frame = Hj212Encoder.SetTime(to, now, TimeSpan.FromHours(8));
        Assert.True(Hj212Framing.TryReadWhole(frame, 1024, out var slice, out var error), error?.ToString());
        Assert.True(Hj212Packet.TryParse(slice.Data(frame), out var p, out _));
        Assert.Equal(Hj212Commands.SetTime, p.Cn);
        Assert.True(p.WantsAcknowledgement);
        Assert.Equal(Hj212Version.V2017, p.Version);
        Assert.Equal("20250301080005250", Hj212CaptureTests.Ascii(p.Qn));
        Assert.Equal("20250301080005", Hj212CaptureTests.Ascii(Hj212CpReader.FindAttribute(p.Cp, "SystemTime"u8)));
    }
}
