using System.Text.Json.Serialization;
using GridEdge.Protocol.Records;

namespace GridEdge.Server.Complaints;

/// <summary>How a complaint reached the township: by phone, a 12345/12369 hotline hand-over, WeChat, letter, or passed down from an upper level.</summary>
public static class ComplaintChannels
{
    public static readonly IReadOnlyList<string> All = ["phone", "hotline", "wechat", "letter", "upper_level"];
}

/// <summary>Who to call back; shown only to the roles that must (<see cref="ComplaintContact.Visible"/>).</summary>
public sealed record ComplaintContact(string? Name, string? Phone)
{
    /// <summary>Whether a caller of <paramref name="role"/> sees the contact: township and up, and administrators.</summary>
    public static bool Visible(string role) => role is Users.Roles.Township or Users.Roles.County or Users.Roles.City or Users.Roles.Admin;
}

/// <summary>A complaint as received, before it is stored: the grid it was routed to is already decided.</summary>
public sealed record NewComplaint(DateTimeOffset ReceivedAt, string Channel, double? Latitude, double? Longitude, string? Address, ProblemCategory Category,
    string Description, ComplaintContact? Contact, string Grid, string ReceivedBy);

/// <summary>The response clock: due by receipt plus the response limit, met when a member of the grid checked in inside it by then.</summary>
public sealed record ResponseClock(DateTimeOffset DueAt, DateTimeOffset? ArrivedAt, string Response)
{
    public const string Met = "met", Missed = "missed", Pending = "pending";

    public static ResponseClock Of(DateTimeOffset dueAt, DateTimeOffset? arrivedAt, DateTimeOffset now) =>
        new(dueAt, arrivedAt, arrivedAt is { } a ? (a <= dueAt ? Met : Missed) : now > dueAt ? Missed : Pending);

    /// <summary>The clock of a stored complaint: due by its receipt plus the calendar's response limit at that time.</summary>
    public static ResponseClock Of(StoredComplaint complaint, Calendar.IWorkCalendar calendar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(complaint);
        ArgumentNullException.ThrowIfNull(calendar);
        return Of(complaint.ReceivedAt + calendar.ResponseLimit(complaint.ReceivedAt), complaint.ArrivedAt, now);
    }
}

/// <summary>A stored complaint with its response clock; <see cref="Contact"/> is null for callers who may not see it.</summary>
public sealed record StoredComplaint(long Id, DateTimeOffset ReceivedAt, string Channel, double? Latitude, double? Longitude, string? Address,
    ProblemCategory Category, string Description,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ComplaintContact? Contact,
    string Grid, string ReceivedBy, long? RepeatOf, DateTimeOffset? ArrivedAt)
{
    public DateTimeOffset? DueAt { get; init; }
    public string? Response { get; init; }

    /// <summary>How many later complaints are linked to this one as repeats (重复访).</summary>
    public int Repeats { get; init; }

    /// <summary>The replies and follow-up visits in the order recorded; only when read one at a time.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ComplaintStep>? Steps { get; init; }
}

/// <summary>A complaint with what its figures count of its handling: replied to, visited, and the satisfaction of its latest visit.</summary>
public sealed record ComplaintHandling(StoredComplaint Complaint, bool Replied, bool Visited, string? LastSatisfaction);

/// <summary>The answer to POST /api/complaints.</summary>
public sealed record ComplaintReceived(long Id, string Grid, long? RepeatOf);

/// <summary>Filters of the complaint listing.</summary>
public sealed record ComplaintQuery(string? Grid = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int Limit = 100, string? Cursor = null)
{
    public const int DefaultLimit = 100, MaxLimit = 1000;
    public const string CursorKind = "c";
}
