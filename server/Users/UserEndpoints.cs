using System.Text.Json;
using GridEdge.Server.Api;
using GridEdge.Server.Audit;
using GridEdge.Server.Grid;

namespace GridEdge.Server.Users;

/// <summary>The body of POST /api/users (no password: the user signs in with API keys only).</summary>
public sealed record CreateUserRequest(string Name, string Role, string? DisplayName = null, string? Grid = null, string? Password = null, string? Department = null);

/// <summary>The body of PATCH /api/users/{name}: absent fields stay as they are; <c>"grid": null</c> removes the grid.</summary>
public sealed record ChangeUserRequest(string? DisplayName = null, string? Role = null, JsonElement Grid = default, bool? Disabled = null, string? Password = null,
    string? Department = null);

/// <summary>A user as the API shows it (never the password hash).</summary>
public sealed record UserView(string Name, string DisplayName, string Role, string RoleName, string? Grid, bool HasPassword, bool Disabled,
    DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt, IReadOnlyList<string> Permissions, string? Department)
{
    public static UserView Of(UserRecord u) => new(u.Name, u.DisplayName, u.Role, Roles.All.FirstOrDefault(r => r.Role == u.Role).Chinese ?? u.Role,
        u.Grid, u.PasswordHash is not null, u.Disabled, u.LockedUntil, u.CreatedAt, Users.Permissions.Of(u.Role), u.Department);
}

/// <summary>An API key as the API shows it (never the key).</summary>
public sealed record ApiKeyView(string Id, string User, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt)
{
    public static ApiKeyView Of(ApiKeyRecord k) => new(k.Id, k.User, k.CreatedAt, k.RevokedAt, k.LastUsedAt);
}

/// <summary>A user with its API keys.</summary>
public sealed record UserDetailView(UserView User, IReadOnlyList<ApiKeyView> ApiKeys);

/// <summary>
/// The users API: administrators manage users; any user may create and revoke its own API keys. Each change is audited
/// (user.create, user.change, user.api-key.create, user.api-key.revoke) in the change's own commit.
/// </summary>
public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUserApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/users", CreateAsync).RequireAuthorization(Permissions.ManageUsers);
        app.MapGet("/api/users", ListAsync).RequireAuthorization(Permissions.ManageUsers);
        app.MapPatch("/api/users/{name}", ChangeAsync).RequireAuthorization(Permissions.ManageUsers);
        // Self or ManageUsers, checked in the handler: the policy admits any signed-in user.
        app.MapGet("/api/users/{name}", GetAsync).RequireAuthorization(Permissions.SignedIn);
        app.MapPost("/api/users/{name}/api-keys", CreateKeyAsync).RequireAuthorization(Permissions.SignedIn);
        app.MapDelete("/api/users/{name}/api-keys/{id}", RevokeKeyAsync).RequireAuthorization(Permissions.SignedIn);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, IUserStore users, ILogger<UserStore> log, CancellationToken ct)
    {
        var (body, error) = await QueryParameters.ReadBodyAsync<CreateUserRequest>(request, ct);
        if (error is not null) return error;
        var result = await users.CreateAsync(new NewUser(body!.Name, body.DisplayName, body.Role, body.Grid, body.Password, body.Department), AuditActor.Of(request.HttpContext.User), ct);
        if (result.User is null) return Refused(result);
        log.LogInformation("User {Name} created ({Role}, grid {Grid}) by {By}", result.User.Name, result.User.Role, result.User.Grid, request.HttpContext.User.Name());
        return Results.Created($"/api/users/{result.User.Name}", UserView.Of(result.User));
    }

    private static async Task<IResult> ListAsync(HttpRequest request, IUserStore users, CancellationToken ct)
    {
        if (QueryParameters.Unknown(request.Query, "after", "limit") is { } unknown) return unknown;
        var after = QueryParameters.Single(request.Query, "after", out var error);
        if (error is not null) return error;
        var limit = QueryParameters.Limit(request.Query, 100, 1000, out error);
        if (error is not null) return error;
        return Results.Ok((await users.ListAsync(after, limit, ct)).Select(UserView.Of).ToList());
    }

    private static async Task<IResult> GetAsync(string name, HttpContext context, IUserStore users, CancellationToken ct)
    {
        if (!MaySee(context, name)) return NoUser(name);
        var user = await users.GetAsync(name, ct);
        if (user is null) return NoUser(name);
        return Results.Ok(new UserDetailView(UserView.Of(user), [.. (await users.ApiKeysAsync(name, ct)).Select(ApiKeyView.Of)]));
    }

    private static async Task<IResult> ChangeAsync(string name, HttpRequest request, IUserStore users, ILogger<UserStore> log, CancellationToken ct)
    {
        var (body, error) = await QueryParameters.ReadBodyAsync<ChangeUserRequest>(request, ct);
        if (error is not null) return error;
        if (body!.Grid.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String))
            return QueryParameters.Bad("grid", body.Grid.GetRawText(), "a grid code, or null to remove the grid");
        var change = new UserChange(body.DisplayName, body.Role, body.Grid.ValueKind == JsonValueKind.String ? body.Grid.GetString() : null,
            body.Grid.ValueKind == JsonValueKind.Null, body.Disabled, body.Password, body.Department);
        var result = await users.ChangeAsync(name, change, AuditActor.Of(request.HttpContext.User), ct);
        if (result.User is null) return Refused(result);
        log.LogInformation("User {Name} changed by {By}: role {Role}, grid {Grid}, disabled {Disabled}, new password {NewPassword}",
            name, request.HttpContext.User.Name(), result.User.Role, result.User.Grid, result.User.Disabled, body.Password is not null);
        return Results.Ok(UserView.Of(result.User));
    }

    private static async Task<IResult> CreateKeyAsync(string name, HttpContext context, IUserStore users, ILogger<UserStore> log, CancellationToken ct)
    {
        if (!MaySee(context, name)) return NoUser(name);
        var key = await users.CreateApiKeyAsync(name, AuditActor.Of(context.User), ct);
        if (key is null) return NoUser(name);
        log.LogInformation("API key {KeyId} created for {Name} by {By}", key.Id, name, context.User.Name());
        return Results.Created($"/api/users/{name}/api-keys/{key.Id}", key);
    }

    private static async Task<IResult> RevokeKeyAsync(string name, string id, HttpContext context, IUserStore users, ILogger<UserStore> log, CancellationToken ct)
    {
        if (!MaySee(context, name)) return NoUser(name);
        var key = await users.RevokeApiKeyAsync(name, id, AuditActor.Of(context.User), ct);
        if (key is null) return QueryParameters.NotFound("id", id, $"an API key of user {name}");
        log.LogInformation("API key {KeyId} of {Name} revoked by {By}", id, name, context.User.Name());
        return Results.NoContent();
    }

    // Another user's keys answer as if the user did not exist, unless the caller manages users.
    private static bool MaySee(HttpContext context, string name) =>
        context.User.Name() == name || Permissions.Has(context.User, Permissions.ManageUsers);

    private static IResult NoUser(string name) => QueryParameters.NotFound("name", name, "the name of a user");

    private static IResult Refused(UserResult result) => result.Failure switch
    {
        RegistryFailure.NotFound => QueryParameters.NotFound(result.Error!.Field, result.Error.Value, result.Error.Expected),
        RegistryFailure.Conflict => Results.Json(new ApiError($"{result.Error!.Field} '{result.Error.Value}' is not valid: expected {result.Error.Expected}",
            result.Error.Field, result.Error.Value, result.Error.Expected), statusCode: StatusCodes.Status409Conflict),
        _ => QueryParameters.Bad(result.Error!.Field, result.Error.Value, result.Error.Expected),
    };
}
