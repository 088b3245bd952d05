using System.Globalization;
using System.Text.Json;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Primitives;

namespace GridEdge.Server.Api;

/// <summary>The query-string and body checks every endpoint shares, answering 400 with <see cref="ApiError"/> (naming the parameter).</summary>
internal static class QueryParameters
{
    public static readonly JsonSerializerOptions BodyOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 256,
    };

    /// <summary>Reads a JSON body; a 400 naming the JSON path on a syntax error, a wrong type or an unknown field.</summary>
    public static async Task<(T? Body, IResult? Error)> ReadBodyAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, BodyOptions, ct);
            if (body is null) return (null, Bad("body", "null", "a JSON object"));
            return (body, null);
        }
        catch (JsonException e)
        {
            var path = string.IsNullOrEmpty(e.Path) ? "$" : e.Path;
            var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
            return (null, Results.BadRequest(new ApiError($"{field}: {e.Message.Split(" Path:")[0]}", field, path, "a JSON object of the documented fields")));
        }
    }

    public static IResult? Unknown(IQueryCollection q, params string[] known)
    {
        foreach (var key in q.Keys)
            if (Array.IndexOf(known, key) < 0) return Bad(key, q[key].ToString(), "one of the parameters " + string.Join(", ", known));
        return null;
    }

    public static string? Single(IQueryCollection q, string name, out IResult? error)
    {
        error = null;
        if (!q.TryGetValue(name, out StringValues values)) return null;
        if (values.Count > 1) { error = Bad(name, values.ToString(), "one value"); return null; }
        var value = values[0];
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public static string? Gateway(IQueryCollection q, out IResult? error)
    {
        var gateway = Single(q, "gateway", out error);
        if (error is null && gateway is not null && !GatewayIds.IsValid(gateway)) error = Bad("gateway", gateway, GatewayIds.Rule);
        return gateway;
    }

    public static string? Id(IQueryCollection q, string name, out IResult? error)
    {
        var id = Single(q, name, out error);
        if (error is null && id is not null && !TerminalIds.IsValid(id)) error = Bad(name, id, TerminalIds.Rule);
        return id;
    }

    public static (DateTimeOffset? From, DateTimeOffset? To) TimeRange(IQueryCollection q, out IResult? error)
    {
        var from = Time(q, "from", out error);
        if (error is not null) return (null, null);
        var to = Time(q, "to", out error);
        if (error is not null) return (null, null);
        if (from is not null && to is not null && to <= from) error = Bad("to", q["to"].ToString(), $"a time after from ({from:O})");
        return (from, to);
    }

    public static int Limit(IQueryCollection q, int fallback, int max, out IResult? error)
    {
        var text = Single(q, "limit", out error);
        if (error is not null || text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1 || limit > max)
            error = Bad("limit", text, $"an integer from 1 to {max}");
        return limit;
    }

    public static TEnum? SnakeEnum<TEnum>(IQueryCollection q, string name, out IResult? error) where TEnum : struct, Enum
    {
        var text = Single(q, name, out error);
        if (error is not null || text is null) return null;
        var names = Enum.GetValues<TEnum>().ToDictionary(v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()), v => v, StringComparer.Ordinal);
        if (names.TryGetValue(text, out var value)) return value;
        error = Bad(name, text, string.Join(", ", names.Keys));
        return null;
    }

    private static DateTimeOffset? Time(IQueryCollection q, string name, out IResult? error)
    {
        var text = Single(q, name, out error);
        if (error is not null || text is null) return null;
        string[] formats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd"];
        if (DateTimeOffset.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
            return value;
        error = Bad(name, text, "an ISO 8601 time such as 2025-01-31T08:00:00Z");
        return null;
    }

    public static IResult Bad(string field, string? value, string expected) =>
        Results.BadRequest(new ApiError($"{field} '{value}' is not valid: expected {expected}", field, value, expected));

    public static IResult NotFound(string field, string? value, string what) =>
        Results.Json(new ApiError($"{field} '{value}' is not {what}", field, value, what), statusCode: StatusCodes.Status404NotFound);
}
