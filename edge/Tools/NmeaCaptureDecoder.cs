using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GridEdge.Hardware.Nmea;

namespace GridEdge.Edge.Tools;

/// <summary>
/// <c>decode --format nmea</c>: a text capture of a GNSS receiver ("# " comment lines and blank lines skipped). One JSON
/// object per line: the decoded sentence, or an error naming what was wrong with its line number and byte offset.
/// </summary>
public sealed class NmeaCaptureDecoder : ICaptureDecoder
{
    public string Format => "nmea";
    public bool IsBinary => false;

    public IEnumerable<JsonObject> Decode(ReadOnlyMemory<byte> capture)
    {
        var offset = 0;
        var lineNumber = 0;
        while (offset < capture.Length)
        {
            var rest = capture.Span[offset..];
            var newline = rest.IndexOf((byte)'\n');
            var length = newline < 0 ? rest.Length : newline;
            lineNumber++;
            var line = capture.Slice(offset, length);
            var json = CaptureText.IsComment(line.Span) ? null : DecodeLine(line, lineNumber, offset);
            offset += newline < 0 ? rest.Length : newline + 1;
            if (json is not null) yield return json;
        }
    }

    private static JsonObject? DecodeLine(ReadOnlyMemory<byte> line, int lineNumber, int offset)
    {
        var sentence = new NmeaSentence();
        var result = NmeaParser.Parse(line.Span, ref sentence);
        if (result == NmeaParseResult.Empty) return null;
        if (result != NmeaParseResult.Ok)
        {
            var text = Encoding.ASCII.GetString(line.Span).TrimEnd('\r');
            return new JsonObject
            {
                ["error"] = result switch
                {
                    NmeaParseResult.ChecksumMismatch => $"checksum mismatch: characters XOR to {sentence.ComputedChecksum:X2}, the sentence says {sentence.StatedChecksum:X2}",
                    NmeaParseResult.MissingChecksum => "no checksum: the line does not end in '*' and two hex digits",
                    NmeaParseResult.NoStartDelimiter => "not a sentence: no '$' on the line",
                    NmeaParseResult.TooLong => $"line too long: {line.Length} bytes, a sentence is at most {NmeaParser.MaxSentenceLength}",
                    NmeaParseResult.BadAddress => "bad address field: expected a 2-letter talker and a 3-letter sentence type",
                    NmeaParseResult.Malformed => $"field {sentence.ErrorField} could not be read: '{Field(text, sentence.ErrorField)}'",
                    _ => result.ToString(),
                },
                ["line"] = lineNumber,
                ["offset"] = offset,
                ["text"] = text.Length > 100 ? text[..100] + "…" : text,
            };
        }

        var json = new JsonObject
        {
            ["line"] = lineNumber,
            ["offset"] = offset,
            ["talker"] = sentence.Talker == NmeaTalker.Proprietary ? "P" : sentence.Talker.ToString(),
            ["type"] = sentence.Type != NmeaSentenceType.Other ? sentence.Type.ToString() : Address(line.Span),
        };
        if (sentence.Type == NmeaSentenceType.Other) json["decoded"] = false;
        if (sentence.LeadingGarbage > 0) json["garbage_skipped"] = sentence.LeadingGarbage;
        if (sentence.Time is { } time) json["time"] = time.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        if (sentence.Date is { } date)
        {
            json["date"] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (sentence.Time is { } t) json["utc"] = date.ToDateTime(t).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        }
        if (sentence.Status != NmeaDataStatus.None) json["status"] = sentence.Status == NmeaDataStatus.Valid ? "A" : "V";
        if (sentence.Latitude is { } lat) json["lat"] = Math.Round(lat, 8);
        if (sentence.Longitude is { } lon) json["lon"] = Math.Round(lon, 8);
        if (sentence.Type is NmeaSentenceType.GGA or NmeaSentenceType.RMC or NmeaSentenceType.GLL)
            json["position_trusted"] = sentence.HasTrustedPosition;
        if (sentence.FixQuality is { } quality) json["fix_quality"] = (int)quality;
        if (sentence.SatellitesUsed is { } sats) json["sats"] = sats;
        if (sentence.Hdop is { } hdop) json["hdop"] = hdop;
        if (sentence.Pdop is { } pdop) json["pdop"] = pdop;
        if (sentence.Vdop is { } vdop) json["vdop"] = vdop;
        if (sentence.AltitudeMeters is { } alt) json["alt_m"] = alt;
        if (sentence.SpeedKnots is { } knots) json["speed_kn"] = knots;
        if (sentence.CourseTrueDegrees is { } course) json["course_deg"] = course;
        if (sentence.ModeIndicator is { } mode) json["mode"] = mode.ToString();
        if (sentence.FixType is { } fixType) json["fix_type"] = (int)fixType;
        if (sentence.SystemId is { } system) json["system_id"] = system;
        if (sentence.SatelliteIdCount > 0)
        {
            var ids = new JsonArray();
            for (var i = 0; i < sentence.SatelliteIdCount; i++) ids.Add(sentence.GetSatelliteId(i));
            json["sat_ids"] = ids;
        }
        if (sentence.SatellitesInView is { } inView) json["sats_in_view"] = inView;
        if (sentence.SatelliteCount > 0)
        {
            var inViewList = new JsonArray();
            for (var i = 0; i < sentence.SatelliteCount; i++)
            {
                var s = sentence.GetSatellite(i);
                inViewList.Add(new JsonObject { ["id"] = s.Id, ["elev"] = s.ElevationDegrees, ["az"] = s.AzimuthDegrees, ["snr"] = s.SnrDb });
            }
            json["satellites"] = inViewList;
        }
        return json;
    }

    private static string Address(ReadOnlySpan<byte> line)
    {
        var start = line.IndexOf((byte)'$');
        var body = line[(start + 1)..];
        var end = body.IndexOfAny((byte)',', (byte)'*');
        var address = Encoding.ASCII.GetString(end < 0 ? body : body[..end]);
        return address.Length == 5 ? address[2..] : address;
    }

    private static string Field(string text, int index)
    {
        var star = text.LastIndexOf('*');
        var fields = (star > 0 ? text[..star] : text).Split(',');
        return index >= 0 && index < fields.Length ? fields[index] : "";
    }
}
