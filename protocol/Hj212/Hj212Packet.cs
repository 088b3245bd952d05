using System.Buffers.Text;

namespace GridEdge.Protocol.Hj212;

/// <summary>The edition of the standard a packet follows, from its Flag (bits 2-7) or the lack of one.</summary>
public enum Hj212Version
{
    /// <summary>HJ/T 212-2005: Flag version 0, or no Flag at all.</summary>
    V2005 = 0,
    /// <summary>HJ 212-2017: Flag version 1.</summary>
    V2017 = 1,
}

/// <summary>Command numbers (CN) this gateway reads or writes.</summary>
public static class Hj212Commands
{
    public const int SetTime = 1012;
    public const int TimeCalibrationRequest = 1013;
    public const int DayData = 2031;
    public const int RealTimeData = 2011;
    public const int MinuteData = 2051;
    public const int HourData = 2061;
    public const int RequestResponse = 9011;
    public const int ExecutionResult = 9012;
    public const int DataAcknowledgement = 9014;

    /// <summary>Whether the command carries pollutant values that become readings.</summary>
    public static bool CarriesReadings(int cn) => cn is RealTimeData or MinuteData or HourData or DayData;

    /// <summary>The aggregation window of a data command in seconds (0 for real-time values); minute data may use another interval.</summary>
    public static int WindowSeconds(int cn, int minuteWindowSeconds = 60) => cn switch
    {
        MinuteData => minuteWindowSeconds,
        HourData => 3600,
        DayData => 86400,
        _ => 0,
    };
}

/// <summary>Deviations from the standard that a packet is still read despite: each is counted per monitor as a conformance warning.</summary>
[Flags]
public enum Hj212Deviations
{
    None = 0,
    /// <summary>Flag marks a split packet (bit 1) but neither PNUM nor PNO is present: the packet is taken whole, as field stations mean it.</summary>
    SplitFlagWithoutPacketNumbers = 1,
}

/// <summary>
/// A parsed HJ 212 data segment: views into the frame's bytes, nothing copied. QN, ST, CN, PW, MN, Flag, PNUM/PNO and the
/// CP area; read the CP area with <see cref="Hj212CpReader"/>.
/// </summary>
public readonly ref struct Hj212Packet
{
    private Hj212Packet(ReadOnlySpan<byte> qn, ReadOnlySpan<byte> st, int cn, ReadOnlySpan<byte> pw, ReadOnlySpan<byte> mn, int flag, int pnum, int pno,
        ReadOnlySpan<byte> cp, int cpOffset, Hj212Deviations deviations)
    {
        Qn = qn; St = st; Cn = cn; Pw = pw; Mn = mn; Flag = flag; PacketCount = pnum; PacketNumber = pno; Cp = cp; CpOffset = cpOffset; Deviations = deviations;
    }

    /// <summary>Request number (a timestamp, yyyyMMddHHmmssfff); empty on most 2005 packets.</summary>
    public ReadOnlySpan<byte> Qn { get; }
    /// <summary>System code (22 ambient air, 91 system interaction, ...).</summary>
    public ReadOnlySpan<byte> St { get; }
    /// <summary>Command number.</summary>
    public int Cn { get; }
    /// <summary>Access password.</summary>
    public ReadOnlySpan<byte> Pw { get; }
    /// <summary>Monitor (device) id.</summary>
    public ReadOnlySpan<byte> Mn { get; }
    /// <summary>The Flag field, or -1 when absent (common in 2005 packets).</summary>
    public int Flag { get; }
    /// <summary>PNUM: number of packets of a split message, 0 when not split.</summary>
    public int PacketCount { get; }
    /// <summary>PNO: this packet's number (1-based), 0 when not split.</summary>
    public int PacketNumber { get; }
    /// <summary>The CP area between "CP=&amp;&amp;" and the closing "&amp;&amp;".</summary>
    public ReadOnlySpan<byte> Cp { get; }
    /// <summary>Offset of <see cref="Cp"/> in the data segment.</summary>
    public int CpOffset { get; }
    /// <summary>What the packet does against the standard but was read anyway; <see cref="Hj212Deviations.None"/> for a conforming packet.</summary>
    public Hj212Deviations Deviations { get; }

    public bool HasFlag => Flag >= 0;
    /// <summary>Flag bit 0: the sender wants an acknowledgement.</summary>
    public bool WantsAcknowledgement => Flag >= 0 && (Flag & 1) != 0;
    /// <summary>One of several packets: Flag bit 1 set and PNUM/PNO present (without them the packet is taken whole, see <see cref="Deviations"/>).</summary>
    public bool IsSplit => Flag >= 0 && (Flag & 2) != 0 && PacketCount > 0;
    public Hj212Version Version => Flag >= 0 && (Flag >> 2) >= 1 ? Hj212Version.V2017 : Hj212Version.V2005;

    /// <summary>QN as a number (it is a 17-digit timestamp), or -1 when absent or not numeric.</summary>
    public long QnNumber => Qn.Length is > 0 and <= 18 && Utf8Parser.TryParse(Qn, out long v, out var n) && n == Qn.Length && v >= 0 ? v : -1;

    /// <summary>
    /// Parses a data segment (what the frame length and checksum cover). Offsets in errors are relative to
    /// <paramref name="data"/> plus <paramref name="baseOffset"/>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out Hj212Packet packet, out Hj212Error? error, int baseOffset = 0)
    {
        packet = default;
        error = null;
        var cpAt = data.IndexOf("CP=&&"u8);
        if (cpAt < 0)
        {
            error = new Hj212Error(Hj212ErrorKind.Field, "CP", "no \"CP=&&\" in the data segment", baseOffset);
            return false;
        }
        if (data.Length < cpAt + 7 || !data.EndsWith("&&"u8))
        {
            error = new Hj212Error(Hj212ErrorKind.Field, "CP", "the data segment does not end with the closing \"&&\"", baseOffset + data.Length);
            return false;
        }
        var cpStart = cpAt + 5;
        var cp = data[cpStart..^2];

        ReadOnlySpan<byte> qn = default, st = default, pw = default, mn = default;
        int cn = -1, flag = -1, pnum = 0, pno = 0;
        var head = data[..cpAt];
        var pos = 0;
        while (pos < head.Length)
        {
            var end = head[pos..].IndexOf((byte)';');
            var field = end < 0 ? head[pos..] : head.Slice(pos, end);
            var fieldOffset = baseOffset + pos;
            pos = end < 0 ? head.Length : pos + end + 1;
            if (field.IsEmpty) continue;
            var eq = field.IndexOf((byte)'=');
            if (eq <= 0)
            {
                error = new Hj212Error(Hj212ErrorKind.Field, Hj212Framing.Printable(field), "expected KEY=VALUE", fieldOffset);
                return false;
            }
            var key = field[..eq];
            var value = field[(eq + 1)..];
            if (key.SequenceEqual("QN"u8)) qn = value;
            else if (key.SequenceEqual("ST"u8)) st = value;
            else if (key.SequenceEqual("CN"u8))
            {
                if (!TryInt(value, 9, out cn))
                    return Fail(out error, "CN", value, "a command number of 1-9 digits", fieldOffset);
            }
            else if (key.SequenceEqual("PW"u8)) pw = value;
            else if (key.SequenceEqual("MN"u8)) mn = value;
            else if (key.SequenceEqual("Flag"u8))
            {
                if (!TryInt(value, 3, out flag) || flag > 255) return Fail(out error, "Flag", value, "a number 0-255", fieldOffset);
            }
            else if (key.SequenceEqual("PNUM"u8))
            {
                if (!TryInt(value, 4, out pnum) || pnum < 1) return Fail(out error, "PNUM", value, "a packet count 1-9999", fieldOffset);
            }
            else if (key.SequenceEqual("PNO"u8))
            {
                if (!TryInt(value, 4, out pno) || pno < 1) return Fail(out error, "PNO", value, "a packet number 1-9999", fieldOffset);
            }
            // Other keys (vendor extensions) are ignored.
        }
        if (cn < 0) return Fail(out error, "CN", default, "present", baseOffset);
        if (mn.IsEmpty) return Fail(out error, "MN", default, "present and not empty", baseOffset);
        if (st.IsEmpty) return Fail(out error, "ST", default, "present and not empty", baseOffset);
        var deviations = Hj212Deviations.None;
        if (flag >= 0 && (flag & 2) != 0)
        {
            // Field stations set the split bit on whole packets (Flag=7 with no PNUM/PNO); public parsers take them whole too.
            if (pnum == 0 && pno == 0) deviations |= Hj212Deviations.SplitFlagWithoutPacketNumbers;
            else if (pnum == 0 || pno == 0) return Fail(out error, pnum == 0 ? "PNUM" : "PNO", default, $"present when {(pnum == 0 ? "PNO" : "PNUM")} is", baseOffset);
            else if (pno > pnum)
            {
                error = new Hj212Error(Hj212ErrorKind.Field, "PNO", $"{pno} is more than PNUM ({pnum})", baseOffset);
                return false;
            }
        }
        packet = new Hj212Packet(qn, st, cn, pw, mn, flag, pnum, pno, cp, cpStart, deviations);
        return true;
    }

    private static bool Fail(out Hj212Error? error, string field, ReadOnlySpan<byte> value, string expected, int offset)
    {
        error = new Hj212Error(Hj212ErrorKind.Field, field, value.IsEmpty ? $"missing; expected {expected}" : $"'{Hj212Framing.Printable(value)}' is not {expected}", offset);
        return false;
    }

    internal static bool TryInt(ReadOnlySpan<byte> text, int maxDigits, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > maxDigits) return false;
        foreach (var c in text)
        {
            if (c is < (byte)'0' or > (byte)'9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
