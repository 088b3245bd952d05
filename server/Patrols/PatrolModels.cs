using System.Text.Json;
using GridEdge.Protocol.Records;

namespace GridEdge.Server.Patrols;

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

/// <summary>Filters of the check-in and patrol listings; <see cref="Grid"/> matches the grid and every grid beneath it.</summary>
public sealed record PatrolLedgerQuery(string? Gateway = null, string? Grid = null, string? Member = null, DateTimeOffset? From = null, DateTimeOffset? To = null,
    int Limit = 100, string? Cursor = null)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
}
