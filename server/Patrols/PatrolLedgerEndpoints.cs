using GridEdge.Server.Users;
using static GridEdge.Server.Api.QueryParameters;
using static GridEdge.Server.Grid.GridQueryParameters;

using GridEdge.Server.Grid;

namespace GridEdge.Server.Patrols;

/// <summary>Reading the patrol ledger back: GET /api/checkins and /api/patrols.</summary>
public static class PatrolLedgerEndpoints
{
    public static IEndpointRouteBuilder MapPatrolLedgerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/checkins", CheckInsAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapGet("/api/patrols", PatrolsAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> CheckInsAsync(HttpRequest request, IPatrolLedger store, CancellationToken ct)
    {
        var (query, error) = ParsePatrolQuery(request.Query, "c");
        if (error is not null) return error;
        if (!request.HttpContext.User.TryNarrow(query!.Grid, out var grid)) return Results.Ok(new Page<StoredCheckIn>([], null));
        return Results.Ok(await store.QueryCheckInsAsync(query with { Grid = grid }, ct));
    }

    private static async Task<IResult> PatrolsAsync(HttpRequest request, IPatrolLedger store, CancellationToken ct)
    {
        var (query, error) = ParsePatrolQuery(request.Query, "p");
        if (error is not null) return error;
        if (!request.HttpContext.User.TryNarrow(query!.Grid, out var grid)) return Results.Ok(new Page<StoredPatrol>([], null));
        return Results.Ok(await store.QueryPatrolsAsync(query with { Grid = grid }, ct));
    }

    internal static (PatrolLedgerQuery? Query, IResult? Error) ParsePatrolQuery(IQueryCollection q, string cursorKind)
    {
        if (Unknown(q, "gateway", "grid", "member", "from", "to", "limit", "cursor") is { } unknown) return (null, unknown);
        var gateway = Gateway(q, out var error);
        if (error is not null) return (null, error);
        var grid = GridCode(q, "grid", out error);
        if (error is not null) return (null, error);
        var member = Id(q, "member", out error);
        if (error is not null) return (null, error);
        var (from, to) = TimeRange(q, out error);
        if (error is not null) return (null, error);
        var limit = Limit(q, PatrolLedgerQuery.DefaultLimit, PatrolLedgerQuery.MaxLimit, out error);
        if (error is not null) return (null, error);
        var cursor = Cursor(q, cursorKind, out error);
        if (error is not null) return (null, error);
        return (new PatrolLedgerQuery(gateway, grid, member, from, to, limit, cursor), null);
    }



}
