using System.Text.Json;
using GridEdge.Protocol.Records;

namespace GridEdge.Server.Grid;

// What the registry API and the seed file take. Every field is nullable so a missing one is reported by name, not thrown.

/// <summary>A grid as imported or posted: code, name; level and parent are optional (they follow from the code) but must agree with it.</summary>
public sealed record GridInput(string? Code, string? Name, int? Level = null, string? Parent = null, string? Gateway = null, JsonElement? Boundary = null, string? Chief = null);

/// <summary>A grid member (网格员) and the grid they patrol.</summary>
public sealed record MemberInput(string? Id, string? Name, string? Grid, string? Phone = null, bool? Active = null);

/// <summary>A key monitoring point (重点监控点位) of a grid; <see cref="Grid"/> comes from the URL when posted to a grid.</summary>
public sealed record KeyPointInput(string? Id, string? Name, string? Grid = null, double? Latitude = null, double? Longitude = null);

/// <summary>An enterprise of a grid's pollution-source inventory with its enterprise file (一企一档, a JSON object).</summary>
public sealed record EnterpriseInput(string? Id, string? Name, string? Class, string? Grid = null, JsonElement? File = null, double? Latitude = null, double? Longitude = null);

/// <summary>The bulk import (PUT /api/grids) and the seed file (Server:Grid:SeedFile): grids, members, key points, enterprises, applied as upserts in one transaction.</summary>
public sealed record GridDocument(
    IReadOnlyList<GridInput>? Grids = null,
    IReadOnlyList<MemberInput>? Members = null,
    IReadOnlyList<KeyPointInput>? KeyPoints = null,
    IReadOnlyList<EnterpriseInput>? Enterprises = null);

/// <summary>The body of POST /api/terminals.</summary>
public sealed record TerminalRequest(string? Id, string? Member);

/// <summary>One thing wrong with a request: the field (JSON path), the value given and what was expected.</summary>
public sealed record FieldError(string Field, string? Value, string Expected);

/// <summary>A 400 answer naming every wrong field.</summary>
public sealed record GridRejected(string Error, string Field, IReadOnlyList<FieldError> Errors);

/// <summary>The enterprise classes of the inventory, with their visit frequencies (docs/domain.md).</summary>
public static class EnterpriseClasses
{
    public const string Province = "province";
    public const string CityCounty = "city_county";
    public const string Other = "other";
    public static readonly IReadOnlyList<string> All = [Province, CityCounty, Other];
}

/// <summary>A grid as stored.</summary>
public sealed record GridRecord(string Code, int Level, string Name, string? Parent, string? Gateway, string? Boundary, string? Chief);

/// <summary>A member as stored.</summary>
public sealed record MemberRecord(string Id, string Name, string Grid, string? Phone, bool Active);

/// <summary>A terminal as stored (its token hash included; the API never shows it).</summary>
public sealed record TerminalRecord(string Id, string Member, string TokenSha256, DateTimeOffset IssuedAt, DateTimeOffset? RevokedAt, string? Grid);

/// <summary>A terminal just issued: <see cref="Token"/> is shown this once and never stored.</summary>
public sealed record IssuedTerminal(string Id, string Member, string Grid, string Token, string TokenSha256, DateTimeOffset IssuedAt);

/// <summary>A key point as stored.</summary>
public sealed record KeyPointRecord(string Id, string Grid, string Name, double? Latitude, double? Longitude);

/// <summary>An enterprise as stored; <see cref="File"/> is the enterprise file's JSON.</summary>
public sealed record EnterpriseRecord(string Id, string Grid, string Name, string Class, string File, double? Latitude, double? Longitude);

/// <summary>What an import changed: counts, and the gateways whose terminal directory may have changed.</summary>
public sealed record ImportResult(int Grids, int Members, int KeyPoints, int Enterprises, IReadOnlyList<string> Gateways);

// The patrol and problem ledgers as read back.

/// <summary>A stored check-in, named as on the wire (<see cref="CheckIn"/>) plus where it came from and when it arrived.</summary>
public sealed record StoredCheckIn(
    string Gateway, long Seq, string RecordId, string MemberId, string TerminalId, string GridCode, double Latitude, double Longitude,
    double AccuracyMeters, DateTimeOffset FixTime, string? Note, GeofenceResult Geofence, DateTimeOffset Timestamp, ClockQuality Clock, DateTimeOffset ReceivedAt);

/// <summary>A place of a stored patrol.</summary>
public sealed record StoredPlace(PlaceKind Kind, string? Id, string Name, DateTimeOffset At);

/// <summary>A stored patrol record with its places.</summary>
public sealed record StoredPatrol(
    string Gateway, long Seq, string RecordId, string MemberId, string TerminalId, string GridCode, DateTimeOffset StartedAt, DateTimeOffset EndedAt,
    IReadOnlyList<TrackPoint> Track, IReadOnlyList<StoredPlace> Places, string Findings, IReadOnlyList<string> Attachments,
    DateTimeOffset Timestamp, ClockQuality Clock, DateTimeOffset ReceivedAt);

/// <summary>A transition of a problem (n = 0 is the report).</summary>
public sealed record StoredProblemEvent(int N, string Action, string? FromState, string ToState, string By, DateTimeOffset At, JsonElement? Detail);

/// <summary>A stored problem with its lifecycle fields; <see cref="Events"/> only when read one at a time.</summary>
public sealed record StoredProblem(
    long Id, string Gateway, long Seq, string RecordId, string MemberId, string TerminalId, string GridCode, double Latitude, double Longitude,
    string? Address, ProblemCategory Category, string Description, IReadOnlyList<string> Attachments, DateTimeOffset ReportedAt,
    ClockQuality Clock, DateTimeOffset ReceivedAt, string State, string? Assignee, string? Department, DateTimeOffset? Deadline,
    JsonElement? Plan, DateTimeOffset UpdatedAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<StoredProblemEvent>? Events = null);

/// <summary>An attachment's state in the ledger.</summary>
public sealed record StoredAttachment(string Sha256, string ContentType, long Size, string Terminal, string Gateway, long Received,
    DateTimeOffset? CompleteAt, DateTimeOffset FirstAt, int Mismatches);

/// <summary>Filters of the check-in and patrol listings; <see cref="Grid"/> matches the grid and every grid beneath it.</summary>
public sealed record PatrolLedgerQuery(string? Gateway = null, string? Grid = null, string? Member = null, DateTimeOffset? From = null, DateTimeOffset? To = null,
    int Limit = 100, string? Cursor = null)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
}

/// <summary>Filters of the problem listing.</summary>
public sealed record ProblemQuery(string? Grid = null, string? Member = null, string? State = null, ProblemCategory? Category = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, int Limit = 100, string? Cursor = null);

/// <summary>One page of a listing; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
