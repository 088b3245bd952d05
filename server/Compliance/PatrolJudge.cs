using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Server.Complaints;

namespace GridEdge.Server.Compliance;

/// <summary>A patrol record as the compliance figures read it: its times, clock, track and whether a check-in inside its grid fell within it.</summary>
public sealed record PatrolEvidence(string Gateway, long Seq, string RecordId, string Member, string Grid, DateTimeOffset StartedAt, DateTimeOffset EndedAt,
    ClockQuality Clock, DateTimeOffset ReceivedAt, IReadOnlyList<TrackPoint> Track, bool CheckInInside);

/// <summary>
/// Decides whether a patrol counts (Server:Compliance): a trusted clock, a minimum duration, and a track point inside its grid's
/// boundary (any track point when the grid has no boundary) or a check-in of the member in the grid judged inside its geofence
/// during the patrol. Each failed rule is a reason in the figures.
/// </summary>
public static class PatrolJudge
{
    public const string ClockUnsynchronised = "clock_unsynchronised";
    public const string NoTrackOrCheckInInside = "no_track_or_checkin_inside";

    public static string ShorterThan(int minutes) => $"shorter_than_{minutes}_min";

    public static string NoPositionNear(double meters) => $"no_position_within_{meters:0.#}_m";

    /// <summary>The reasons the patrol does not count; empty when it counts.</summary>
    public static IReadOnlyList<string> Reasons(PatrolEvidence p, VillageOutline? outline, CountingRules rules)
    {
        var reasons = new List<string>(3);
        if (p.Clock == ClockQuality.Unsynchronised && !rules.TrustUnsynchronisedClock) reasons.Add(ClockUnsynchronised);
        if (p.EndedAt - p.StartedAt < TimeSpan.FromMinutes(rules.MinPatrolMinutes)) reasons.Add(ShorterThan(rules.MinPatrolMinutes));
        var trackInside = p.Track.Count > 0 && (outline is null || p.Track.Any(t => outline.Contains(t.Latitude, t.Longitude)));
        if (!trackInside && !p.CheckInInside) reasons.Add(NoTrackOrCheckInInside);
        return reasons;
    }

    /// <summary>The track of a stored patrol; empty when the column holds no track (written by an earlier server, or damaged).</summary>
    public static IReadOnlyList<TrackPoint> ReadTrack(string json)
    {
        if (json.Length <= 2) return [];
        try
        {
            return Patrols.PatrolLedger.ReadTrack(json);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return [];
        }
    }

    /// <summary>The great-circle distance in metres (haversine on a sphere of the mean Earth radius).</summary>
    public static double DistanceMeters(double lat1, double lon1, double lat2, double lon2)
    {
        const double EarthRadiusMeters = 6_371_008.8;
        static double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
