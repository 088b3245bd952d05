using System.Text.Json.Serialization;
using GridEdge.Protocol.Codecs;

namespace GridEdge.Protocol.Records;

/// <summary>What a grid member does on a task from the terminal: arrive on site, report the rectification, verify it.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<TaskStepKind>))]
public enum TaskStepKind : byte
{
    /// <summary>到达现场: the member is at the place (a position inside the task's village counts for the response clock).</summary>
    Arrive = 0,
    /// <summary>整改: the problem was put right, with photos and position.</summary>
    Rectify = 1,
    /// <summary>核查: the rectification was checked on site.</summary>
    Verify = 2,
}

/// <summary>
/// A step a member took on a task (a problem or complaint handed to them), uploaded like a check-in on the uploads
/// stream. The server applies it to the problem's lifecycle or the complaint's clock with the member as the actor, or
/// refuses it and shows the refusal on the task.
/// </summary>
/// <param name="TaskId">The task as the gateway's task list names it: "problem-12" or "complaint-5".</param>
/// <param name="GridCode">The grid of the task (the member's village).</param>
/// <param name="Geofence">The gateway's verdict of the position against the task grid's boundary.</param>
/// <param name="Attachments">SHA-256 (lower-case hex) of each photo, uploaded separately.</param>
public sealed record TaskStep(
    string RecordId,
    string MemberId,
    string TerminalId,
    string GridCode,
    string TaskId,
    TaskStepKind Step,
    double Latitude,
    double Longitude,
    double AccuracyMeters,
    DateTimeOffset FixTime,
    string? Note,
    IReadOnlyList<string> Attachments,
    GeofenceResult Geofence,
    DateTimeOffset Timestamp,
    ClockQuality Clock) : Record(Timestamp, Clock)
{
    public bool Equals(TaskStep? other) =>
        other is not null && RecordId == other.RecordId && MemberId == other.MemberId && TerminalId == other.TerminalId &&
        GridCode == other.GridCode && TaskId == other.TaskId && Step == other.Step && Latitude.Equals(other.Latitude) &&
        Longitude.Equals(other.Longitude) && AccuracyMeters.Equals(other.AccuracyMeters) && FixTime == other.FixTime && Note == other.Note &&
        PatrolRecord.Same(Attachments, other.Attachments) && Geofence == other.Geofence && Timestamp == other.Timestamp && Clock == other.Clock;

    public override int GetHashCode() => HashCode.Combine(RecordId, TerminalId, TaskId);
}
