using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Server.Audit;
using GridEdge.Server.Grid;
using GridEdge.Server.Storage;
using GridEdge.Server.Users;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Departments;

/// <summary>The body of PUT /api/departments/{id}.</summary>
public sealed record DepartmentInput(string? Grid, string? Name, IReadOnlyList<string>? Categories);

/// <summary>
/// The department register over HTTP: the departments a grid's problems may go to (those of its county and city),
/// saving one (county and city officials, in their grid), and the department a category is routed to.
/// </summary>
public static class DepartmentEndpoints
{
    /// <summary>A category as the register and the API name it (snake case).</summary>
    public static string CategoryName(ProblemCategory category) => JsonNamingPolicy.SnakeCaseLower.ConvertName(category.ToString());

    private static readonly string[] CategoryNames =
        [.. Enum.GetValues<ProblemCategory>().Select(c => JsonNamingPolicy.SnakeCaseLower.ConvertName(c.ToString()))];

    public static WebApplication MapDepartmentApi(this WebApplication app)
    {
        app.MapGet("/api/departments", ListAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapGet("/api/departments/route", RouteAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapPut("/api/departments/{id}", SaveAsync).RequireAuthorization(Permissions.ImportGrid);
        return app;
    }

    private static async Task<IResult> ListAsync(HttpRequest request, IDepartmentStore store, CancellationToken ct)
    {
        if (Unknown(request.Query, "grid") is { } unknown) return unknown;
        var grid = GridQueryParameters.GridCode(request.Query, "grid", out var error);
        if (error is not null) return error;
        // Another grid's departments list as nothing, as for a grid without any.
        if (!request.HttpContext.User.TryNarrow(grid, out var effective)) return Results.Ok(Array.Empty<Department>());
        // A caller without a grid asking for none reads the whole register (counties' departments are few).
        return Results.Ok(await store.ListAsync(effective is null ? null : DepartmentRouting.ServingGrids(effective), ct));
    }

    private static async Task<IResult> RouteAsync(HttpRequest request, IDepartmentStore store, AccessFailures failures, CancellationToken ct)
    {
        if (Unknown(request.Query, "grid", "category") is { } unknown) return unknown;
        var grid = GridQueryParameters.GridCode(request.Query, "grid", out var error);
        if (error is not null) return error;
        if (grid is null) return Bad("grid", null, "the grid of the problem (required)");
        var category = Single(request.Query, "category", out error);
        if (error is not null) return error;
        if (category is null || !CategoryNames.Contains(category)) return Bad("category", category, string.Join(", ", CategoryNames));
        if (!failures.Covers(request.HttpContext, grid)) return NotFound("grid", grid, "a grid in the registry");
        if (await DepartmentRouting.RouteAsync(store, grid, category, ct) is { } found) return Results.Ok(found);
        return NotFound("category", category, $"a category some department of {grid}'s county or city is registered for");
    }

    private static async Task<IResult> SaveAsync(string id, HttpRequest request, IDepartmentStore store, IGridRegistryStore registry, IAuditLog audit,
        AccessFailures failures, CancellationToken ct)
    {
        if (!Protocol.Wire.TerminalIds.IsValid(id)) return Bad("id", id, Protocol.Wire.TerminalIds.Rule);
        var (body, error) = await Api.QueryParameters.ReadBodyAsync<DepartmentInput>(request, ct);
        if (error is not null) return error;
        if (!GridLevels.IsValid(body!.Grid) || GridLevels.Of(body.Grid!) > GridLevels.County)
            return Bad("grid", body.Grid, "the code of the county or city the department serves");
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 128) return Bad("name", body.Name, "the department's name, 1-128 characters");
        var categories = body.Categories ?? [];
        for (var i = 0; i < categories.Count; i++)
            if (!CategoryNames.Contains(categories[i])) return Bad($"categories[{i}]", categories[i], string.Join(", ", CategoryNames));
        var user = request.HttpContext.User;
        var before = await store.GetAsync(id, ct);
        if (!user.Covers(body.Grid) || (before is not null && !user.Covers(before.Grid)) || await registry.GetGridAsync(body.Grid!, ct) is null)
        {
            if (!user.Covers(body.Grid) || before is not null) failures.OutsideGrid(request.HttpContext);
            return NotFound("grid", body.Grid, "a county or city grid in the registry");
        }
        var department = new Department(id, body.Grid!, body.Name.Trim(), [.. categories.Distinct()]);
        await store.SaveAsync(department, ct);
        await audit.AppendAsync(AuditEntry.For(user, "department.save", "department", id, department.Grid, before, department), ct);
        return Results.Ok(department);
    }
}
