using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;

namespace GridEdge.Protocol.Codecs;

// The rules for what enforcement terminals upload; the gateway's terminal API checks the same rules with HTTP field names.
public static partial class Validation
{
    /// <summary>The largest terminal directory a configuration may carry, in characters (10,000 terminals and their grids' boundaries).</summary>
    public const int MaxTerminalsLength = 16 * 1024 * 1024;
    /// <summary>Notes, findings and descriptions, in characters.</summary>
    public const int MaxTextLength = 4000;
    /// <summary>Addresses and place names, in characters.</summary>
    public const int MaxNameLength = 200;
    /// <summary>Track points one patrol record may carry.</summary>
    public const int MaxTrackPoints = 10_000;
    /// <summary>Places one patrol record may list.</summary>
    public const int MaxPlaces = 500;
    /// <summary>Attachments one patrol record or problem report may reference.</summary>
    public const int MaxAttachments = 20;
    /// <summary>The largest attachment a terminal may upload, in bytes.</summary>
    public const long MaxAttachmentBytes = 20L * 1024 * 1024;
    /// <summary>The largest piece of an attachment one record carries up, in bytes.</summary>
    public const int MaxAttachmentChunkBytes = 256 * 1024;
    /// <summary>The media types an attachment may declare.</summary>
    public static readonly IReadOnlyList<string> AttachmentTypes = ["image/jpeg", "image/png", "image/webp"];

    /// <summary>Checks any record against its kind's rules.</summary>
    public static DecodeError? CheckRecord(Record record) => record switch
    {
        Reading r => CheckReading(r),
        Alert a => CheckAlert(a),
        CommandResult c => CheckCommandResult(c),
        CheckIn c => CheckCheckIn(c),
        PatrolRecord p => CheckPatrol(p),
        ProblemReport p => CheckProblem(p),
        AttachmentChunk a => CheckAttachmentChunk(a),
        TaskStep t => CheckTaskStep(t),
        _ => new DecodeError("kind", $"{record.GetType().Name} is not a record kind of this protocol"),
    };

    public static DecodeError? CheckCheckIn(CheckIn c) =>
        CheckWho(c.RecordId, c.MemberId, c.TerminalId, c.GridCode)
        ?? CheckPosition("", c.Latitude, c.Longitude)
        ?? (!double.IsFinite(c.AccuracyMeters) || c.AccuracyMeters < 0 || c.AccuracyMeters > 100_000
            ? new DecodeError("accuracyMeters", $"{c.AccuracyMeters} is not a distance of 0-100000 m") : null)
        ?? (c.Note is { Length: > MaxTextLength } ? new DecodeError("note", $"{c.Note.Length} characters, more than {MaxTextLength}") : null)
        ?? (!Enum.IsDefined(c.Geofence) ? new DecodeError("geofence", $"{(int)c.Geofence} is not a geofence result") : null)
        ?? CheckClock(c.Clock);

    public static DecodeError? CheckPatrol(PatrolRecord p)
    {
        var error = CheckWho(p.RecordId, p.MemberId, p.TerminalId, p.GridCode);
        if (error is not null) return error;
        if (p.EndedAt < p.StartedAt) return new DecodeError("endedAt", $"{p.EndedAt:O} is before startedAt {p.StartedAt:O}");
        if (p.Track is null) return new DecodeError("track", "missing");
        if (p.Track.Count > MaxTrackPoints) return new DecodeError("track", $"{p.Track.Count} points, more than {MaxTrackPoints}");
        for (var i = 0; i < p.Track.Count; i++)
            if (CheckPosition($"track[{i}].", p.Track[i].Latitude, p.Track[i].Longitude) is { } e) return e;
        if (p.Places is null) return new DecodeError("places", "missing");
        if (p.Places.Count > MaxPlaces) return new DecodeError("places", $"{p.Places.Count} places, more than {MaxPlaces}");
        for (var i = 0; i < p.Places.Count; i++)
        {
            var place = p.Places[i];
            if (place is null) return new DecodeError($"places[{i}]", "null");
            if (!Enum.IsDefined(place.Kind)) return new DecodeError($"places[{i}].kind", $"{(int)place.Kind} is not key_point, enterprise or other");
            if (place.Kind != PlaceKind.Other && !TerminalIds.IsValid(place.Id))
                return new DecodeError($"places[{i}].id", $"'{place.Id}' is not an inventory id ({TerminalIds.Rule}); a {place.Kind} needs one");
            if (place.Kind == PlaceKind.Other && place.Id is not null && !TerminalIds.IsValid(place.Id))
                return new DecodeError($"places[{i}].id", $"'{place.Id}' is not {TerminalIds.Rule}");
            if (string.IsNullOrWhiteSpace(place.Name) || place.Name.Length > MaxNameLength)
                return new DecodeError($"places[{i}].name", $"must be 1-{MaxNameLength} characters");
        }
        if (p.Findings is null || p.Findings.Length > MaxTextLength) return new DecodeError("findings", $"missing or more than {MaxTextLength} characters");
        return CheckAttachments(p.Attachments) ?? CheckClock(p.Clock);
    }

    public static DecodeError? CheckProblem(ProblemReport p) =>
        CheckWho(p.RecordId, p.MemberId, p.TerminalId, p.GridCode)
        ?? CheckPosition("", p.Latitude, p.Longitude)
        ?? (p.Address is { } a && (a.Length == 0 || a.Length > MaxNameLength) ? new DecodeError("address", $"must be 1-{MaxNameLength} characters when given") : null)
        ?? (!Enum.IsDefined(p.Category) ? new DecodeError("category", $"{(int)p.Category} is not a problem category") : null)
        ?? (string.IsNullOrWhiteSpace(p.Description) || p.Description.Length > MaxTextLength
            ? new DecodeError("description", $"must be 1-{MaxTextLength} characters") : null)
        ?? CheckAttachments(p.Attachments)
        ?? CheckClock(p.Clock);

    public static DecodeError? CheckTaskStep(TaskStep t) =>
        CheckWho(t.RecordId, t.MemberId, t.TerminalId, t.GridCode)
        ?? (!TaskIds.IsValid(t.TaskId) ? new DecodeError("taskId", $"'{t.TaskId}' is not {TaskIds.Rule}") : null)
        ?? (!Enum.IsDefined(t.Step) ? new DecodeError("step", $"{(int)t.Step} is not arrive, rectify or verify") : null)
        ?? CheckPosition("", t.Latitude, t.Longitude)
        ?? (!double.IsFinite(t.AccuracyMeters) || t.AccuracyMeters < 0 || t.AccuracyMeters > 100_000
            ? new DecodeError("accuracyMeters", $"{t.AccuracyMeters} is not a distance of 0-100000 m") : null)
        ?? (t.Note is { Length: > MaxTextLength } ? new DecodeError("note", $"{t.Note.Length} characters, more than {MaxTextLength}") : null)
        ?? CheckAttachments(t.Attachments)
        ?? (!Enum.IsDefined(t.Geofence) ? new DecodeError("geofence", $"{(int)t.Geofence} is not a geofence result") : null)
        ?? CheckClock(t.Clock);

    public static DecodeError? CheckAttachmentChunk(AttachmentChunk a)
    {
        if (!TerminalDirectory.IsSha256Hex(a.Sha256)) return new DecodeError("sha256", $"'{a.Sha256}' is not 64 lower-case hex digits");
        if (a.ContentType is null || !AttachmentTypes.Contains(a.ContentType))
            return new DecodeError("contentType", $"'{a.ContentType}' is not one of {string.Join(", ", AttachmentTypes)}");
        if (a.TotalSize < 0 || a.TotalSize > MaxAttachmentBytes) return new DecodeError("totalSize", $"{a.TotalSize} is not 0-{MaxAttachmentBytes} bytes");
        if (a.Data is null) return new DecodeError("data", "missing");
        if (a.Data.Length > MaxAttachmentChunkBytes) return new DecodeError("data", $"{a.Data.Length} bytes, more than {MaxAttachmentChunkBytes}");
        if (a.Offset < 0 || a.Offset + a.Data.Length > a.TotalSize) return new DecodeError("offset", $"{a.Offset} + {a.Data.Length} bytes does not fit in {a.TotalSize}");
        if (a.Data.Length == 0 && a.TotalSize != 0) return new DecodeError("data", "empty, but the file is not");
        if (!TerminalIds.IsValid(a.TerminalId)) return new DecodeError("terminalId", $"'{a.TerminalId}' is not {TerminalIds.Rule}");
        return CheckClock(a.Clock);
    }

    private static DecodeError? CheckWho(string recordId, string memberId, string terminalId, string gridCode) =>
        !TerminalIds.IsValid(recordId) ? new DecodeError("recordId", $"'{recordId}' is not {TerminalIds.Rule}")
        : !TerminalIds.IsValid(memberId) ? new DecodeError("memberId", $"'{memberId}' is not {TerminalIds.Rule}")
        : !TerminalIds.IsValid(terminalId) ? new DecodeError("terminalId", $"'{terminalId}' is not {TerminalIds.Rule}")
        : !GridCodes.IsValid(gridCode) ? new DecodeError("gridCode", $"'{gridCode}' is not {GridCodes.Rule}")
        : null;

    private static DecodeError? CheckPosition(string prefix, double latitude, double longitude) =>
        !double.IsFinite(latitude) || latitude < -90 || latitude > 90 ? new DecodeError($"{prefix}latitude", $"{latitude} is not a latitude of -90 to 90")
        : !double.IsFinite(longitude) || longitude < -180 || longitude > 180 ? new DecodeError($"{prefix}longitude", $"{longitude} is not a longitude of -180 to 180")
        : null;

    private static DecodeError? CheckAttachments(IReadOnlyList<string>? attachments)
    {
        if (attachments is null) return new DecodeError("attachments", "missing");
        if (attachments.Count > MaxAttachments) return new DecodeError("attachments", $"{attachments.Count} attachments, more than {MaxAttachments}");
        for (var i = 0; i < attachments.Count; i++)
            if (!TerminalDirectory.IsSha256Hex(attachments[i])) return new DecodeError($"attachments[{i}]", $"'{attachments[i]}' is not a SHA-256 in lower-case hex");
        return null;
    }

    private static DecodeError? CheckClock(ClockQuality clock) =>
        Enum.IsDefined(clock) ? null : new DecodeError("clock", $"{(int)clock} is not a clock quality");
}
