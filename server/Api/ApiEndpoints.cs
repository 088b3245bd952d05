using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Alerts;
using GridEdge.Server.Broker;
using GridEdge.Server.Ingest;
using GridEdge.Server.Ledgers;
using Microsoft.Extensions.Options;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Api;

/// <summary>The read-only HTTP API over the ledger and the ingest: health, gateways, gaps, readings, alerts, response times, metrics.</summary>
public static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapGridEdgeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", HealthAsync);
        app.MapGet("/api/gateways", GatewaysAsync);
        app.MapGet("/api/gateways/{id}/gaps", GapsAsync);
        app.MapGet("/api/readings", ReadingsAsync);
        app.MapGet("/api/alerts", AlertsAsync);
        app.MapGet("/api/alerts/response-times", ResponseTimesAsync);
        app.MapGet("/api/ingest/metrics", (IngestMetrics metrics, Grid.GridStore grid) =>
            Results.Ok(metrics.Snapshot() with { Attachments = new AttachmentMetrics(grid.Attachments.Completed, grid.Attachments.Mismatches) }));
        return app;
    }

    private static async Task<IResult> HealthAsync(ILedgerStore ledger, IBrokerStatus broker, IngestMetrics metrics, CancellationToken ct)
    {
        string? ledgerError = null;
        try { await ledger.PingAsync(ct); }
        catch (Exception e) when (e is not OperationCanceledException) { ledgerError = e.Message; }
        var healthy = ledgerError is null && broker.Running;
        var body = new HealthResponse(
            healthy ? "ok" : "degraded",
            new LedgerHealth(ledgerError is null, ledgerError),
            new BrokerHealth(broker.Mode.ToString().ToLowerInvariant(), broker.Running, broker.Describe()),
            metrics.Snapshot());
        return healthy ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> GatewaysAsync(ILedgerStore ledger, CancellationToken ct)
    {
        var gateways = await ledger.GetGatewaysAsync(ct);
        return Results.Ok(gateways.Select(GatewayView.From).ToList());
    }

    private static async Task<IResult> GapsAsync(string id, HttpRequest request, ILedgerStore ledger, CancellationToken ct)
    {
        if (!GatewayIds.IsValid(id)) return Bad("id", id, GatewayIds.Rule);
        var stream = Single(request.Query, "stream", out var streamError) ?? Streams.Readings;
        if (streamError is not null) return streamError;
        if (!Streams.IsKnown(stream)) return Bad("stream", stream, "one of " + string.Join(", ", Streams.All));
        var known = (await ledger.GetGatewaysAsync(ct)).Any(g => g.Id == id);
        if (!known) return Results.Json(new ApiError($"gateway '{id}' is not in the ledger", "id", id, "the id of a gateway that has connected or sent data"), statusCode: StatusCodes.Status404NotFound);
        var gaps = await ledger.GetGapsAsync(id, stream, ct);
        return Results.Ok(new GapsView(id, stream, gaps.Select(g => new GapView(g.From, g.To, g.Count, g.Reason)).ToList(), gaps.Sum(g => g.Count)));
    }

    private static async Task<IResult> ReadingsAsync(HttpRequest request, ILedgerStore ledger, CancellationToken ct)
    {
        var parsed = ParseReadingQuery(request.Query);
        if (parsed.Error is not null) return parsed.Error;
        var page = await ledger.QueryReadingsAsync(parsed.Query!, ct);
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

    private static async Task<IResult> AlertsAsync(HttpRequest request, ILedgerStore ledger, CancellationToken ct)
    {
        var parsed = ParseAlertQuery(request.Query);
        if (parsed.Error is not null) return parsed.Error;
        var page = await ledger.QueryAlertsAsync(parsed.Query!, ct);
        return Results.Ok(new AlertPageView(page.Items.Select(AlertView.From).ToList(), page.NextCursor));
    }

    internal static (AlertQuery? Query, IResult? Error) ParseAlertQuery(IQueryCollection q)
    {
        if (Unknown(q, "gateway", "state", "severity", "kind", "from", "to", "limit", "cursor") is { } unknown) return (null, unknown);
        var gateway = Gateway(q, out var error);
        if (error is not null) return (null, error);

        var stateText = Single(q, "state", out error);
        if (error is not null) return (null, error);
        var state = stateText switch
        {
            null or "all" => AlertStateFilter.All,
            "open" => AlertStateFilter.Open,
            "closed" => AlertStateFilter.Closed,
            _ => (AlertStateFilter?)null,
        };
        if (state is null) return (null, Bad("state", stateText, "open, closed or all"));

        var severity = SnakeEnum<AlertSeverity>(q, "severity", out error);
        if (error is not null) return (null, error);
        var kind = SnakeEnum<AlertKind>(q, "kind", out error);
        if (error is not null) return (null, error);

        var (from, to) = TimeRange(q, out error);
        if (error is not null) return (null, error);

        var limit = Limit(q, AlertQuery.DefaultLimit, AlertQuery.MaxLimit, out error);
        if (error is not null) return (null, error);

        var cursor = Single(q, "cursor", out error);
        if (error is not null) return (null, error);
        if (cursor is not null && !AlertCursor.TryDecode(cursor, out _))
            return (null, Bad("cursor", cursor, "the nextCursor of a previous page, unchanged"));

        return (new AlertQuery(gateway, state.Value, severity, kind, from, to, limit, cursor), null);
    }

    private static async Task<IResult> ResponseTimesAsync(HttpRequest request, ILedgerStore ledger, IOptions<ServerOptions> options, TimeProvider time, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "gateway", "week") is { } unknown) return unknown;
        var gateway = Gateway(q, out var error);
        if (error is not null) return error;
        var rule = options.Value.Alerts.TryParse(out _) ?? throw new InvalidOperationException("Server:Alerts is validated at start");
        var week = Single(q, "week", out error);
        if (error is not null) return error;
        DateTimeOffset? from = null, to = null;
        if (week is not null)
        {
            if (!ResponseTimes.TryParseWeek(week, rule, out var f, out var t)) return Bad("week", week, "an ISO week such as 2026-W48");
            (from, to) = (f, t);
        }
        var alerts = await ledger.GetRaisedAlertsAsync(gateway, from, to, ct);
        var figures = ResponseTimes.Compute(alerts, rule, time.GetUtcNow());
        return Results.Ok(new ResponseTimesView(
            new ResponseRuleView(options.Value.Alerts.WorkingHours, options.Value.Alerts.WorkingDays, options.Value.Alerts.UtcOffset,
                options.Value.Alerts.WorkingHoursLimitMinutes, options.Value.Alerts.OtherLimitMinutes),
            figures));
    }
}
