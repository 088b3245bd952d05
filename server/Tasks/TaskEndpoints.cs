using GridEdge.Protocol.Wire;
using GridEdge.Server.Api;
using GridEdge.Server.Complaints;
using GridEdge.Server.Problems;
using GridEdge.Server.Users;

namespace GridEdge.Server.Tasks;

/// <summary>The body of GET /api/gateways/{id}/tasks: the list the gateway's terminals get, as built now.</summary>
public sealed record GatewayTasksView(string Gateway, DateTimeOffset At, IReadOnlyList<TerminalTask> Tasks);

/// <summary>The body of GET /api/tasks/{taskId}/steps: every step members took on the task, with what became of it.</summary>
public sealed record TaskStepsView(string TaskId, IReadOnlyList<StoredTaskStep> Steps);

/// <summary>The task API: what a gateway's members have to do, and the steps they took from their terminals.</summary>
public static class TaskEndpoints
{
    public static IEndpointRouteBuilder MapTaskEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/gateways/{id}/tasks", GatewayTasksAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapGet("/api/tasks/{taskId}/steps", StepsAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> GatewayTasksAsync(string id, HttpContext context, TaskListBuilder builder, GatewayScope scope, TimeProvider time,
        CancellationToken ct)
    {
        if (!GatewayIds.IsValid(id) || await scope.TownshipOfAsync(id, ct) is null || !await scope.SeesAsync(context, id, ct))
            return Results.Json(new ApiError($"gateway '{id}' serves no township of the registry", "id", id, "the id of a gateway at a township center"),
                statusCode: StatusCodes.Status404NotFound);
        return Results.Ok(new GatewayTasksView(id, time.GetUtcNow(), await builder.BuildAsync(id, ct)));
    }

    private static async Task<IResult> StepsAsync(string taskId, HttpContext context, TaskStepLedger steps, IProblemLedger problems, ComplaintLedger complaints,
        AccessFailures failures, CancellationToken ct)
    {
        IResult Missing() => Results.Json(new ApiError($"task '{taskId}' does not exist", "taskId", taskId, TaskIds.Rule + " of an existing problem or complaint"),
            statusCode: StatusCodes.Status404NotFound);
        if (!TaskKinds.TryParse(taskId, out var kind, out var reference)) return Missing();
        var grid = kind == TaskKinds.Problem
            ? (await problems.GetAsync(reference, ct))?.Grid
            : (await complaints.GetAsync(reference, ct))?.Grid;
        if (grid is null || !failures.Covers(context, grid)) return Missing();
        return Results.Ok(new TaskStepsView(TaskKinds.Id(kind, reference), await steps.ForTaskAsync(kind, reference, ct)));
    }
}
