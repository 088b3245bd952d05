using System.Text;
using System.Text.Json.Nodes;
using GridEdge.Protocol.Hj212;
using GridEdge.Protocol.Records;

namespace GridEdge.Edge.Tools;

/// <summary>
/// <c>decode --format hj212 FILE</c>: a text capture, one frame per line ("# " comment lines and blank lines skipped). Each
/// frame gives its CN, ST, MN, QN, Flag, data time (local time at +08:00) and, for data commands, every pollutant in
/// protocol quantity names with its flag and which of rtd/avg/min/max/cou it carried; or an error naming what failed
/// (length, crc, truncated, field, garbage) with the line and the byte offset in the file.
/// </summary>
public sealed class Hj212CaptureDecoder : ICaptureDecoder
{
    public string Format => "hj212";
    public bool IsBinary => false;

    public IEnumerable<JsonObject> Decode(ReadOnlyMemory<byte> capture)
    {
        var lineNumber = 0;
        var start = 0;
        while (start < capture.Length)
        {
            var rest = capture.Span[start..];
            var end = rest.IndexOf((byte)'\n');
            var length = end < 0 ? rest.Length : end;
            lineNumber++;
            var lineStart = start;
            start += end < 0 ? rest.Length : end + 1;
            var line = capture.Slice(lineStart, length);
            var trimmed = line.Span.TrimEnd("\r"u8);
            if (trimmed.IsEmpty || CaptureText.IsComment(trimmed)) continue;
            yield return DecodeLine(line.Span, lineNumber, lineStart);
        }
    }

    private static JsonObject DecodeLine(ReadOnlySpan<byte> line, int lineNumber, int lineOffset)
    {
        if (!Hj212Framing.TryReadWhole(line, Hj212Framing.MaxDeclarableLength, out var frame, out var error)) return Error(error!, lineNumber, lineOffset);
        var data = frame.Data(line);
        if (!Hj212Packet.TryParse(data, out var packet, out error, frame.DataOffset)) return Error(error!, lineNumber, lineOffset);

        var result = new JsonObject
        {
            ["line"] = lineNumber,
            ["cn"] = packet.Cn,
            ["st"] = Ascii(packet.St),
            ["mn"] = Ascii(packet.Mn),
        };
        if (!packet.Qn.IsEmpty) result["qn"] = Ascii(packet.Qn);
        if (packet.HasFlag) result["flag"] = packet.Flag;
        result["version"] = packet.Version == Hj212Version.V2017 ? "2017" : "2005";
        if (packet.IsSplit) result["packet"] = $"{packet.PacketNumber}/{packet.PacketCount}";
        var time = Hj212CpReader.FindAttribute(packet.Cp, "DataTime"u8);
        if (Hj212CpReader.TryParseTime(time, out var local)) result["dataTime"] = new DateTimeOffset(local, Hj212MonitorProfile.ChinaStandardTime).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFzzz");

        if (!Hj212Commands.CarriesReadings(packet.Cn))
        {
            result["cp"] = Ascii(packet.Cp);
            return result;
        }
        var cpOffset = frame.DataOffset + packet.CpOffset;
        // The conversion the listener does, so the tool rejects exactly what the gateway would.
        var profile = new Hj212MonitorProfile(Ascii(packet.Mn), Hj212MonitorProfile.ChinaStandardTime, ClockQuality.NetworkSynced);
        if (!Hj212Readings.TryConvert(packet.Cn, packet.Cp, profile, new List<Reading>(), out _, out error, cpOffset)) return Error(error!, lineNumber, lineOffset);

        var readings = new JsonArray();
        var reader = new Hj212CpReader(packet.Cp, cpOffset);
        while (reader.Read(out var p, out error))
        {
            Hj212Mapping mapping = default;
            var mapped = !p.Converted && Hj212Codes.TryMap(p.Code, out mapping);
            if (!mapped) mapping = new Hj212Mapping(Hj212Readings.Unmapped(p.Code, p.Converted ? "-Zs" : ""), Quantities.RawUnit, 1, false);
            var known = Hj212Codes.TryMapFlag(p.FlagLetter == 0 ? (byte)'N' : p.FlagLetter, out var flag);
            var entry = new JsonObject
            {
                ["code"] = Ascii(p.Code) + (p.Converted ? " (Zs)" : ""),
                ["quantity"] = mapping.Quantity,
                ["unit"] = mapping.Unit,
                ["flag"] = known ? SnakeCase(flag) : $"unknown '{(char)p.FlagLetter}'",
            };
            if (p.Has(Hj212Values.Rtd)) entry["rtd"] = p.Rtd * mapping.Factor;
            if (p.Has(Hj212Values.Avg)) entry["avg"] = p.Avg * mapping.Factor;
            if (p.Has(Hj212Values.Min)) entry["min"] = p.Min * mapping.Factor;
            if (p.Has(Hj212Values.Max)) entry["max"] = p.Max * mapping.Factor;
            // A cumulative amount in the device's own unit, stored as hj212:{code}-Cou.
            if (p.Has(Hj212Values.Cou)) entry["cou"] = p.Cou;
            readings.Add(entry);
        }
        result["readings"] = readings;
        return result;
    }

    private static JsonObject Error(Hj212Error error, int line, int lineOffset) => new()
    {
        ["error"] = error.Message,
        ["kind"] = error.Kind.ToString().ToLowerInvariant(),
        ["field"] = error.Field,
        ["line"] = line,
        ["offset"] = lineOffset + error.Offset,
    };

    private static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);

    private static string SnakeCase(DataFlag flag) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(flag.ToString());
}
