using System.Globalization;
using System.Text;
using System.Text.Json;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;

namespace GridEdge.Edge.Terminals;

/// <summary>One wrong field of a request: its JSON name (track[3].latitude) and what is wrong with it.</summary>
public sealed record FieldError(string Field, string Problem);

/// <summary>The terminal's identity as a request body states it, checked against the token's terminal.</summary>
internal sealed record Claimed(string MemberId, string TerminalId, string GridCode);

/// <summary>The record times (fixTime, startedAt, ...) the gateway accepts, around its own clock.</summary>
internal sealed record TimeWindow(DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Rule)
{
    public static TimeWindow Around(DateTimeOffset now, ClockQuality quality, Hosting.TerminalOptions options)
    {
        var notBefore = now.AddDays(-options.MaxAgeDays);
        // A gateway that booted without GNSS or NTP may run days behind (a Pi keeps no time while off); a terminal with
        // GNSS is then more right than the gateway, so only the age bound holds, both ways.
        return quality == ClockQuality.Unsynchronised
            ? new TimeWindow(notBefore, now.AddDays(options.MaxAgeDays),
                $"at most {options.MaxAgeDays} days (Edge:Terminals:MaxAgeDays) either side of the gateway's clock, which is not synchronised")
            : new TimeWindow(notBefore, now.AddMinutes(options.MaxFutureSkewMinutes),
                $"at most {options.MaxAgeDays} days old (Edge:Terminals:MaxAgeDays) and at most {options.MaxFutureSkewMinutes} minutes ahead (Edge:Terminals:MaxFutureSkewMinutes) of the gateway's clock");
    }

    public bool Contains(DateTimeOffset time) => time >= NotBefore && time <= NotAfter;
}

/// <summary>
/// Reads check-in, patrol and problem bodies into protocol records, naming every wrong field at once (the protocol's
/// <see cref="Validation"/> stops at the first). Unknown properties are ignored, so a newer terminal still works.
/// </summary>
internal static class TerminalRequests
{
    public static readonly IReadOnlyList<string> PlaceKinds = ["key_point", "enterprise", "other"];
    /// <summary>The problem categories by their wire names, in the order of their numbers (the protocol's enum).</summary>
    public static readonly IReadOnlyList<string> Categories =
        [.. Enum.GetValues<ProblemCategory>().Select(c => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(c.ToString()))];

    /// <summary>Parses a body; null with the problem (and the JSON path where it was found) when it is not JSON.</summary>
    public static JsonDocument? ParseJson(byte[] body, List<FieldError> errors)
    {
        try
        {
            var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                errors.Add(new FieldError("$", $"a JSON object is expected, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}"));
            else
                FindBrokenText(document.RootElement, "", errors);
            if (errors.Count == 0) return document;
            document.Dispose();
            return null;
        }
        catch (JsonException e)
        {
            errors.Add(new FieldError(PathOfError(body), $"malformed JSON: {e.Message.Split(" Path:")[0].Split(" LineNumber:")[0]}"));
            return null;
        }
    }

    // JSON allows escapes of lone surrogates (\ud800) and the parser does not check the UTF-8 inside strings; neither can
    // become a .NET string. Found here, every such string is named before any field is read.
    private static void FindBrokenText(JsonElement element, string path, List<FieldError> errors)
    {
        const string problem = "is not valid Unicode text (invalid UTF-8, or a lone surrogate such as \\ud800); expected UTF-8 JSON text";
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        errors.Add(new FieldError(path.Length == 0 ? "$" : path, $"a property name {problem}"));
                        continue;
                    }
                    FindBrokenText(property.Value, path.Length == 0 ? name : $"{path}.{name}", errors);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray()) FindBrokenText(item, $"{path}[{i++}]", errors);
                break;
            case JsonValueKind.String:
                try
                {
                    _ = element.GetString();
                }
                catch (InvalidOperationException)
                {
                    errors.Add(new FieldError(path, $"the string {problem}"));
                }
                break;
        }
    }

    /// <summary>The JSON path ($.track[2].time) where the reader first fails.</summary>
    internal static string PathOfError(byte[] body)
    {
        var frames = new List<(bool Array, int Index, string? Property)>();
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        frames[^1] = frames[^1] with { Property = reader.GetString() };
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        NextElement(frames);
                        frames.Add((reader.TokenType == JsonTokenType.StartArray, -1, null));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    default:
                        NextElement(frames);
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a property name that is not valid text; the path stops before it.
        }
        var text = new StringBuilder("$");
        foreach (var (array, index, property) in frames)
        {
            if (array && index >= 0) text.Append('[').Append(index).Append(']');
            else if (!array && property is not null) text.Append('.').Append(property);
        }
        return text.ToString();

        static void NextElement(List<(bool Array, int Index, string? Property)> frames)
        {
            if (frames.Count > 0 && frames[^1].Array) frames[^1] = frames[^1] with { Index = frames[^1].Index + 1 };
        }
    }

    public static CheckIn? CheckIn(JsonElement body, string recordId, DateTimeOffset at, ClockQuality clock, TimeWindow window, List<FieldError> errors,
        out Claimed? claimed)
    {
        var f = new Fields(body, "", errors, window);
        claimed = f.Who();
        var latitude = f.Number("latitude", -90, 90);
        var longitude = f.Number("longitude", -180, 180);
        var accuracy = f.Number("accuracyMeters", 0, 100_000);
        var fixTime = f.Time("fixTime");
        var note = f.Text("note", Validation.MaxTextLength, required: false, allowEmpty: true);
        if (errors.Count > 0) return null;
        return new CheckIn(recordId, claimed!.MemberId, claimed.TerminalId, claimed.GridCode, latitude!.Value, longitude!.Value, accuracy!.Value, fixTime!.Value,
            note, GeofenceResult.NoBoundary, at, clock);
    }

    public static PatrolRecord? Patrol(JsonElement body, string recordId, DateTimeOffset at, ClockQuality clock, TimeWindow window, List<FieldError> errors,
        out Claimed? claimed)
    {
        var f = new Fields(body, "", errors, window);
        claimed = f.Who();
        var startedAt = f.Time("startedAt");
        var endedAt = f.Time("endedAt");
        if (startedAt is { } s && endedAt is { } e && e < s) errors.Add(new FieldError("endedAt", $"{e:O} is before startedAt {s:O}"));
        var track = new List<TrackPoint>();
        foreach (var (point, p) in f.Objects("track", Validation.MaxTrackPoints))
        {
            var (lat, lon, time) = (p.Number("latitude", -90, 90), p.Number("longitude", -180, 180), p.Time("time"));
            if (lat is not null && lon is not null && time is not null) track.Add(new TrackPoint(lat.Value, lon.Value, time.Value));
        }
        var places = new List<PlaceVisit>();
        foreach (var (_, p) in f.Objects("places", Validation.MaxPlaces))
        {
            var kind = p.Enum("kind", PlaceKinds);
            var id = p.Text("id", Validation.MaxIdLength, required: kind is 0 or 1, allowEmpty: false);
            if (id is not null && !TerminalIds.IsValid(id)) p.Error("id", $"'{id}' is not an inventory id ({TerminalIds.Rule})");
            var name = p.Text("name", Validation.MaxNameLength, required: true, allowEmpty: false);
            var visited = p.Time("at");
            if (kind is not null && name is not null && visited is not null) places.Add(new PlaceVisit((PlaceKind)kind.Value, id, name, visited.Value));
        }
        var findings = f.Text("findings", Validation.MaxTextLength, required: true, allowEmpty: true);
        var attachments = f.Attachments();
        if (errors.Count > 0) return null;
        return new PatrolRecord(recordId, claimed!.MemberId, claimed.TerminalId, claimed.GridCode, startedAt!.Value, endedAt!.Value, track, places, findings!,
            attachments, at, clock);
    }

    public static ProblemReport? Problem(JsonElement body, string recordId, DateTimeOffset at, ClockQuality clock, List<FieldError> errors, out Claimed? claimed)
    {
        var f = new Fields(body, "", errors, window: null);
        claimed = f.Who();
        var latitude = f.Number("latitude", -90, 90);
        var longitude = f.Number("longitude", -180, 180);
        var address = f.Text("address", Validation.MaxNameLength, required: false, allowEmpty: false);
        var category = f.Enum("category", Categories);
        var description = f.Text("description", Validation.MaxTextLength, required: true, allowEmpty: false);
        var attachments = f.Attachments();
        if (errors.Count > 0) return null;
        return new ProblemReport(recordId, claimed!.MemberId, claimed.TerminalId, claimed.GridCode, latitude!.Value, longitude!.Value, address,
            (ProblemCategory)category!.Value, description!, attachments, at, clock);
    }

    /// <summary>The step names a terminal sends, in the order of <see cref="TaskStepKind"/>.</summary>
    public static readonly IReadOnlyList<string> StepNames =
        [.. Enum.GetValues<TaskStepKind>().Select(s => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()))];

    public static TaskStep? TaskStep(JsonElement body, string? taskId, string recordId, DateTimeOffset at, ClockQuality clock, TimeWindow window,
        List<FieldError> errors, out Claimed? claimed)
    {
        var f = new Fields(body, "", errors, window);
        claimed = f.Who();
        if (!TaskIds.IsValid(taskId)) errors.Add(new FieldError("taskId", $"'{taskId}' in the path is not {TaskIds.Rule}"));
        var step = f.Enum("step", StepNames);
        var latitude = f.Number("latitude", -90, 90);
        var longitude = f.Number("longitude", -180, 180);
        var accuracy = f.Number("accuracyMeters", 0, 100_000);
        var fixTime = f.Time("fixTime");
        var note = f.Text("note", Validation.MaxTextLength, required: false, allowEmpty: true);
        var attachments = f.Attachments();
        if (errors.Count > 0) return null;
        return new TaskStep(recordId, claimed!.MemberId, claimed.TerminalId, claimed.GridCode, taskId!, (TaskStepKind)step!.Value, latitude!.Value,
            longitude!.Value, accuracy!.Value, fixTime!.Value, note, attachments, GeofenceResult.NoBoundary, at, clock);
    }

    /// <summary>The fields of one JSON object, each read once, every problem added to the shared list.</summary>
    private sealed class Fields(JsonElement obj, string prefix, List<FieldError> errors, TimeWindow? window)
    {
        public void Error(string name, string problem) => errors.Add(new FieldError(prefix + name, problem));

        private JsonElement? Get(string name, bool required)
        {
            if (obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null) return value;
            if (required) Error(name, "missing");
            return null;
        }

        public Claimed? Who()
        {
            var member = Id("memberId");
            var terminal = Id("terminalId");
            var grid = Text("gridCode", 12, required: true, allowEmpty: false);
            if (grid is not null && !GridCodes.IsValid(grid)) { Error("gridCode", $"'{grid}' is not {GridCodes.Rule}"); grid = null; }
            return member is null || terminal is null || grid is null ? null : new Claimed(member, terminal, grid);
        }

        private string? Id(string name)
        {
            var id = Text(name, Validation.MaxIdLength, required: true, allowEmpty: false);
            if (id is null || TerminalIds.IsValid(id)) return id;
            Error(name, $"'{id}' is not {TerminalIds.Rule}");
            return null;
        }

        public string? Text(string name, int maxLength, bool required, bool allowEmpty)
        {
            if (Get(name, required) is not { } value) return null;
            if (value.ValueKind != JsonValueKind.String) { Error(name, $"a string is expected, not {Kind(value)}"); return null; }
            var text = value.GetString()!;
            if (text.Length > maxLength) { Error(name, $"{text.Length} characters, more than {maxLength}"); return null; }
            if (!allowEmpty && string.IsNullOrWhiteSpace(text)) { Error(name, "empty"); return null; }
            return text;
        }

        public double? Number(string name, double min, double max)
        {
            if (Get(name, required: true) is not { } value) return null;
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
            {
                Error(name, $"a number of {min} to {max} is expected, not {Kind(value)}");
                return null;
            }
            if (number < min || number > max) { Error(name, $"{number.ToString(CultureInfo.InvariantCulture)} is not within {min} to {max}"); return null; }
            return number;
        }

        public DateTimeOffset? Time(string name)
        {
            if (Get(name, required: true) is not { } value) return null;
            if (value.ValueKind != JsonValueKind.String || value.GetString() is not { } text || !HasOffset(text) ||
                !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            {
                Error(name, $"an ISO 8601 time with an offset (2025-03-01T08:00:00+08:00 or ...Z) is expected, not {Describe(value)}");
                return null;
            }
            if (window is not null && !window.Contains(time))
            {
                Error(name, $"{text} is outside {window.NotBefore.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} to {window.NotAfter.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}: " +
                            $"a record time must be {window.Rule}");
                return null;
            }
            return time;
        }

        public int? Enum(string name, IReadOnlyList<string> values)
        {
            if (Get(name, required: true) is not { } value) return null;
            var index = value.ValueKind == JsonValueKind.String ? IndexOf(values, value.GetString()!) : -1;
            if (index >= 0) return index;
            Error(name, $"{Describe(value)} is not one of {string.Join(", ", values)}");
            return null;
        }

        public IEnumerable<(int Index, Fields Item)> Objects(string name, int maxCount)
        {
            if (Get(name, required: true) is not { } value) yield break;
            if (value.ValueKind != JsonValueKind.Array) { Error(name, $"an array is expected, not {Kind(value)}"); yield break; }
            var count = value.GetArrayLength();
            if (count > maxCount) { Error(name, $"{count} items, more than {maxCount}"); yield break; }
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object) errors.Add(new FieldError($"{prefix}{name}[{i}]", $"an object is expected, not {Kind(item)}"));
                else yield return (i, new Fields(item, $"{prefix}{name}[{i}].", errors, window));
                i++;
            }
        }

        public IReadOnlyList<string> Attachments()
        {
            var result = new List<string>();
            if (Get("attachments", required: true) is not { } value) return result;
            if (value.ValueKind != JsonValueKind.Array) { Error("attachments", $"an array is expected, not {Kind(value)}"); return result; }
            if (value.GetArrayLength() > Validation.MaxAttachments) { Error("attachments", $"{value.GetArrayLength()} attachments, more than {Validation.MaxAttachments}"); return result; }
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && TerminalDirectory.IsSha256Hex(item.GetString())) result.Add(item.GetString()!);
                else errors.Add(new FieldError($"{prefix}attachments[{i}]", $"{Describe(item)} is not a SHA-256 in lower-case hex (64 characters)"));
                i++;
            }
            return result;
        }

        private static int IndexOf(IReadOnlyList<string> values, string value)
        {
            for (var i = 0; i < values.Count; i++)
                if (values[i] == value) return i;
            return -1;
        }

        private static bool HasOffset(string text) =>
            text.Length >= 20 && text[10] is 'T' or 't' && (text[^1] is 'Z' or 'z' || (text.Length >= 6 && text[^6] is '+' or '-' && text[^3] == ':'));

        private static string Kind(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        };

        private static string Describe(JsonElement value)
        {
            var raw = value.GetRawText();
            return raw.Length <= 40 ? raw : raw[..40] + "…";
        }
    }
}
