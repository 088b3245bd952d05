using GridEdge.Server.Users;
using GridEdge.Protocol.Records;
using Microsoft.Extensions.Options;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Alerts;

/// <summary>GET /api/alerts (the aggregated alerts, in pages) and /api/alerts/response-times (per gateway and ISO week).</summary>
public static class AlertEndpoints
{
    public static IEndpointRouteBuilder MapAlertApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/alerts", AlertsAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapGet("/api/alerts/response-times", ResponseTimesAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> AlertsAsync(HttpRequest request, IAlertStore ledger, GatewayScope scope, CancellationToken ct)
    {
        var parsed = ParseAlertQuery(request.Query);
        if (parsed.Error is not null) return parsed.Error;
        var query = parsed.Query! with { Gateways = await scope.VisibleAsync(request.HttpContext.User, ct) };
        var page = await ledger.QueryAlertsAsync(query, ct);
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

    private static async Task<IResult> ResponseTimesAsync(HttpRequest request, IAlertStore ledger, IOptions<ServerOptions> options, TimeProvider time,
        GatewayScope scope, Calendar.WorkCalendar calendar, Periods.PeriodCalendar periods, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "gateway", "week", "period") is { } unknown) return unknown;
        var gateway = Gateway(q, out var error);
        if (error is not null) return error;
        // The rule with the holiday calendar: an alert raised on a holiday is not in working hours.
        var rule = calendar.Rule;
        // Gateways belong to no county here: their weeks follow the default period rules (Server:Periods).
        var rules = periods.Defaults;
        Periods.ReportPeriod? period = null;
        if (q.ContainsKey("week") || q.ContainsKey("period"))
        {
            (period, error) = Periods.PeriodQuery.Parse(q, rules, time.GetUtcNow());
            if (error is not null) return error;
        }
        var alerts = await ledger.GetRaisedAlertsAsync(gateway, period?.From, period?.To, ct);
        if (await scope.VisibleAsync(request.HttpContext.User, ct) is { } visible)
            alerts = [.. alerts.Where(a => visible.Contains(a.Gateway, StringComparer.Ordinal))];
        // Asked for a period: one row per gateway for it; otherwise one per gateway and report week.
        var figures = ResponseTimes.Compute(alerts, rule, time.GetUtcNow(),
            period is not null ? _ => period.Label : at => rules.Containing(Periods.PeriodKind.Week, at).Label);
        return Results.Ok(new ResponseTimesView(
            new ResponseRuleView(options.Value.Alerts.WorkingHours, options.Value.Alerts.WorkingDays, options.Value.Alerts.UtcOffset,
                options.Value.Alerts.WorkingHoursLimitMinutes, options.Value.Alerts.OtherLimitMinutes),
            figures) { PeriodFrom = period?.From, PeriodTo = period?.To, DueAt = period?.DueAt });
    }
}
