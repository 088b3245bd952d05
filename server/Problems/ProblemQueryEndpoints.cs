using GridEdge.Server.Users;
using GridEdge.Protocol.Records;
using GridEdge.Server.Patrols;
using static GridEdge.Server.Api.QueryParameters;
using static GridEdge.Server.Grid.GridQueryParameters;

namespace GridEdge.Server.Problems;

/// <summary>Reading the problem ledger back: GET /api/problems and GET /api/problems/{id} with its events.</summary>
public static class ProblemQueryEndpoints
{
    public static IEndpointRouteBuilder MapProblemQueryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/problems", ProblemsAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapGet("/api/problems/{id}", ProblemAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> ProblemsAsync(HttpRequest request, IProblemLedger store, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "grid", "member", "state", "category", "from", "to", "limit", "cursor") is { } unknown) return unknown;
        var grid = GridCode(q, "grid", out var error);
        if (error is not null) return error;
        var member = Id(q, "member", out error);
        if (error is not null) return error;
        var state = Single(q, "state", out error);
        if (error is not null) return error;
        if (state is not null && !ProblemStates.All.Contains(state)) return Bad("state", state, string.Join(", ", ProblemStates.All));
        var category = SnakeEnum<ProblemCategory>(q, "category", out error);
        if (error is not null) return error;
        var (from, to) = TimeRange(q, out error);
        if (error is not null) return error;
        var limit = Limit(q, PatrolLedgerQuery.DefaultLimit, PatrolLedgerQuery.MaxLimit, out error);
        if (error is not null) return error;
        var cursor = Cursor(q, "r", out error);
        if (error is not null) return error;
        // A caller with a grid lists its own subtree; a grid outside it lists nothing, as an empty grid would.
        if (!request.HttpContext.User.TryNarrow(grid, out grid)) return Results.Ok(new Grid.Page<StoredProblem>([], null));
        return Results.Ok(await store.QueryAsync(new ProblemQuery(grid, member, state, category, from, to, limit, cursor), ct));
    }

    private static async Task<IResult> ProblemAsync(string id, HttpRequest request, IProblemLedger store, AccessFailures failures, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 1)
            return Bad("id", id, "a problem id (a positive integer)");
        var problem = await store.GetProblemAsync(number, ct);
        if (problem is not null && !failures.Covers(request.HttpContext, problem.GridCode)) problem = null;
        return problem is not null ? Results.Ok(problem) : NotFound("id", id, "the id of a problem in the problem ledger");
    }
}
