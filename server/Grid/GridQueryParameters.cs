using GridEdge.Protocol.Wire;
using GridEdge.Server.Api;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Grid;

/// <summary>The checks and answers only the grid endpoints need: grid codes, ledger cursors, registry changes.</summary>
internal static class GridQueryParameters
{
    public static string? GridCode(IQueryCollection q, string name, out IResult? error)
    {
        var grid = Single(q, name, out error);
        if (error is null && grid is not null && !GridLevels.IsValid(grid)) error = Bad(name, grid, GridCodes.Rule + " (any level: the grid and every grid beneath it)");
        return grid;
    }

    public static string? Cursor(IQueryCollection q, string kind, out IResult? error)
    {
        var cursor = Single(q, "cursor", out error);
        if (error is null && cursor is not null && !LedgerCursor.TryDecode(cursor, kind, out _)) error = Bad("cursor", cursor, "the nextCursor of a previous page, unchanged");
        return cursor;
    }

    /// <summary>400, 404 or 409 for a failed registry change, with every wrong field.</summary>
    public static IResult Rejected<T>(RegistryResult<T> result)
    {
        var first = result.Errors[0];
        var status = result.Failure switch
        {
            RegistryFailure.NotFound => StatusCodes.Status404NotFound,
            RegistryFailure.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        };
        var summary = result.Errors.Count == 1
            ? $"{first.Field} '{first.Value}' is not valid: expected {first.Expected}"
            : $"{result.Errors.Count} problems: " + string.Join("; ", result.Errors.Take(5).Select(e => e.Field)) + (result.Errors.Count > 5 ? "; ..." : "");
        return Results.Json(new GridRejected(summary, first.Field, result.Errors), statusCode: status);
    }

    /// <summary>The success body with its status, or 503 carrying the same body when a directory could not be published.</summary>
    public static IResult Saved<T>(RegistryResult<T> result, object body, int status)
    {
        if (!result.PublishFailed) return Results.Json(body, statusCode: status);
        return Results.Json(new PublishFailed(
            $"saved, but the terminal directory could not be published: {result.PublishError}; it is retried until the broker takes it",
            "broker", null, "a running broker", body), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>A 503 answer: the change is saved (<see cref="Saved"/> is what a success would have answered) but the broker did not take the new directory.</summary>
public sealed record PublishFailed(string Error, string Field, string? Value, string Expected, object Saved);
