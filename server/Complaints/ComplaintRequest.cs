using System.Globalization;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Server.Api;

namespace GridEdge.Server.Complaints;

/// <summary>The body of POST /api/complaints, checked field by field; the grid is decided by routing afterwards.</summary>
public sealed record ComplaintRequest(DateTimeOffset ReceivedAt, string Channel, double? Latitude, double? Longitude, string? Address, ProblemCategory Category,
    string Description, ComplaintContact? Contact)
{
    public const int MaxText = 2000;

    private static readonly Dictionary<string, ProblemCategory> Categories =
        Enum.GetValues<ProblemCategory>().ToDictionary(v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()), v => v, StringComparer.Ordinal);

    /// <summary>The request, or the first wrong field. A missing receivedAt is now; a receivedAt more than a minute ahead of now is refused.</summary>
    public static (ComplaintRequest? Request, ApiError? Error) Parse(JsonElement body, DateTimeOffset now)
    {
        if (body.ValueKind != JsonValueKind.Object) return (null, Error("body", body.ValueKind.ToString(), "a JSON object"));
        var receivedAt = now;
        if (body.TryGetProperty("receivedAt", out var at) && at.ValueKind != JsonValueKind.Null)
        {
            if (at.ValueKind != JsonValueKind.String || !DateTimeOffset.TryParse(at.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out receivedAt)
                || receivedAt > now.AddMinutes(1))
                return (null, Error("receivedAt", at.ToString(), "an ISO 8601 time with its offset, not in the future, such as 2026-05-12T10:00:00+08:00"));
        }
        var channel = Text(body, "channel");
        if (channel is null || !ComplaintChannels.All.Contains(channel)) return (null, Error("channel", channel, string.Join(", ", ComplaintChannels.All)));
        var category = Text(body, "category");
        if (category is null || !Categories.TryGetValue(category, out var parsedCategory)) return (null, Error("category", category, string.Join(", ", Categories.Keys)));
        var description = Text(body, "description");
        if (string.IsNullOrWhiteSpace(description) || description.Length > MaxText) return (null, Error("description", description, $"what the complainant reports, 1 to {MaxText} characters"));
        var address = Text(body, "address");
        if (address is { Length: > MaxText }) return (null, Error("address", address, $"at most {MaxText} characters"));
        var (latitude, latitudeError) = Number(body, "latitude", -90, 90);
        if (latitudeError is not null) return (null, latitudeError);
        var (longitude, longitudeError) = Number(body, "longitude", -180, 180);
        if (longitudeError is not null) return (null, longitudeError);
        if (latitude.HasValue != longitude.HasValue)
            return (null, latitude is null ? Error("latitude", null, "a latitude with the longitude") : Error("longitude", null, "a longitude with the latitude"));
        if (latitude is null && string.IsNullOrWhiteSpace(address)) return (null, Error("latitude", null, "the place: latitude and longitude, or an address, or both"));
        ComplaintContact? contact = null;
        if (body.TryGetProperty("contact", out var c) && c.ValueKind != JsonValueKind.Null)
        {
            if (c.ValueKind != JsonValueKind.Object) return (null, Error("contact", c.ToString(), "an object {name, phone}"));
            var name = Text(c, "name");
            var phone = Text(c, "phone");
            if (name is { Length: > 100 }) return (null, Error("contact.name", name, "at most 100 characters"));
            if (phone is { Length: > 40 }) return (null, Error("contact.phone", phone, "at most 40 characters"));
            if (name is not null || phone is not null) contact = new ComplaintContact(name, phone);
        }
        return (new ComplaintRequest(receivedAt, channel, latitude, longitude, string.IsNullOrWhiteSpace(address) ? null : address.Trim(), parsedCategory,
            description.Trim(), contact), null);
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static (double? Value, ApiError? Error) Number(JsonElement body, string name, double min, double max)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return (null, null);
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && number >= min && number <= max) return (number, null);
        return (null, Error(name, value.ToString(), $"a number from {min} to {max} (WGS-84 degrees)"));
    }

    private static ApiError Error(string field, string? value, string expected) => new($"{field} '{value}' is not valid: expected {expected}", field, value, expected);
}
