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
        app.MapGet("/api/problems/escalated", EscalatedAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapGet("/api/problems/{id}/transfer-form", TransferFormAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    /// <summary>The problems flagged major (重大问题) in the caller's subtree: the county's escalation list.</summary>
    private static async Task<IResult> EscalatedAsync(HttpRequest request, IProblemLedger store, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "grid", "limit", "cursor") is { } unknown) return unknown;
        var grid = GridCode(q, "grid", out var error);
        if (error is not null) return error;
        var limit = Limit(q, PatrolLedgerQuery.DefaultLimit, PatrolLedgerQuery.MaxLimit, out error);
        if (error is not null) return error;
        var cursor = Cursor(q, "r", out error);
        if (error is not null) return error;
        if (!request.HttpContext.User.TryNarrow(grid, out grid)) return Results.Ok(new Grid.Page<StoredProblem>([], null));
        return Results.Ok(await store.QueryAsync(new ProblemQuery(grid, Limit: limit, Cursor: cursor, Department: ProblemAccess.DepartmentOf(request.HttpContext.User),
            Major: true), ct));
    }

    /// <summary>The transfer form (问题移送表) of a problem's last transfer: for whoever may read the problem, and the department it went to.</summary>
    private static async Task<IResult> TransferFormAsync(string id, HttpRequest request, IProblemLedger store, Departments.IDepartmentStore departments,
        Grid.IGridRegistryStore registry, IUserStore users, AccessFailures failures, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 1)
            return Bad("id", id, "a problem id (a positive integer)");
        var problem = await store.GetProblemAsync(number, ct);
        var transfer = problem is null ? null : TransferForm.LastTransfer(problem);
        var departmentId = transfer?.Detail is { ValueKind: System.Text.Json.JsonValueKind.Object } d && d.TryGetProperty("department", out var dep) ? dep.GetString() : null;
        // A department still reads the form of a transfer it returned; the grid's callers read it as they read the problem.
        var department = ProblemAccess.DepartmentOf(request.HttpContext.User) is null ? problem?.Department : departmentId;
        if (problem is null || !failures.Sees(request.HttpContext, problem.GridCode, department))
            return NotFound("id", id, "the id of a problem in the problem ledger");
        if (transfer is null || departmentId is null) return NotFound("id", id, "the id of a problem transferred (移交移送) to a department");
        var village = await registry.GetGridAsync(problem.GridCode, ct);
        var township = Grid.GridLevels.Parent(problem.GridCode) is { } parent ? await registry.GetGridAsync(parent, ct) : null;
        var registered = await departments.GetAsync(departmentId, ct);
        var by = await users.GetAsync(transfer.By, ct);
        var names = new TransferFormNames(village?.Name, township?.Name, registered?.Name ?? departmentId,
            by is null || by.DisplayName == by.Name ? transfer.By : $"{by.DisplayName}（{by.Name}）");
        return Results.Content(TransferForm.Render(problem, transfer, names), "text/html; charset=utf-8");
    }

    private static async Task<IResult> ProblemsAsync(HttpRequest request, IProblemLedger store, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "grid", "member", "state", "category", "from", "to", "limit", "cursor", "major") is { } unknown) return unknown;
        var grid = GridCode(q, "grid", out var error);
        if (error is not null) return error;
        var member = Id(q, "member", out error);
        if (error is not null) return error;
        var state = Single(q, "state", out error);
        if (error is not null) return error;
        if (state is not null && !ProblemStates.All.Contains(state)) return Bad("state", state, string.Join(", ", ProblemStates.All));
        var category = SnakeEnum<ProblemCategory>(q, "category", out error);
        if (error is not null) return error;
        var majorText = Single(q, "major", out error);
        if (error is not null) return error;
        if (majorText is not (null or "true" or "false")) return Bad("major", majorText, "true (only problems flagged major) or false");
        var (from, to) = TimeRange(q, out error);
        if (error is not null) return error;
        var limit = Limit(q, PatrolLedgerQuery.DefaultLimit, PatrolLedgerQuery.MaxLimit, out error);
        if (error is not null) return error;
        var cursor = Cursor(q, "r", out error);
        if (error is not null) return error;
        // A caller with a grid lists its own subtree; a grid outside it lists nothing, as an empty grid would.
        if (!request.HttpContext.User.TryNarrow(grid, out grid)) return Results.Ok(new Grid.Page<StoredProblem>([], null));
        return Results.Ok(await store.QueryAsync(new ProblemQuery(grid, member, state, category, from, to, limit, cursor,
            ProblemAccess.DepartmentOf(request.HttpContext.User), majorText is null ? null : majorText == "true"), ct));
    }

    private static async Task<IResult> ProblemAsync(string id, HttpRequest request, IProblemLedger store, AccessFailures failures, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 1)
            return Bad("id", id, "a problem id (a positive integer)");
        var problem = await store.GetProblemAsync(number, ct);
        if (problem is not null && !failures.Sees(request.HttpContext, problem.GridCode, problem.Department)) problem = null;
        return problem is not null ? Results.Ok(problem) : NotFound("id", id, "the id of a problem in the problem ledger");
    }
}
