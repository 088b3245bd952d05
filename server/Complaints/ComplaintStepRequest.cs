using System.Globalization;
using System.Text.Json;
using GridEdge.Server.Api;

namespace GridEdge.Server.Complaints;

/// <summary>The bodies of POST /api/complaints/{id}/reply ({text, method, at?}) and /visit ({satisfaction, note?, at?}), checked field by field.</summary>
public static class ComplaintStepRequest
{
    public static IReadOnlyList<string> Fields(string step) => step == ComplaintSteps.Reply ? ["text", "method", "at"] : ["satisfaction", "note", "at"];

    /// <summary>
    /// The step, or the first wrong field. A missing at is now; at must lie between the complaint's receipt and a minute ahead of now.
    /// </summary>
    public static (NewComplaintStep? Step, ApiError? Error) Parse(string step, JsonElement body, DateTimeOffset receivedAt, DateTimeOffset now, string by)
    {
        if (body.ValueKind != JsonValueKind.Object) return (null, Error("body", body.ValueKind.ToString(), "a JSON object with " + string.Join(", ", Fields(step))));
        foreach (var property in body.EnumerateObject())
            if (!Fields(step).Contains(property.Name)) return (null, Error(property.Name, property.Value.ToString(), "one of the fields " + string.Join(", ", Fields(step))));
        var at = now;
        if (body.TryGetProperty("at", out var atValue) && atValue.ValueKind != JsonValueKind.Null)
        {
            if (atValue.ValueKind != JsonValueKind.String || !DateTimeOffset.TryParse(atValue.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out at)
                || at > now.AddMinutes(1) || at < receivedAt)
                return (null, Error("at", atValue.ToString(),
                    $"an ISO 8601 time with its offset, at or after the complaint's receipt ({receivedAt:O}) and not in the future"));
        }
        if (step == ComplaintSteps.Reply)
        {
            var method = Text(body, "method");
            if (method is null || !ComplaintSteps.Methods.Contains(method)) return (null, Error("method", method, string.Join(", ", ComplaintSteps.Methods)));
            var text = Text(body, "text");
            if (string.IsNullOrWhiteSpace(text) || text.Length > ComplaintRequest.MaxText)
                return (null, Error("text", text, $"what the complainant was answered, 1 to {ComplaintRequest.MaxText} characters"));
            return (new NewComplaintStep(step, at, method, text.Trim(), null, by), null);
        }
        var satisfaction = Text(body, "satisfaction");
        if (satisfaction is null || !ComplaintSteps.Satisfactions.Contains(satisfaction))
            return (null, Error("satisfaction", satisfaction, string.Join(", ", ComplaintSteps.Satisfactions) + " (满意, 基本满意, 不满意)"));
        var note = Text(body, "note");
        if (note is { Length: > ComplaintRequest.MaxText }) return (null, Error("note", note, $"at most {ComplaintRequest.MaxText} characters"));
        return (new NewComplaintStep(step, at, null, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), satisfaction, by), null);
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static ApiError Error(string field, string? value, string expected) => new($"{field} '{value}' is not valid: expected {expected}", field, value, expected);
}
