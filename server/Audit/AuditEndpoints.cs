using GridEdge.Server.Users;
using static GridEdge.Server.Api.QueryParameters;
using static GridEdge.Server.Grid.GridQueryParameters;

namespace GridEdge.Server.Audit;

/// <summary>GET /api/audit: the audit log, newest first, for auditors and administrators; a reader with a grid sees only entries under it.</summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", QueryAsync).RequireAuthorization(Permissions.ReadAudit);
        return app;
    }

    private static async Task<IResult> QueryAsync(HttpContext context, IAuditLog log, CancellationToken ct)
    {
        var q = context.Request.Query;
        if (Unknown(q, "actor", "action", "objectKind", "objectId", "from", "to", "limit", "cursor") is { } unknown) return unknown;
        var actor = Single(q, "actor", out var error);
        if (error is not null) return error;
        var action = Single(q, "action", out error);
        if (error is not null) return error;
        if (action is not null && (action.StartsWith('.') || action.EndsWith('.')))
            return Bad("action", action, "an action or the start of one, whole words between dots (user, user.create)");
        var objectKind = Single(q, "objectKind", out error);
        if (error is not null) return error;
        var objectId = Single(q, "objectId", out error);
        if (error is not null) return error;
        var (from, to) = TimeRange(q, out error);
        if (error is not null) return error;
        var limit = Limit(q, AuditQuery.DefaultLimit, AuditQuery.MaxLimit, out error);
        if (error is not null) return error;
        var cursor = Cursor(q, AuditQuery.CursorKind, out error);
        if (error is not null) return error;
        return Results.Ok(await log.QueryAsync(new AuditQuery(context.User.Grid(), actor, action, objectKind, objectId, from, to, limit, cursor), ct));
    }
}
