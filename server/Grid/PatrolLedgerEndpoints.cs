using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using static GridEdge.Server.Api.QueryParameters;
using static GridEdge.Server.Grid.GridQueryParameters;

namespace GridEdge.Server.Grid;

/// <summary>Reading the patrol ledger (check-ins, patrol records), the problem ledger and the attachments back.</summary>
public static class PatrolLedgerEndpoints
{
    /// <summary>The states of the problem lifecycle (server/Problems moves problems between them).</summary>
    public static readonly IReadOnlyList<string> ProblemStates = ["reported", "assigned", "transferred", "planned", "rectified", "verified", "closed"];

    public static IEndpointRouteBuilder MapPatrolLedgerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/checkins", CheckInsAsync);
        app.MapGet("/api/patrols", PatrolsAsync);
        app.MapGet("/api/problems", ProblemsAsync);
        app.MapGet("/api/problems/{id}", ProblemAsync);
        app.MapGet("/api/attachments/{sha256}", AttachmentAsync);
        return app;
    }

    private static async Task<IResult> CheckInsAsync(HttpRequest request, GridStore store, CancellationToken ct)
    {
        var (query, error) = ParsePatrolQuery(request.Query, "c");
        if (error is not null) return error;
        return Results.Ok(await store.QueryCheckInsAsync(query!, ct));
    }

    private static async Task<IResult> PatrolsAsync(HttpRequest request, GridStore store, CancellationToken ct)
    {
        var (query, error) = ParsePatrolQuery(request.Query, "p");
        if (error is not null) return error;
        return Results.Ok(await store.QueryPatrolsAsync(query!, ct));
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

    private static async Task<IResult> ProblemsAsync(HttpRequest request, GridStore store, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "grid", "member", "state", "category", "from", "to", "limit", "cursor") is { } unknown) return unknown;
        var grid = GridCode(q, "grid", out var error);
        if (error is not null) return error;
        var member = Id(q, "member", out error);
        if (error is not null) return error;
        var state = Single(q, "state", out error);
        if (error is not null) return error;
        if (state is not null && !ProblemStates.Contains(state)) return Bad("state", state, string.Join(", ", ProblemStates));
        var category = SnakeEnum<ProblemCategory>(q, "category", out error);
        if (error is not null) return error;
        var (from, to) = TimeRange(q, out error);
        if (error is not null) return error;
        var limit = Limit(q, PatrolLedgerQuery.DefaultLimit, PatrolLedgerQuery.MaxLimit, out error);
        if (error is not null) return error;
        var cursor = Cursor(q, "r", out error);
        if (error is not null) return error;
        return Results.Ok(await store.QueryProblemsAsync(new ProblemQuery(grid, member, state, category, from, to, limit, cursor), ct));
    }

    private static async Task<IResult> ProblemAsync(string id, HttpRequest request, GridStore store, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 1)
            return Bad("id", id, "a problem id (a positive integer)");
        return await store.GetProblemAsync(number, ct) is { } problem ? Results.Ok(problem) : NotFound("id", id, "the id of a problem in the problem ledger");
    }

    private static async Task<IResult> AttachmentAsync(string sha256, HttpRequest request, GridStore store, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!TerminalDirectory.IsSha256Hex(sha256)) return Bad("sha256", sha256, "a SHA-256 in lower-case hex (64 characters)");
        var a = await store.GetAttachmentAsync(sha256, ct);
        if (a is null) return NotFound("sha256", sha256, "an attachment the ledger has received (no chunk of it has arrived)");
        if (a.CompleteAt is null)
        {
            var state = a.Mismatches > 0 && a.Received == 0
                ? $"an attachment that can be served: the assembled file failed SHA-256 verification ({a.Mismatches} time(s)) and is kept aside; it is served once a new upload verifies"
                : $"a complete attachment: {a.Received} of {a.Size} bytes received so far";
            return NotFound("sha256", sha256, state);
        }
        var path = await store.ServableFileAsync(sha256, a.Size, ct);
        if (path is null) return NotFound("sha256", sha256, "an attachment whose file is present (the ledger marks it complete but the file is missing)");
        return Results.File(path, a.ContentType, enableRangeProcessing: true);
    }
}
