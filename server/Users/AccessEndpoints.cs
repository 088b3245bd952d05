namespace GridEdge.Server.Users;

/// <summary>The refusals body: counts by reason since this node started (wrong passwords, revoked keys, roles, outside the grid …).</summary>
public sealed record AccessRefusalsView(DateTimeOffset At, IReadOnlyDictionary<string, long> Refusals, long Total);

/// <summary>GET /api/access/refusals: what this node refused since it started, for auditors and administrators.</summary>
public static class AccessEndpoints
{
    public static IEndpointRouteBuilder MapAccessApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/access/refusals", (AccessFailures failures, TimeProvider time) =>
        {
            var counts = new SortedDictionary<string, long>(failures.Counts.ToDictionary(), StringComparer.Ordinal);
            return Results.Ok(new AccessRefusalsView(time.GetUtcNow(), counts, counts.Values.Sum()));
        }).RequireAuthorization(Permissions.ReadAudit);
        return app;
    }
}
