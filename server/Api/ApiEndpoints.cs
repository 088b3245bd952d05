using GridEdge.Server.Users;
using GridEdge.Server.Broker;
using GridEdge.Server.Gateways;
using GridEdge.Server.Ingest;

namespace GridEdge.Server.Api;

/// <summary>The server's own state over HTTP: health (ledger, broker, ingest) and the ingest metrics; each ledger maps its endpoints in its folder.</summary>
public static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapGridEdgeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", HealthAsync).AllowAnonymous();
        app.MapGet("/api/ingest/metrics", (IngestMetrics metrics, Grid.GridStore grid) =>
            Results.Ok(metrics.Snapshot() with { Attachments = new AttachmentMetrics(grid.Attachments.Completed, grid.Attachments.Mismatches) })).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> HealthAsync(IGatewayStore ledger, IBrokerStatus broker, IngestMetrics metrics, CancellationToken ct)
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
}
