using GridEdge.Server.Users;
using GridEdge.Server.Audit;
using System.Text.Json;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Terminals;
using static GridEdge.Server.Api.QueryParameters;
using static GridEdge.Server.Grid.GridQueryParameters;

namespace GridEdge.Server.Grid;

/// <summary>A grid in a listing.</summary>
public sealed record GridView(string Code, int Level, string LevelName, string Name, string? Parent, string? Gateway, string? Chief, bool HasBoundary)
{
    public static GridView From(GridRecord g) => new(g.Code, g.Level, GridLevels.Name(g.Level), g.Name, g.Parent, g.Gateway, g.Chief, g.Boundary is not null);
}

/// <summary>One grid with its boundary, the gateway serving it and what it holds.</summary>
public sealed record GridDetailView(string Code, int Level, string LevelName, string Name, string? Parent, string? Gateway, string? ServedBy, string? Chief,
    JsonElement? Boundary, long Children, long Members, long KeyPoints, long Enterprises);

/// <summary>A member in the API.</summary>
public sealed record MemberView(string Id, string Name, string Grid, string? Phone, bool Active)
{
    public static MemberView From(MemberRecord m) => new(m.Id, m.Name, m.Grid, m.Phone, m.Active);
}

/// <summary>A terminal in the API: never its token (nor its hash).</summary>
public sealed record TerminalView(string Id, string Member, string? Grid, string State, DateTimeOffset IssuedAt, DateTimeOffset? RevokedAt)
{
    public static TerminalView From(TerminalRecord t) => new(t.Id, t.Member, t.Grid, t.RevokedAt is null ? "active" : "revoked", t.IssuedAt, t.RevokedAt);
}

/// <summary>The 201 answer to POST /api/terminals: the token, shown this once.</summary>
public sealed record IssuedTerminalView(string Id, string Member, string Grid, string Token, DateTimeOffset IssuedAt, IReadOnlyList<DirectoryPublish> Directories);

/// <summary>The answer to an import.</summary>
public sealed record ImportView(int Grids, int Members, int KeyPoints, int Enterprises, IReadOnlyList<DirectoryPublish> Directories);

/// <summary>A key point in the API.</summary>
public sealed record KeyPointView(string Id, string Grid, string Name, double? Latitude, double? Longitude)
{
    public static KeyPointView From(KeyPointRecord k) => new(k.Id, k.Grid, k.Name, k.Latitude, k.Longitude);
}

/// <summary>An enterprise of the inventory; <see cref="File"/> only when read one at a time.</summary>
public sealed record EnterpriseView(string Id, string Grid, string Name, string Class, double? Latitude, double? Longitude, JsonElement? File = null)
{
    public static EnterpriseView From(EnterpriseRecord e, bool withFile = false)
    {
        JsonElement? file = null;
        if (withFile) { using var doc = JsonDocument.Parse(e.File); file = doc.RootElement.Clone(); }
        return new(e.Id, e.Grid, e.Name, e.Class, e.Latitude, e.Longitude, file);
    }
}

/// <summary>
/// A gateway's terminal directory now and the configuration last published with one: <see cref="Published"/> when that
/// carried the current directory, <see cref="Applied"/> when the gateway reports that version in force (its status, or an ok
/// result for it), <see cref="UpToDate"/> when both.
/// </summary>
public sealed record DirectoryView(string Gateway, string? Version, DateTimeOffset? PublishedAt, bool Published, bool Applied, bool UpToDate,
    string? ReportedVersion, Commands.CommandResultView? Result, int Terminals, int Grids, JsonElement? Directory);

/// <summary>The registry API: grids, members, terminals, key points and the pollution-source inventory.</summary>
public static class GridEndpoints
{
    private const int MaxListLimit = 10_000;
    /// <summary>The largest bulk import, in bytes.</summary>
    public const long MaxImportBytes = 512L * 1024 * 1024;

    public static IEndpointRouteBuilder MapGridRegistryApi(this IEndpointRouteBuilder app)
    {
        // A city's import (5,209 villages with their outlines) is larger than Kestrel's default 30 MB.
        app.MapPut("/api/grids", ImportAsync).WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxImportBytes)).RequireAuthorization(Permissions.ImportGrid);
        app.MapPost("/api/grids", CreateGridAsync).RequireAuthorization(Permissions.ImportGrid);
        app.MapGet("/api/grids", GridsAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapGet("/api/grids/{code}", GridAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapPost("/api/members", CreateMemberAsync).RequireAuthorization(Permissions.EditRegistry);
        app.MapPut("/api/members/{id}", PutMemberAsync).RequireAuthorization(Permissions.EditRegistry);
        app.MapGet("/api/members", MembersAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapGet("/api/members/{id}", MemberAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapPost("/api/terminals", IssueAsync).RequireAuthorization(Permissions.ManageTerminals);
        app.MapPost("/api/terminals/{id}/revoke", RevokeAsync).RequireAuthorization(Permissions.ManageTerminals);
        app.MapGet("/api/terminals", TerminalsAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapPost("/api/grids/{code}/key-points", CreateKeyPointAsync).RequireAuthorization(Permissions.EditRegistry);
        app.MapGet("/api/grids/{code}/key-points", KeyPointsAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapPost("/api/grids/{code}/enterprises", CreateEnterpriseAsync).RequireAuthorization(Permissions.EditRegistry);
        app.MapGet("/api/grids/{code}/enterprises", EnterprisesAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapGet("/api/grids/{code}/enterprises/{id}", EnterpriseAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapGet("/api/gateways/{id}/terminal-directory", DirectoryAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> ImportAsync(HttpRequest request, GridRegistry registry, AccessFailures failures, GatewayScope gateways, IAuditLog audit, CancellationToken ct)
    {
        var (document, error) = await ReadBodyAsync<GridDocument>(request, ct);
        if (error is not null) return error;
        if (await OutsideAsync(request, document!, registry.Store, failures, ct) is { } outside) return outside;
        gateways.Invalidate();
        var result = await registry.ImportAsync(document!, create: false, ct);
        if (!result.Ok) return Rejected(result);
        var r = result.Value!;
        await audit.AppendAsync(AuditEntry.For(request.HttpContext.User, "grid.import", "grid-document", "import", request.HttpContext.User.Grid(), null,
            new { r.Grids, r.Members, r.KeyPoints, r.Enterprises, gridCodes = document!.Grids?.Select(g => g.Code).Take(100), memberIds = document.Members?.Select(m => m.Id).Take(100) }), ct);
        return Saved(result, new ImportView(r.Grids, r.Members, r.KeyPoints, r.Enterprises, result.Published), StatusCodes.Status200OK);
    }

    private static async Task<IResult> CreateGridAsync(HttpRequest request, GridRegistry registry, AccessFailures failures, GatewayScope gateways, IAuditLog audit, CancellationToken ct)
    {
        var (grid, error) = await ReadBodyAsync<GridInput>(request, ct);
        if (error is not null) return error;
        var document = new GridDocument(Grids: [grid!]);
        if (await OutsideAsync(request, document, registry.Store, failures, ct, "grids[0].") is { } outside) return outside;
        gateways.Invalidate();
        var result = await registry.ImportAsync(document, create: true, ct);
        if (!result.Ok) return Rejected(Unprefix(result, "grids[0]."));
        var created = (await registry.Store.GetGridAsync(grid!.Code!, ct))!;
        await audit.AppendAsync(AuditEntry.For(request.HttpContext.User, "grid.create", "grid", created.Code, created.Code, null, GridView.From(created)), ct);
        return Saved(result, await DetailAsync(registry.Store, created, ct), StatusCodes.Status201Created);
    }

    private static async Task<IResult> GridsAsync(HttpRequest request, IGridRegistryStore store, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "parent", "level", "limit", "cursor") is { } unknown) return unknown;
        var parent = GridCode(q, "parent", out var error);
        if (error is not null) return error;
        var levelText = Single(q, "level", out error);
        if (error is not null) return error;
        int? level = null;
        if (levelText is not null)
        {
            level = levelText switch { "1" or "city" => 1, "2" or "county" => 2, "3" or "township" => 3, "4" or "village" => 4, _ => null };
            if (level is null) return Bad("level", levelText, "1-4 or city, county, township, village");
        }
        var limit = Limit(q, 1000, MaxListLimit, out error);
        if (error is not null) return error;
        var cursor = Cursor(q, "g", out error);
        if (error is not null) return error;
        LedgerCursor.TryDecode(cursor, "g", out var after);
        var items = await store.ListGridsAsync(parent, level, cursor is null ? null : after.Key, limit + 1, ct, request.HttpContext.User.Grid());
        return Results.Ok(PageOf(items, limit, g => GridView.From(g), g => new LedgerCursor("g", 0, g.Code, 0)));
    }

    private static async Task<IResult> GridAsync(string code, HttpRequest request, IGridRegistryStore store, AccessFailures failures, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!GridLevels.IsValid(code)) return Bad("code", code, GridCodes.Rule);
        var grid = failures.Covers(request.HttpContext, code) ? await store.GetGridAsync(code, ct) : null;
        if (grid is null) return NotFound("code", code, "the code of a grid in the registry");
        return Results.Ok(await DetailAsync(store, grid, ct));
    }

    private static async Task<GridDetailView> DetailAsync(IGridRegistryStore store, GridRecord g, CancellationToken ct)
    {
        var (children, members, points, enterprises) = await store.CountUnderAsync(g.Code, ct);
        var servedBy = g.Level == GridLevels.Township ? g.Gateway
            : GridLevels.TownshipOf(g.Code) is { } t ? (await store.GetGridAsync(t, ct))?.Gateway : null;
        JsonElement? boundary = null;
        if (g.Boundary is not null) { using var doc = JsonDocument.Parse(g.Boundary); boundary = doc.RootElement.Clone(); }
        return new GridDetailView(g.Code, g.Level, GridLevels.Name(g.Level), g.Name, g.Parent, g.Gateway, servedBy, g.Chief, boundary, children, members, points, enterprises);
    }

    private static async Task<IResult> CreateMemberAsync(HttpRequest request, GridRegistry registry, AccessFailures failures, IAuditLog audit, CancellationToken ct)
    {
        var (member, error) = await ReadBodyAsync<MemberInput>(request, ct);
        if (error is not null) return error;
        var document = new GridDocument(Members: [member!]);
        if (await OutsideAsync(request, document, registry.Store, failures, ct, "members[0].") is { } outside) return outside;
        var result = await registry.ImportAsync(document, create: true, ct);
        if (!result.Ok) return Rejected(Unprefix(result, "members[0]."));
        var created = MemberView.From((await registry.Store.GetMemberAsync(member!.Id!, ct))!);
        await audit.AppendAsync(AuditEntry.For(request.HttpContext.User, "member.create", "member", created.Id, created.Grid, null, created), ct);
        return Saved(result, created, StatusCodes.Status201Created);
    }

    private static async Task<IResult> PutMemberAsync(string id, HttpRequest request, GridRegistry registry, AccessFailures failures, IAuditLog audit, CancellationToken ct)
    {
        if (!TerminalIds.IsValid(id)) return Bad("id", id, TerminalIds.Rule);
        var (member, error) = await ReadBodyAsync<MemberInput>(request, ct);
        if (error is not null) return error;
        if (member!.Id is not null && member.Id != id) return Bad("id", member.Id, $"the id in the URL ('{id}') or none");
        var document = new GridDocument(Members: [member with { Id = id }]);
        if (await OutsideAsync(request, document, registry.Store, failures, ct, "members[0].") is { } outside) return outside;
        var before = await registry.Store.GetMemberAsync(id, ct);
        var result = await registry.ImportAsync(document, create: false, ct);
        if (!result.Ok) return Rejected(Unprefix(result, "members[0]."));
        var after = MemberView.From((await registry.Store.GetMemberAsync(id, ct))!);
        await audit.AppendAsync(AuditEntry.For(request.HttpContext.User, "member.change", "member", id, after.Grid, before is null ? null : MemberView.From(before), after), ct);
        return Saved(result, after, StatusCodes.Status200OK);
    }

    private static async Task<IResult> MembersAsync(HttpRequest request, IGridRegistryStore store, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "grid", "limit", "cursor") is { } unknown) return unknown;
        var grid = GridCode(q, "grid", out var error);
        if (error is not null) return error;
        var limit = Limit(q, 1000, MaxListLimit, out error);
        if (error is not null) return error;
        var cursor = Cursor(q, "m", out error);
        if (error is not null) return error;
        LedgerCursor.TryDecode(cursor, "m", out var after);
        if (!request.HttpContext.User.TryNarrow(grid, out grid)) return Results.Ok(new Page<MemberView>([], null));
        var items = await store.ListMembersAsync(grid, cursor is null ? null : after.Key, limit + 1, ct);
        return Results.Ok(PageOf(items, limit, MemberView.From, m => new LedgerCursor("m", 0, m.Id, 0)));
    }

    private static async Task<IResult> MemberAsync(string id, HttpRequest request, IGridRegistryStore store, AccessFailures failures, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!TerminalIds.IsValid(id)) return Bad("id", id, TerminalIds.Rule);
        return await store.GetMemberAsync(id, ct) is { } m && failures.Covers(request.HttpContext, m.Grid)
            ? Results.Ok(MemberView.From(m)) : NotFound("id", id, "the id of a member in the registry");
    }

    private static async Task<IResult> IssueAsync(HttpRequest request, GridRegistry registry, AccessFailures failures, IAuditLog audit, CancellationToken ct)
    {
        var (body, error) = await ReadBodyAsync<TerminalRequest>(request, ct);
        if (error is not null) return error;
        var errors = new List<FieldError>();
        if (!TerminalIds.IsValid(body!.Id)) errors.Add(new("id", body.Id, TerminalIds.Rule));
        if (!TerminalIds.IsValid(body.Member)) errors.Add(new("member", body.Member, "the id of a member in the registry (" + TerminalIds.Rule + ")"));
        if (errors.Count > 0) return Rejected(new RegistryResult<IssuedTerminal>(null, RegistryFailure.Invalid, errors, []));
        if (await registry.Store.GetMemberAsync(body.Member!, ct) is { } member && !failures.Covers(request.HttpContext, member.Grid))
            return Rejected(new RegistryResult<IssuedTerminal>(null, RegistryFailure.NotFound, [new("member", body.Member, "the id of a member in the registry")], []));
        var result = await registry.IssueTerminalAsync(body.Id!, body.Member!, ct);
        if (!result.Ok) return Rejected(result);
        var t = result.Value!;
        await audit.AppendAsync(AuditEntry.For(request.HttpContext.User, "terminal.issue", "terminal", t.Id, t.Grid, null, new { t.Id, t.Member, t.Grid, t.IssuedAt }), ct);
        return Saved(result, new IssuedTerminalView(t.Id, t.Member, t.Grid, t.Token, t.IssuedAt, result.Published), StatusCodes.Status201Created);
    }

    private static async Task<IResult> RevokeAsync(string id, HttpRequest request, GridRegistry registry, ITerminalStore terminals, AccessFailures failures, IAuditLog audit,
        CancellationToken ct)
    {
        if (!TerminalIds.IsValid(id)) return Bad("id", id, TerminalIds.Rule);
        if (await terminals.GetAsync(id, ct) is { } terminal && request.HttpContext.User.IsScoped() && !failures.Covers(request.HttpContext, terminal.Grid))
            return NotFound("id", id, "the id of a terminal in the registry");
        var before = await terminals.GetAsync(id, ct);
        var result = await registry.RevokeTerminalAsync(id, ct);
        if (!result.Ok) return Rejected(result);
        if (before is { RevokedAt: null })
            await audit.AppendAsync(AuditEntry.For(request.HttpContext.User, "terminal.revoke", "terminal", id, result.Value!.Grid,
                TerminalView.From(before), TerminalView.From(result.Value!)), ct);
        return Saved(result, TerminalView.From(result.Value!), StatusCodes.Status200OK);
    }

    private static async Task<IResult> TerminalsAsync(HttpRequest request, ITerminalStore terminals, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "member", "grid", "state", "limit", "cursor") is { } unknown) return unknown;
        var member = Id(q, "member", out var error);
        if (error is not null) return error;
        var grid = GridCode(q, "grid", out error);
        if (error is not null) return error;
        var state = Single(q, "state", out error);
        if (error is not null) return error;
        bool? active = state switch { null or "all" => null, "active" => true, "revoked" => false, _ => null };
        if (state is not (null or "all" or "active" or "revoked")) return Bad("state", state, "active, revoked or all");
        var limit = Limit(q, 1000, MaxListLimit, out error);
        if (error is not null) return error;
        var cursor = Cursor(q, "t", out error);
        if (error is not null) return error;
        LedgerCursor.TryDecode(cursor, "t", out var after);
        if (!request.HttpContext.User.TryNarrow(grid, out grid)) return Results.Ok(new Page<TerminalView>([], null));
        var items = await terminals.ListAsync(member, grid, active, cursor is null ? null : after.Key, limit + 1, ct);
        return Results.Ok(PageOf(items, limit, TerminalView.From, t => new LedgerCursor("t", 0, t.Id, 0)));
    }

    private static async Task<IResult> CreateKeyPointAsync(string code, HttpRequest request, GridRegistry registry, AccessFailures failures, IAuditLog audit, CancellationToken ct)
    {
        if (!GridLevels.IsValid(code)) return Bad("code", code, GridCodes.Rule);
        var (point, error) = await ReadBodyAsync<KeyPointInput>(request, ct);
        if (error is not null) return error;
        if (point!.Grid is not null && point.Grid != code) return Bad("grid", point.Grid, $"the grid in the URL ('{code}') or none");
        if (!failures.Covers(request.HttpContext, code) || await registry.Store.GetGridAsync(code, ct) is null) return NotFound("code", code, "the code of a grid in the registry");
        var document = new GridDocument(KeyPoints: [point with { Grid = code }]);
        if (await OutsideAsync(request, document, registry.Store, failures, ct, "keyPoints[0].") is { } outside) return outside;
        var result = await registry.ImportAsync(document, create: true, ct);
        if (!result.Ok) return Rejected(Unprefix(result, "keyPoints[0]."));
        var saved = (await registry.Store.ListKeyPointsAsync(code, ct)).First(k => k.Id == point.Id);
        await audit.AppendAsync(AuditEntry.For(request.HttpContext.User, "key-point.create", "key-point", saved.Id, code, null, KeyPointView.From(saved)), ct);
        return Results.Json(KeyPointView.From(saved), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> KeyPointsAsync(string code, HttpRequest request, IGridRegistryStore store, AccessFailures failures, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "limit", "cursor") is { } unknown) return unknown;
        if (!GridLevels.IsValid(code)) return Bad("code", code, GridCodes.Rule);
        var limit = Limit(q, 1000, MaxListLimit, out var error);
        if (error is not null) return error;
        var cursor = Cursor(q, "k", out error);
        if (error is not null) return error;
        LedgerCursor.TryDecode(cursor, "k", out var after);
        if (!failures.Covers(request.HttpContext, code) || await store.GetGridAsync(code, ct) is null) return NotFound("code", code, "the code of a grid in the registry");
        var items = await store.ListKeyPointsAsync(code, ct, cursor is null ? null : after.Key, limit + 1);
        return Results.Ok(PageOf(items, limit, KeyPointView.From, k => new LedgerCursor("k", 0, k.Id, 0)));
    }

    private static async Task<IResult> CreateEnterpriseAsync(string code, HttpRequest request, GridRegistry registry, AccessFailures failures, IAuditLog audit, CancellationToken ct)
    {
        if (!GridLevels.IsValid(code)) return Bad("code", code, GridCodes.Rule);
        var (enterprise, error) = await ReadBodyAsync<EnterpriseInput>(request, ct);
        if (error is not null) return error;
        if (enterprise!.Grid is not null && enterprise.Grid != code) return Bad("grid", enterprise.Grid, $"the grid in the URL ('{code}') or none");
        if (!failures.Covers(request.HttpContext, code) || await registry.Store.GetGridAsync(code, ct) is null) return NotFound("code", code, "the code of a grid in the registry");
        var document = new GridDocument(Enterprises: [enterprise with { Grid = code }]);
        if (await OutsideAsync(request, document, registry.Store, failures, ct, "enterprises[0].") is { } outside) return outside;
        var result = await registry.ImportAsync(document, create: true, ct);
        if (!result.Ok) return Rejected(Unprefix(result, "enterprises[0]."));
        var saved = (await registry.Store.ListEnterprisesAsync(code, ct, enterprise.Id)).Single();
        await audit.AppendAsync(AuditEntry.For(request.HttpContext.User, "enterprise.create", "enterprise", saved.Id, code, null, EnterpriseView.From(saved)), ct);
        return Results.Json(EnterpriseView.From(saved, withFile: true), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> EnterprisesAsync(string code, HttpRequest request, IGridRegistryStore store, AccessFailures failures, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "class", "limit", "cursor") is { } unknown) return unknown;
        if (!GridLevels.IsValid(code)) return Bad("code", code, GridCodes.Rule);
        var cls = Single(q, "class", out var error);
        if (error is not null) return error;
        if (cls is not null && !EnterpriseClasses.All.Contains(cls)) return Bad("class", cls, string.Join(", ", EnterpriseClasses.All));
        var limit = Limit(q, 1000, MaxListLimit, out error);
        if (error is not null) return error;
        var cursor = Cursor(q, "e", out error);
        if (error is not null) return error;
        LedgerCursor.TryDecode(cursor, "e", out var after);
        if (!failures.Covers(request.HttpContext, code) || await store.GetGridAsync(code, ct) is null) return NotFound("code", code, "the code of a grid in the registry");
        var items = await store.ListEnterprisesAsync(code, ct, enterpriseClass: cls, after: cursor is null ? null : after.Key, limit: limit + 1);
        return Results.Ok(PageOf(items, limit, e => EnterpriseView.From(e), e => new LedgerCursor("e", 0, e.Id, 0)));
    }

    private static async Task<IResult> EnterpriseAsync(string code, string id, HttpRequest request, IGridRegistryStore store, AccessFailures failures, CancellationToken ct)
    {
        if (Unknown(request.Query) is { } unknown) return unknown;
        if (!GridLevels.IsValid(code)) return Bad("code", code, GridCodes.Rule);
        if (!TerminalIds.IsValid(id)) return Bad("id", id, TerminalIds.Rule);
        var found = failures.Covers(request.HttpContext, code) ? (await store.ListEnterprisesAsync(code, ct, id)).SingleOrDefault() : null;
        return found is null ? NotFound("id", id, $"the id of an enterprise of grid {code}") : Results.Ok(EnterpriseView.From(found, withFile: true));
    }

    private static async Task<IResult> DirectoryAsync(string id, HttpRequest request, IGridRegistryStore store, Gateways.IGatewayStore gateways, Commands.ICommandStore ledger,
        GatewayScope scope, CancellationToken ct)
    {
        var q = request.Query;
        if (Unknown(q, "full") is { } unknown) return unknown;
        var full = Single(q, "full", out var error);
        if (error is not null) return error;
        if (full is not (null or "true" or "false")) return Bad("full", full, "true or false");
        if (!GatewayIds.IsValid(id)) return Bad("id", id, GatewayIds.Rule);
        var directory = await scope.SeesAsync(request.HttpContext, id, ct) ? await store.DirectoryForAsync(id, ct) : null;
        if (directory is null) return NotFound("id", id, "a gateway that serves a township grid");
        var published = await store.GetPublishedDirectoryAsync(id, ct);
        var json = directory.ToJson();
        JsonElement? body = null;
        if (full == "true") { using var doc = JsonDocument.Parse(json); body = doc.RootElement.Clone(); }
        var reported = (await gateways.GetGatewayStatesAsync(ct)).FirstOrDefault(g => g.Id == id)?.ConfigVersion;
        var sent = await ledger.GetConfigAsync(id, ct);
        var result = sent is not null && sent.Version == published?.Version ? sent.Result : null;
        var isPublished = published?.Terminals == json;
        var applied = published is not null && (reported == published.Version || result?.Outcome == Protocol.Records.CommandOutcome.Ok);
        return Results.Ok(new DirectoryView(id, published?.Version, published?.PublishedAt, isPublished, applied, isPublished && applied, reported,
            Commands.CommandResultView.From(result), directory.Terminals.Count, directory.Grids.Count, body));
    }

    // 404 naming every field of a change that reaches outside the caller's grid, as for grids that do not exist.
    private static async Task<IResult?> OutsideAsync(HttpRequest request, GridDocument document, IGridRegistryStore store, AccessFailures failures, CancellationToken ct,
        string? prefix = null)
    {
        var outside = await RegistryScope.OutsideAsync(request.HttpContext.User, document, store, ct);
        if (outside.Count == 0) return null;
        failures.OutsideGrid(request.HttpContext);
        var result = new RegistryResult<ImportResult>(null, RegistryFailure.NotFound, outside, []);
        return Rejected(prefix is null ? result : Unprefix(result, prefix));
    }

    private static Page<TView> PageOf<T, TView>(IReadOnlyList<T> items, int limit, Func<T, TView> view, Func<T, LedgerCursor> cursor) =>
        items.Count > limit
            ? new Page<TView>(items.Take(limit).Select(view).ToList(), cursor(items[limit - 1]).Encode())
            : new Page<TView>(items.Select(view).ToList(), null);

    /// <summary>A single object's fields named as posted (code, not grids[0].code).</summary>
    private static RegistryResult<T> Unprefix<T>(RegistryResult<T> result, string prefix) =>
        result with { Errors = result.Errors.Select(e => e with { Field = e.Field.StartsWith(prefix, StringComparison.Ordinal) ? e.Field[prefix.Length..] : e.Field }).ToList() };
}
