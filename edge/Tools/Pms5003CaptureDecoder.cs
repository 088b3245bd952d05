using System.Text.Json.Nodes;
using GridEdge.Hardware.Pms5003;
using GridEdge.Protocol.Records;

namespace GridEdge.Edge.Tools;

/// <summary>
/// <c>decode --format pms5003</c>: a capture of a Plantower PMSx003 UART (sensor to host, optionally with the host's
/// 7-byte commands mixed in), as raw bytes or as hex text ("# " comment lines allowed). One JSON object per data frame,
/// acknowledgement, command or error, with its byte offset (in hex text: among the decoded bytes, and the text line).
/// </summary>
public sealed class Pms5003CaptureDecoder : ICaptureDecoder
{
    public string Format => "pms5003";
    public bool IsBinary => true;

    public IEnumerable<JsonObject> Decode(ReadOnlyMemory<byte> capture)
    {
        if (!CaptureText.TryReadHex(capture, out var bytes, out var lines, out var oddDigit)) return DecodeBytes(capture);
        return DecodeBytes(bytes).Select(json =>
        {
            if (json["offset"] is { } offset) json["line"] = CaptureText.LineOf(lines, (long)offset);
            return json;
        }).Concat(oddDigit ? [Error("hex text: an odd number of hex digits; the last digit is not part of any byte", bytes.Length, 0)] : []);
    }

    private static IEnumerable<JsonObject> DecodeBytes(ReadOnlyMemory<byte> capture)
    {
        var position = 0;
        var baseOffset = 0;
        var parser = new PmsFrameParser(PmsModel.Detect);
        var output = new List<JsonObject>();
        var finished = false;
        while (!finished)
        {
            output.Clear();
            finished = Step(capture, ref position, ref baseOffset, ref parser, output);
            foreach (var item in output) yield return item;
        }
    }

    // One parser event (or the end of the capture); returns true when the capture is used up.
    private static bool Step(ReadOnlyMemory<byte> capture, ref int position, ref int baseOffset, ref PmsFrameParser parser, List<JsonObject> output)
    {
        var input = capture.Span[position..];
        var before = input.Length;
        var result = parser.Parse(ref input, out var frame);
        position += before - input.Length;
        if (result == PmsParseResult.NeedMoreData)
        {
            result = parser.Flush();
            if (result == PmsParseResult.NeedMoreData) return true;
            AddSkipped(parser, baseOffset, output);
            if (result == PmsParseResult.Truncated)
                output.Add(Error($"truncated frame at the end of the capture: {parser.EventLength} bytes, a frame needs at least 8", baseOffset + parser.EventOffset, parser.EventLength));
            return true;
        }

        var offset = baseOffset + parser.EventOffset;
        if (result == PmsParseResult.BadLength && offset + PmsProtocol.CommandLength <= capture.Length
            && PmsProtocol.TryReadCommand(capture.Span.Slice((int)offset, PmsProtocol.CommandLength), out var command, out var data))
        {
            // Host-to-sensor traffic in the capture: a command, not a broken frame. Restart the parser after it.
            AddSkipped(parser, baseOffset, output);
            output.Add(new JsonObject
            {
                ["offset"] = offset,
                ["frame"] = "command",
                ["command"] = CommandName(command, data),
                ["length"] = PmsProtocol.CommandLength,
            });
            position = (int)offset + PmsProtocol.CommandLength;
            baseOffset = position;
            parser = new PmsFrameParser(PmsModel.Detect);
            return position >= capture.Length;
        }

        AddSkipped(parser, baseOffset, output);
        switch (result)
        {
            case PmsParseResult.Frame:
                output.Add(FrameJson(frame, offset));
                break;
            case PmsParseResult.Acknowledgement:
                output.Add(new JsonObject
                {
                    ["offset"] = offset,
                    ["frame"] = "acknowledgement",
                    ["command"] = CommandName(parser.AcknowledgedCommand, parser.AcknowledgedData),
                    ["length"] = PmsProtocol.AcknowledgementFrameLength,
                });
                break;
            case PmsParseResult.ChecksumMismatch:
                output.Add(Error($"checksum mismatch: frame says 0x{parser.StatedChecksum:X4}, its bytes sum to 0x{parser.ComputedChecksum:X4}", offset, parser.EventLength));
                break;
            case PmsParseResult.TornFrame:
                output.Add(Error($"torn frame: a new frame starts {parser.EventLength} bytes in, so this one lost its end", offset, parser.EventLength));
                break;
            case PmsParseResult.BadLength:
                output.Add(Error($"bad length field 0x{parser.LengthField:X4} after the start bytes; expected 0x001C (data frame) or 0x0004 (acknowledgement)", offset, parser.EventLength));
                break;
        }
        return false;
    }

    private static void AddSkipped(PmsFrameParser parser, int baseOffset, List<JsonObject> output)
    {
        if (parser.SkippedBytes > 0)
            output.Add(Error($"garbage skipped: {parser.SkippedBytes} bytes that are not part of any frame", baseOffset + parser.SkippedOffset, parser.SkippedBytes));
    }

    private static JsonObject Error(string message, long offset, int length) => new()
    {
        ["error"] = message,
        ["offset"] = offset,
        ["length"] = length,
    };

    private static JsonObject FrameJson(in PmsFrame f, long offset)
    {
        var json = new JsonObject
        {
            ["offset"] = offset,
            ["frame"] = "data",
            ["layout"] = f.Layout == PmsFrameLayout.Pms5003T ? "pms5003t" : "standard",
            [Quantities.Pm1] = f.Pm1_0Atmospheric,
            [Quantities.Pm2_5] = f.Pm2_5Atmospheric,
            [Quantities.Pm10] = f.Pm10Atmospheric,
            ["unit"] = Quantities.MicrogramsPerCubicMetre,
            ["pm1_cf1"] = f.Pm1_0Cf1,
            ["pm2_5_cf1"] = f.Pm2_5Cf1,
            ["pm10_cf1"] = f.Pm10Cf1,
        };
        var counts = new JsonObject
        {
            ["gt_0_3um"] = f.Particles0_3um,
            ["gt_0_5um"] = f.Particles0_5um,
            ["gt_1_0um"] = f.Particles1_0um,
            ["gt_2_5um"] = f.Particles2_5um,
        };
        if (f.Particles5_0um is { } n5) counts["gt_5_0um"] = n5;
        if (f.Particles10um is { } n10) counts["gt_10um"] = n10;
        json["particles_per_0_1l"] = counts;
        if (f.TemperatureCelsius is { } t) { json[Quantities.Temperature] = t; json["temperature_unit"] = "°C"; }
        if (f.RelativeHumidity is { } h) { json[Quantities.Humidity] = h; json["humidity_unit"] = "%RH"; }
        json["version"] = $"0x{f.Version:X2}";
        json["error_code"] = f.ErrorCode;
        json["checksum"] = $"0x{f.Checksum:X4}";
        if (f.IsWarmingUp) json["note"] = "all data words 0: the sensor is warming up; not a reading";
        else if (!f.IsPlausible) json["note"] = "implausible: mass reported with no particle above 0.3 µm counted; not a reading";
        return json;
    }

    private static string CommandName(PmsCommand command, ushort data) => (command, data & 0xFF) switch
    {
        (PmsCommand.ChangeMode, 0) => "passive_mode",
        (PmsCommand.ChangeMode, _) => "active_mode",
        (PmsCommand.ReadPassive, _) => "passive_read",
        (PmsCommand.SleepWake, 0) => "sleep",
        (PmsCommand.SleepWake, _) => "wake",
        _ => $"0x{(byte)command:X2}",
    };
}
