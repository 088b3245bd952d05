using System.Globalization;
using System.Text;

namespace GridEdge.Protocol.Hj212;

/// <summary>Who a reply goes to, taken from the request: its QN, ST, CN, MN, PW and the edition it speaks.</summary>
public sealed record Hj212Addressee(string Qn, string St, int Cn, string Mn, string Pw, Hj212Version Version)
{
    public static Hj212Addressee From(Hj212Packet request) => new(
        Encoding.ASCII.GetString(request.Qn), Encoding.ASCII.GetString(request.St), request.Cn, Encoding.ASCII.GetString(request.Mn),
        Encoding.ASCII.GetString(request.Pw), request.Version);
}

/// <summary>
/// Builds HJ 212 frames: the replies a gateway sends (9014 data acknowledgement, 9011 request response, 9012 execution
/// result, 1012 set time) and any data segment a simulated monitor sends.
/// </summary>
public static class Hj212Encoder
{
    /// <summary>ST of system-interaction packets (replies).</summary>
    public const string SystemInteraction = "91";

    /// <summary>QnRtn of 9011: 1 ready to execute, 2 refused, 3 wrong PW, 4 wrong MN, 5 ST, 6 Flag, 7 QN, 8 CN, 9 CRC, 100 unknown.</summary>
    public static class QnRtn
    {
        public const int Ready = 1, Refused = 2, WrongPassword = 3, WrongMn = 4, CrcError = 9, Unknown = 100;
    }

    /// <summary>ExeRtn of 9012: 1 success, 2 failed (no reason given), 100 no data.</summary>
    public static class ExeRtn
    {
        public const int Success = 1, Failed = 2, NoData = 100;
    }

    /// <summary>Wraps a data segment: "##", its length in 4 digits, the segment, its CRC in 4 hex digits, CR LF.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> data)
    {
        if (data.Length is 0 or > Hj212Framing.MaxDeclarableLength)
            throw new ArgumentException($"a data segment of {data.Length} bytes cannot be framed (1-{Hj212Framing.MaxDeclarableLength})", nameof(data));
        var frame = new byte[Hj212Framing.HeaderLength + data.Length + Hj212Framing.CrcLength + Hj212Framing.TrailerLength];
        frame[0] = (byte)'#';
        frame[1] = (byte)'#';
        var length = data.Length;
        for (var i = 5; i >= 2; i--) { frame[i] = (byte)('0' + length % 10); length /= 10; }
        data.CopyTo(frame.AsSpan(Hj212Framing.HeaderLength));
        Hj212Crc.WriteHex(Hj212Crc.Compute(data), frame.AsSpan(Hj212Framing.HeaderLength + data.Length, Hj212Framing.CrcLength));
        frame[^2] = (byte)'\r';
        frame[^1] = (byte)'\n';
        return frame;
    }

    public static byte[] Frame(string data) => Frame(Encoding.UTF8.GetBytes(data));

    /// <summary>A data segment: header fields in the standard's order (empty QN and a negative Flag are left out), then CP.</summary>
    public static string Segment(string qn, string st, int cn, string pw, string mn, int flag, string cp, int packetCount = 0, int packetNumber = 0)
    {
        var b = new StringBuilder(64 + cp.Length);
        if (qn.Length > 0) b.Append("QN=").Append(qn).Append(';');
        b.Append("ST=").Append(st).Append(";CN=").Append(cn.ToString("D4", CultureInfo.InvariantCulture)).Append(";PW=").Append(pw).Append(";MN=").Append(mn).Append(';');
        if (flag >= 0) b.Append("Flag=").Append(flag.ToString(CultureInfo.InvariantCulture)).Append(';');
        if (packetCount > 0) b.Append("PNUM=").Append(packetCount.ToString(CultureInfo.InvariantCulture)).Append(";PNO=").Append(packetNumber.ToString(CultureInfo.InvariantCulture)).Append(';');
        return b.Append("CP=&&").Append(cp).Append("&&").ToString();
    }

    /// <summary>
    /// 9014, the acknowledgement of a data upload. 2017: the request's QN in the header and an empty CP. 2005: QN and CN of
    /// the request in the CP area, as 2005 devices expect.
    /// </summary>
    public static byte[] DataAcknowledgement(Hj212Addressee to) =>
        Reply(to, Hj212Commands.DataAcknowledgement, to.Version == Hj212Version.V2017 ? "" : Request2005(to, $"CN={to.Cn:D4}"));

    /// <summary>9011, the answer to a request: whether it will be executed (<see cref="QnRtn"/>).</summary>
    public static byte[] RequestResponse(Hj212Addressee to, int qnRtn) =>
        Reply(to, Hj212Commands.RequestResponse, to.Version == Hj212Version.V2017 ? $"QnRtn={qnRtn}" : Request2005(to, $"QnRtn={qnRtn}"));

    /// <summary>9012, the result of executing a request (<see cref="ExeRtn"/>).</summary>
    public static byte[] ExecutionResult(Hj212Addressee to, int exeRtn) =>
        Reply(to, Hj212Commands.ExecutionResult, to.Version == Hj212Version.V2017 ? $"ExeRtn={exeRtn}" : Request2005(to, $"ExeRtn={exeRtn}"));

    /// <summary>
    /// 1012, set the monitor's clock: SystemTime is <paramref name="now"/> in the monitor's local time
    /// (<paramref name="utcOffset"/>). Asks for a 9011/9012 answer. The QN is the current time, as the standard numbers requests.
    /// </summary>
    public static byte[] SetTime(Hj212Addressee to, DateTimeOffset now, TimeSpan utcOffset)
    {
        var local = now.ToOffset(utcOffset);
        var qn = local.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        var flag = ((int)to.Version << 2) | 1;
        return Frame(Segment(qn, to.St, Hj212Commands.SetTime, to.Pw, to.Mn, flag, $"SystemTime={local.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}"));
    }

    private static string Request2005(Hj212Addressee to, string rest) => to.Qn.Length > 0 ? $"QN={to.Qn};{rest}" : rest;

    private static byte[] Reply(Hj212Addressee to, int cn, string cp) =>
        // Flag carries the edition and asks for nothing back (a reply is never acknowledged).
        Frame(Segment(to.Version == Hj212Version.V2017 ? to.Qn : "", SystemInteraction, cn, to.Pw, to.Mn, (int)to.Version << 2, cp));
}
