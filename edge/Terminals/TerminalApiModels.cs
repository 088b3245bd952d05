using System.ComponentModel;

namespace GridEdge.Edge.Terminals;

// The shapes of the terminal API as the OpenAPI document shows them. The handlers read bodies field by field (so that
// every wrong field is named at once), not through these types; keep the two in step.

/// <summary>A GPS check-in during a patrol.</summary>
public sealed record CheckInRequest(
    string MemberId, string TerminalId,
    [property: Description("The member's grid: 12-digit division code")] string GridCode,
    double Latitude, double Longitude,
    [property: Description("Radius of the fix's accuracy circle, metres (0-100000)")] double AccuracyMeters,
    [property: Description("ISO 8601 with an offset")] DateTimeOffset FixTime,
    string? Note);

/// <summary>One point of a patrol's track.</summary>
public sealed record TrackPointRequest(double Latitude, double Longitude, DateTimeOffset Time);

/// <summary>A place a patrol visited.</summary>
public sealed record PlaceRequest(
    [property: Description("key_point, enterprise or other")] string Kind,
    [property: Description("The inventory id; required for key_point and enterprise")] string? Id,
    string Name, DateTimeOffset At);

/// <summary>A patrol record.</summary>
public sealed record PatrolRequest(
    string MemberId, string TerminalId, string GridCode, DateTimeOffset StartedAt, DateTimeOffset EndedAt,
    IReadOnlyList<TrackPointRequest> Track, IReadOnlyList<PlaceRequest> Places, string Findings,
    [property: Description("SHA-256 (lower-case hex) of each photo, uploaded through /api/v1/attachments")] IReadOnlyList<string> Attachments);

/// <summary>A problem report.</summary>
public sealed record ProblemRequest(
    string MemberId, string TerminalId, string GridCode, double Latitude, double Longitude, string? Address,
    [property: Description("straw_burning, dust, illegal_discharge, livestock_waste, garbage, other, catering_fumes, open_burning, neighbourhood_noise, small_unlicensed_workshop, drinking_water_source, black_odorous_water or medical_waste")] string Category,
    string Description,
    [property: Description("SHA-256 (lower-case hex) of each photo")] IReadOnlyList<string> Attachments);

/// <summary>A record stored durably in the gateway's outbox.</summary>
public sealed record AcceptedResponse(
    string RecordId, string Stream, long Seq,
    [property: Description("check-ins only: inside, outside, inaccurate or no_boundary")] string? Geofence,
    DateTimeOffset AcceptedAt);

/// <summary>Opens (or reports) an attachment upload.</summary>
public sealed record AttachmentOpenRequest(
    [property: Description("SHA-256 of the whole file, lower-case hex")] string Sha256,
    [property: Description("Bytes, at most 20 MiB")] long Size,
    [property: Description("image/jpeg, image/png or image/webp")] string ContentType);

/// <summary>An attachment upload's state.</summary>
public sealed record AttachmentStatusResponse(string Sha256, long Size, string ContentType,
    [property: Description("Bytes the gateway holds: the next Content-Range starts here")] long Received,
    [property: Description("partial or complete")] string State);

/// <summary>Every refusal: a sentence, and each wrong field with what is wrong.</summary>
public sealed record ErrorResponse(string Error, IReadOnlyList<FieldError> Errors, long? Received = null);

/// <summary>A step on a task (POST /api/v1/tasks/{taskId}/steps): what, where the member is, and for a rectification the photos.</summary>
public sealed record TaskStepRequest(
    string MemberId, string TerminalId, string GridCode,
    [property: Description("arrive, rectify or verify")] string Step,
    double Latitude, double Longitude, double AccuracyMeters, DateTimeOffset FixTime,
    [property: Description("the rectification's result, or a comment")] string? Note,
    [property: Description("SHA-256 of photos uploaded with POST /api/v1/attachments")] IReadOnlyList<string>? Attachments);

/// <summary>The body of GET /api/v1/tasks.</summary>
/// <param name="Version">The version of the server's list in force (0: none received yet).</param>
/// <param name="ListAt">When the server made that list: how current the tasks are while the uplink is down.</param>
public sealed record TaskListResponse(string MemberId, long Version, DateTimeOffset? ListAt, IReadOnlyList<TaskResponse> Tasks);

/// <summary>A task as the terminal shows it, with the steps this gateway accepted since the list was made.</summary>
public sealed record TaskResponse(string TaskId, string Kind, long Ref, string GridCode, GridEdge.Protocol.Records.ProblemCategory Category, string Description,
    double? Latitude, double? Longitude, string? Address, DateTimeOffset? Deadline, string State, IReadOnlyList<string> Photos,
    IReadOnlyList<GridEdge.Protocol.Records.TaskStepKind> Steps, GridEdge.Protocol.Wire.TaskRefusal? Refused, DateTimeOffset UpdatedAt,
    IReadOnlyList<LocalStepResponse> SentSteps);

/// <summary>A step this gateway accepted and holds for the server (or has passed on, before the next list arrived).</summary>
public sealed record LocalStepResponse(GridEdge.Protocol.Records.TaskStepKind Step, string RecordId, string MemberId, DateTimeOffset At);
