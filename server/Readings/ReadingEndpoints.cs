using GridEdge.Server.Users;
using GridEdge.Protocol.Records;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Readings;

/// <summary>GET /api/readings: the readings ledger by gateway, quantity, sensor and time, in pages.</summary>
public static class ReadingEndpoints
{
    public static IEndpointRouteBuilder MapReadingApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/readings", ReadingsAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> ReadingsAsync(HttpRequest request, IReadingStore ledger, GatewayScope scope, CancellationToken ct)
    {
        var parsed = ParseReadingQuery(request.Query);
        if (parsed.Error is not null) return parsed.Error;
        var query = parsed.Query! with { Gateways = await scope.VisibleAsync(request.HttpContext.User, ct) };
        var page = await ledger.QueryReadingsAsync(query, ct);
        return Results.Ok(new ReadingPageView(page.Items.Select(ReadingView.From).ToList(), page.NextCursor));
    }

    internal static (ReadingQuery? Query, IResult? Error) ParseReadingQuery(IQueryCollection q)
    {
        if (Unknown(q, "gateway", "quantity", "sensor", "from", "to", "limit", "cursor", "order") is { } unknown) return (null, unknown);
        var gateway = Gateway(q, out var error);
        if (error is not null) return (null, error);

        var quantity = Single(q, "quantity", out error);
        if (error is not null) return (null, error);
        if (quantity is not null && !Quantities.IsKnown(quantity)) return (null, Bad("quantity", quantity, "one of " + string.Join(", ", Quantities.All)));

        var sensor = Single(q, "sensor", out error);
        if (error is not null) return (null, error);
        if (sensor is not null && sensor.Length is < 1 or > 64) return (null, Bad("sensor", sensor, "a sensor id of 1-64 characters"));

        var (from, to) = TimeRange(q, out error);
        if (error is not null) return (null, error);

        var limit = Limit(q, ReadingQuery.DefaultLimit, ReadingQuery.MaxLimit, out error);
        if (error is not null) return (null, error);

        var order = Single(q, "order", out error);
        if (error is not null) return (null, error);
        if (order is not (null or "asc" or "desc")) return (null, Bad("order", order, "asc (oldest first, the default) or desc (newest first)"));
        var descending = order == "desc";

        var cursor = Single(q, "cursor", out error);
        if (error is not null) return (null, error);
        if (cursor is not null)
        {
            if (!ReadingCursor.TryDecode(cursor, out var after)) return (null, Bad("cursor", cursor, "the nextCursor of a previous page, unchanged"));
            if (after.Value.Descending != descending)
                return (null, Bad("cursor", cursor, $"the nextCursor of a previous page listed in the same order (order={(after.Value.Descending ? "desc" : "asc")})"));
        }

        return (new ReadingQuery(gateway, quantity, sensor, from, to, limit, cursor, descending), null);
    }
}
