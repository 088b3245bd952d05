using System.Text.Json.Nodes;
using GridEdge.Protocol.Records;

namespace GridEdge.Server.Map;

/// <summary>The body of GET /api/map: a grid's villages with their boundaries and figures, and its townships' gateways.</summary>
/// <param name="Week">The ISO week (China time) <c>patrolsThisWeek</c> counts; <see cref="WeekFrom"/> its Monday 00:00.</param>
/// <param name="MonthFrom">The first instant of the calendar month (China time) the key points' figures count from.</param>
public sealed record MapView(
    string? Grid,
    string Week,
    DateTimeOffset WeekFrom,
    DateTimeOffset MonthFrom,
    DateTimeOffset At,
    IReadOnlyList<MapVillage> Villages,
    IReadOnlyList<MapGateway> Gateways);

/// <summary>A village grid on the map; <see cref="Boundary"/> is its GeoJSON geometry with coordinates rounded to 5 decimals (about 1 m), or null.</summary>
public sealed record MapVillage(string Code, string Name, string? Parent, string? Chief, RawJson? Boundary, VillageFigures Figures);

/// <summary>A JSON value kept as its text and written into an answer as it is (a village outline: parsed once when imported, not per request).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(RawJsonConverter))]
public sealed record RawJson(string Json);

/// <summary>Writes a <see cref="RawJson"/> as the JSON it holds; reading one is not needed.</summary>
public sealed class RawJsonConverter : System.Text.Json.Serialization.JsonConverter<RawJson>
{
    public override RawJson Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        using var document = System.Text.Json.JsonDocument.ParseValue(ref reader);
        return new RawJson(document.RootElement.GetRawText());
    }

    public override void Write(System.Text.Json.Utf8JsonWriter writer, RawJson value, System.Text.Json.JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Json, skipInputValidation: true);
}

/// <summary>
/// A village's figures now: active members, patrols started this ISO week, key points and those visited at least twice
/// (<see cref="KeyPointsCoveredThisMonth"/>) or at least once this calendar month, problems not closed and those past their
/// deadline while not yet rectified.
/// </summary>
public sealed record VillageFigures(
    int Members,
    int PatrolsThisWeek,
    int KeyPoints,
    int KeyPointsCoveredThisMonth,
    int KeyPointsVisitedThisMonth,
    int OpenProblems,
    int OverdueProblems);

/// <summary>
/// The gateway at a township's center as the ledger knows it: online state, last seen, versions, the records missing from
/// its streams (gaps), and the clock quality of its newest reading. Registered but never connected: offline, no last seen.
/// </summary>
public sealed record MapGateway(
    string Id,
    string Township,
    string TownshipName,
    bool Online,
    DateTimeOffset? LastSeen,
    string? SoftwareVersion,
    string? ConfigVersion,
    long Missing,
    ClockQuality? Clock,
    DateTimeOffset? LastReadingAt);
