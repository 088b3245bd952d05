using System.Text.Json;
using GridEdge.Protocol.Records;

namespace GridEdge.Server.Problems;

/// <summary>A transition of a problem (n = 0 is the report).</summary>
public sealed record StoredProblemEvent(int N, string Action, string? FromState, string ToState, string By, DateTimeOffset At, JsonElement? Detail);

/// <summary>
/// A stored problem with its lifecycle fields; <see cref="Events"/> only when read one at a time. <see cref="Source"/> is
/// <c>terminal</c> (a member reported it) or <c>alert</c> (a gateway's alert opened it: <see cref="Alert"/> holds the alert's
/// figures, member and terminal are ''); <see cref="Critical"/>: a straw-burning alert during a straw-burning ban.
/// </summary>
public sealed record StoredProblem(
    long Id, string Gateway, long Seq, string RecordId, string MemberId, string TerminalId, string GridCode, double Latitude, double Longitude,
    string? Address, ProblemCategory Category, string Description, IReadOnlyList<string> Attachments, DateTimeOffset ReportedAt,
    ClockQuality Clock, DateTimeOffset ReceivedAt, string State, string? Assignee, string? Department, DateTimeOffset? Deadline,
    JsonElement? Plan, DateTimeOffset UpdatedAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<StoredProblemEvent>? Events = null,
    string Source = "terminal", bool Critical = false,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] JsonElement? Alert = null);

/// <summary>Filters of the problem listing.</summary>
public sealed record ProblemQuery(string? Grid = null, string? Member = null, string? State = null, ProblemCategory? Category = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, int Limit = 100, string? Cursor = null);
