using System.Text.Json.Serialization;
using GridEdge.Protocol.Codecs;

namespace GridEdge.Protocol.Records;

// What grid members' enforcement terminals (移动执法终端) upload through a gateway: check-ins (打卡), patrol records
// (巡查) and problem reports (问题), and the photos they refer to. Every record names the terminal's own id for it
// (RecordId, the Idempotency-Key of the request), so a retried upload is the same record.

/// <summary>Where a check-in lies against the member's grid boundary, decided on the gateway when it is accepted.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<GeofenceResult>))]
public enum GeofenceResult : byte
{
    /// <summary>Inside the member's grid, with the whole accuracy circle inside.</summary>
    Inside = 0,
    /// <summary>Outside the member's grid, with the whole accuracy circle outside.</summary>
    Outside = 1,
    /// <summary>The accuracy circle crosses the boundary, or the fix is coarser than the gateway accepts for a decision.</summary>
    Inaccurate = 2,
    /// <summary>The gateway has no boundary for the member's grid.</summary>
    NoBoundary = 3,
}

/// <summary>The kinds of problem a grid member reports (the patrol targets of the work plans).</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<ProblemCategory>))]
public enum ProblemCategory : byte
{
    /// <summary>秸秆焚烧.</summary>
    StrawBurning = 0,
    /// <summary>扬尘: construction sites, roads, yards.</summary>
    Dust = 1,
    /// <summary>乱排乱放、违法排污.</summary>
    IllegalDischarge = 2,
    /// <summary>畜禽养殖粪污.</summary>
    LivestockWaste = 3,
    /// <summary>垃圾倾倒.</summary>
    Garbage = 4,
    /// <summary>其他.</summary>
    Other = 5,
    // The seeds' other categories, added after the first six so that stored problems keep their numbers.
    /// <summary>餐饮油烟.</summary>
    CateringFumes = 6,
    /// <summary>露天焚烧 (other than straw: waste, leaves, tyres).</summary>
    OpenBurning = 7,
    /// <summary>生活噪声.</summary>
    NeighbourhoodNoise = 8,
    /// <summary>十五小及无证无照企业: small polluting workshops and unlicensed businesses.</summary>
    SmallUnlicensedWorkshop = 9,
    /// <summary>饮用水源地: drinking-water source protection areas.</summary>
    DrinkingWaterSource = 10,
    /// <summary>黑臭水体.</summary>
    BlackOdorousWater = 11,
    /// <summary>医疗废物.</summary>
    MedicalWaste = 12,
}

/// <summary>What kind of place a patrol visited.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<PlaceKind>))]
public enum PlaceKind : byte
{
    /// <summary>A key monitoring point of the grid (重点监控点位), by its id.</summary>
    KeyPoint = 0,
    /// <summary>An enterprise of the grid's pollution-source inventory, by its id.</summary>
    Enterprise = 1,
    /// <summary>Anywhere else, by name.</summary>
    Other = 2,
}

/// <summary>A WGS-84 position.</summary>
public readonly record struct GeoPoint(double Latitude, double Longitude);

/// <summary>One point of a patrol's track.</summary>
public readonly record struct TrackPoint(double Latitude, double Longitude, DateTimeOffset Time);

/// <summary>A place a patrol visited.</summary>
/// <param name="Kind">key_point, enterprise or other.</param>
/// <param name="Id">The key point's or enterprise's id in the grid's inventory; null for other places.</param>
/// <param name="Name">What the member calls it.</param>
/// <param name="At">When the member was there.</param>
public sealed record PlaceVisit(
    PlaceKind Kind,
    string? Id,
    string Name,
    DateTimeOffset At);

/// <summary>A GPS check-in during a patrol. <see cref="Record.Timestamp"/> is when the gateway accepted it; <see cref="FixTime"/> the terminal's fix.</summary>
/// <param name="RecordId">The terminal's id for this check-in (the request's Idempotency-Key).</param>
/// <param name="GridCode">The 12-digit division code of the grid the member checks in for.</param>
/// <param name="Geofence">The gateway's verdict against the member's grid boundary.</param>
public sealed record CheckIn(
    string RecordId,
    string MemberId,
    string TerminalId,
    string GridCode,
    double Latitude,
    double Longitude,
    double AccuracyMeters,
    DateTimeOffset FixTime,
    string? Note,
    GeofenceResult Geofence,
    DateTimeOffset Timestamp,
    ClockQuality Clock) : Record(Timestamp, Clock);

/// <summary>A patrol record (巡查记录): who walked which grid when, the track, the places visited, what was found and the photos.</summary>
/// <param name="Attachments">SHA-256 (lower-case hex) of each photo, uploaded separately.</param>
public sealed record PatrolRecord(
    string RecordId,
    string MemberId,
    string TerminalId,
    string GridCode,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    IReadOnlyList<TrackPoint> Track,
    IReadOnlyList<PlaceVisit> Places,
    string Findings,
    IReadOnlyList<string> Attachments,
    DateTimeOffset Timestamp,
    ClockQuality Clock) : Record(Timestamp, Clock)
{
    public bool Equals(PatrolRecord? other) =>
        other is not null && RecordId == other.RecordId && MemberId == other.MemberId && TerminalId == other.TerminalId &&
        GridCode == other.GridCode && StartedAt == other.StartedAt && EndedAt == other.EndedAt && Findings == other.Findings &&
        Same(Track, other.Track) && Same(Places, other.Places) && Same(Attachments, other.Attachments) &&
        Timestamp == other.Timestamp && Clock == other.Clock;

    public override int GetHashCode() => HashCode.Combine(RecordId, TerminalId, StartedAt);

    internal static bool Same<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);
}

/// <summary>A problem report (问题上报): where, what kind, what the member saw, and the photos.</summary>
/// <param name="Address">A description of the place (road, village, site), optional.</param>
public sealed record ProblemReport(
    string RecordId,
    string MemberId,
    string TerminalId,
    string GridCode,
    double Latitude,
    double Longitude,
    string? Address,
    ProblemCategory Category,
    string Description,
    IReadOnlyList<string> Attachments,
    DateTimeOffset Timestamp,
    ClockQuality Clock) : Record(Timestamp, Clock)
{
    public bool Equals(ProblemReport? other) =>
        other is not null && RecordId == other.RecordId && MemberId == other.MemberId && TerminalId == other.TerminalId &&
        GridCode == other.GridCode && Latitude.Equals(other.Latitude) && Longitude.Equals(other.Longitude) && Address == other.Address &&
        Category == other.Category && Description == other.Description && PatrolRecord.Same(Attachments, other.Attachments) &&
        Timestamp == other.Timestamp && Clock == other.Clock;

    public override int GetHashCode() => HashCode.Combine(RecordId, TerminalId, Category);
}

/// <summary>
/// One piece of a verified attachment (a photo) on its way up, on the <c>attachments</c> stream. The gateway sends a
/// file whose SHA-256 it has verified as consecutive chunks; the server puts them together and verifies the hash again.
/// </summary>
/// <param name="Sha256">The whole file's SHA-256, lower-case hex (64 characters).</param>
/// <param name="ContentType">The media type the terminal declared (image/jpeg, image/png).</param>
/// <param name="TotalSize">The whole file's size in bytes.</param>
/// <param name="Offset">Where <see cref="Data"/> starts in the file.</param>
/// <param name="Data">The bytes (at most <see cref="Codecs.Validation.MaxAttachmentChunkBytes"/>; an empty file has one empty chunk).</param>
/// <param name="TerminalId">The terminal that uploaded the file.</param>
public sealed record AttachmentChunk(
    string Sha256,
    string ContentType,
    long TotalSize,
    long Offset,
    byte[] Data,
    string TerminalId,
    DateTimeOffset Timestamp,
    ClockQuality Clock) : Record(Timestamp, Clock)
{
    public bool Equals(AttachmentChunk? other) =>
        other is not null && Sha256 == other.Sha256 && ContentType == other.ContentType && TotalSize == other.TotalSize &&
        Offset == other.Offset && TerminalId == other.TerminalId && Timestamp == other.Timestamp && Clock == other.Clock &&
        (Data is null ? other.Data is null : other.Data is not null && Data.AsSpan().SequenceEqual(other.Data));

    public override int GetHashCode() => HashCode.Combine(Sha256, Offset);

    /// <summary>Whether this chunk ends the file.</summary>
    [JsonIgnore]
    public bool IsLast => Offset + Data.Length == TotalSize;
}
