using GridEdge.Server.Users;
using System.Globalization;
using System.Text.Json;
using GridEdge.Server.Api;
using GridEdge.Server.Audit;
using GridEdge.Server.Compliance;
using GridEdge.Server.Departments;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Problems;

/// <summary>A 400 body naming every wrong field; the first one is repeated at the top in the shape of <see cref="ApiError"/>.</summary>
public sealed record ValidationErrorView(string Error, string Field, string? Value, string Expected, IReadOnlyList<ApiError> Errors);

/// <summary>A refused transition (409): the current state, what the transition needs, and the states it may start from.</summary>
public sealed record TransitionRefusedView(string Error, string Field, string? Value, string Expected, long Id, string State);

/// <summary>The body of GET /api/problems/overdue.</summary>
public sealed record OverdueProblemsView(DateTimeOffset At, string? Grid, IReadOnlyList<ProblemLifecycleView> Items);

/// <summary>The problem lifecycle's HTTP API: one POST route per transition and the overdue list.</summary>
public static class ProblemEndpoints
{
    // GET /api/problems and GET /api/problems/{id} (with the problem's events) belong to the grid feature (server/Grid).
    public static IEndpointRouteBuilder MapProblemEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var action in Enum.GetValues<ProblemAction>())
            app.MapPost($"/api/problems/{{id}}/{action.Name()}",
                (string id, HttpRequest request, IProblemLedger ledger, IDepartmentStore departments, IAuditLog audit, AccessFailures failures, TimeProvider time,
                    ILogger<ProblemLedger> log, CancellationToken ct) => TransitionAsync(action, id, request, ledger, departments, audit, failures, time, log, ct))
                .RequireAuthorization(PermissionOf(action));
        app.MapGet("/api/problems/overdue", OverdueAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    /// <summary>The permission each transition's route requires.</summary>
    public static string PermissionOf(ProblemAction action) => action switch
    {
        ProblemAction.Close => Permissions.CloseProblems,
        ProblemAction.Accept or ProblemAction.Return or ProblemAction.Report => Permissions.HandleTransfers,
        ProblemAction.Major => Permissions.FlagMajor,
        _ => Permissions.ActOnProblems,
    };

    private static async Task<IResult> TransitionAsync(ProblemAction action, string idText, HttpRequest request, IProblemLedger ledger, IDepartmentStore departments,
        IAuditLog audit, AccessFailures failures, TimeProvider time, ILogger<ProblemLedger> log, CancellationToken ct)
    {
        if (!TryId(idText, out var id, out var idError)) return idError!;
        var user = request.HttpContext.User;
        if (await ledger.GetProblemAsync(id, ct) is not { } current) return NotFound(id);
        if (!failures.Sees(request.HttpContext, current.GridCode, current.Department)) return NotFound(id);
        if (request.Query.Count > 0)
        {
            var key = request.Query.Keys.First();
            return Invalid([Error(key, request.Query[key].ToString(), "no query parameters: the transition is in the JSON body")]);
        }
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 16 }, ct);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Invalid([Error("body", e.Message, "a JSON object with the fields " + string.Join(", ", ProblemRequests.Fields(action)))]);
        }
        var (transition, errors) = ProblemRequests.Parse(action, body, time.GetUtcNow(), user.Name());
        if (transition is null) return Invalid(errors);
        if (action == ProblemAction.Transfer)
        {
            var (department, error) = await TransferDepartmentAsync(transition.Department, current, departments, ct);
            if (department is null) return Invalid([error!]);
            transition.Detail!["department"] = department.Id;
            transition.Detail["departmentName"] = department.Name;
            transition = transition with { Department = department.Id };
        }
        // 双销号: a department user closes the department's part, anyone else the township's.
        if (action == ProblemAction.Close)
            transition = transition with { Part = ProblemAccess.DepartmentOf(user) is null ? ClosingParts.Township : ClosingParts.Department };

        // The audit entry is written in the transition's transaction: a transition is never without its entry.
        var outcome = await ledger.ApplyAsync(id, transition, ct, (c, t, e) => audit.AppendAsync(c, t,
            AuditEntry.For(user, "problem." + e.Action, "problem", id.ToString(CultureInfo.InvariantCulture), current.GridCode,
                new { state = e.FromState }, new { state = e.ToState, detail = e.Detail }), ct));
        if (outcome is TransitionOutcome.Done { Problem.Event: { } recorded })
            log.LogInformation("Problem {ProblemId} {Action} by {By}: {FromState} -> {ToState}", id, recorded.Action, recorded.By, recorded.FromState, recorded.ToState);
        else if (outcome is TransitionOutcome.Refused r)
            log.LogInformation("Problem {ProblemId} {Action} by {By} refused in state {State}", id, action.Name(), transition.By, r.State);
        return outcome switch
        {
            TransitionOutcome.Done done => Results.Ok(done.Problem),
            TransitionOutcome.Refused refused => Results.Json(
                new TransitionRefusedView(refused.Message, "state", refused.State,
                    refused.Missing ?? "state " + string.Join(" or ", refused.AllowedFrom.Select(s => $"'{s}'")), id, refused.State),
                statusCode: StatusCodes.Status409Conflict),
            _ => NotFound(id),
        };
    }

    private static async Task<IResult> OverdueAsync(HttpRequest request, IProblemLedger ledger, ComplianceLedger compliance, AccessFailures failures, TimeProvider time,
        CancellationToken ct)
    {
        var q = request.Query;
        foreach (var key in q.Keys)
            if (key is not ("grid" or "limit")) return Bad(key, q[key].ToString(), "one of the parameters grid, limit");
        var limit = 1000;
        if (q.TryGetValue("limit", out var limitText) && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 10_000))
            return Bad("limit", limitText.ToString(), "an integer from 1 to 10000");
        string? prefix = null;
        var user = request.HttpContext.User;
        string? grid = q.TryGetValue("grid", out var gridText) ? gridText.ToString() : null;
        if (grid is not null && GridEdge.Server.Grid.GridLevels.IsValid(grid) && !user.TryNarrow(grid, out grid))
        {
            failures.OutsideGrid(request.HttpContext);
            return QueryParameters.NotFound("grid", gridText.ToString(), "a grid in the registry");
        }
        grid ??= user.Grid();
        if (grid is not null)
        {
            var scope = await compliance.ResolveGridAsync(grid, ct);
            if (scope.Error == ComplianceLedger.NoSuchGrid) return QueryParameters.NotFound("grid", gridText.ToString(), "a grid in the registry");
            if (scope.Error is not null) return Bad("grid", gridText.ToString(), scope.Error);
            prefix = scope.Scope!.Prefix;
        }
        var now = time.GetUtcNow();
        return Results.Ok(new OverdueProblemsView(now, grid, await ledger.GetOverdueAsync(now, prefix, limit, ct, ProblemAccess.DepartmentOf(user))));
    }

    /// <summary>
    /// The department a transfer goes to: the one named, which must be in the register and serve the problem's county or
    /// city, or else the one the register routes the problem's category to.
    /// </summary>
    private static async Task<(Department? Department, ApiError? Error)> TransferDepartmentAsync(string? id, StoredProblem problem, IDepartmentStore departments,
        CancellationToken ct)
    {
        if (id is null)
        {
            var category = DepartmentEndpoints.CategoryName(problem.Category);
            return await DepartmentRouting.RouteAsync(departments, problem.GridCode, category, ct) is { } routed
                ? (routed, null)
                : (null, Error("department", null, $"the id of a department (GET /api/departments?grid={problem.GridCode}): none is registered for category {category}"));
        }
        var named = await departments.GetAsync(id, ct);
        return named is not null && DepartmentRouting.Serves(named, problem.GridCode)
            ? (named, null)
            : (null, Error("department", id, $"the id of a department serving grid {problem.GridCode} (GET /api/departments?grid={problem.GridCode})"));
    }

    private static bool TryId(string text, out long id, out IResult? error)
    {
        error = null;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0) return true;
        error = Bad("id", text, "a problem id (a positive integer)");
        return false;
    }

    private static IResult NotFound(long id) => Results.Json(
        new ApiError($"problem {id} is not in the problem ledger", "id", id.ToString(CultureInfo.InvariantCulture), "the id of a reported problem"),
        statusCode: StatusCodes.Status404NotFound);

    private static ApiError Error(string field, string? value, string expected) =>
        new($"{field} '{value}' is not valid: expected {expected}", field, value, expected);

    private static IResult Invalid(IReadOnlyList<ApiError> errors)
    {
        var first = errors[0];
        var message = errors.Count == 1 ? first.Error : $"{errors.Count} fields are not valid: " + string.Join("; ", errors.Select(e => e.Error));
        return Results.BadRequest(new ValidationErrorView(message, first.Field, first.Value, first.Expected, errors));
    }
}
