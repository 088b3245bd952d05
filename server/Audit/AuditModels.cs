using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using GridEdge.Server.Users;

namespace GridEdge.Server.Audit;

/// <summary>Who made a change and how they were signed in: a user through the API, or someone at the server's command line.</summary>
/// <param name="Via"><c>session</c>, <c>api-key:ID</c> or <c>command-line</c>.</param>
public sealed record AuditActor(string Name, string Role, string Via)
{
    public const string CommandLine = "command-line";

    /// <summary>The authenticated caller of a request.</summary>
    public static AuditActor Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var via = user.FindFirstValue(UserClaims.ApiKeyClaim) is { } key ? "api-key:" + key
            : user.Identity?.AuthenticationType == UserServiceCollectionExtensions.CookieScheme ? "session"
            : user.Identity?.AuthenticationType ?? "unknown";
        return new AuditActor(user.Name(), user.Role(), via);
    }

    /// <summary>The operating-system user running a command of the server (it needs no sign-in: it holds the ledger's settings).</summary>
    public static AuditActor OfCommandLine() =>
        new(string.IsNullOrEmpty(Environment.UserName) ? CommandLine : Environment.UserName, CommandLine, CommandLine);
}

/// <summary>One change to append to the audit log; <see cref="Before"/> and <see cref="After"/> are JSON and never hold a secret.</summary>
public sealed record AuditEntry(string Actor, string Role, string Via, string Action, string ObjectKind, string ObjectId, string? Grid, string? Before, string? After)
{
    // As the API writes its bodies (ApiServiceCollectionExtensions.AddApi): camelCase, snake_case enum names.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>A change made by the authenticated caller of a request.</summary>
    public static AuditEntry For(ClaimsPrincipal user, string action, string objectKind, string objectId, string? grid, object? before, object? after) =>
        For(AuditActor.Of(user), action, objectKind, objectId, grid, before, after);

    /// <summary>A change made by <paramref name="by"/>; <paramref name="before"/> and <paramref name="after"/> are serialized as the API would show them.</summary>
    public static AuditEntry For(AuditActor by, string action, string objectKind, string objectId, string? grid, object? before, object? after)
    {
        ArgumentNullException.ThrowIfNull(by);
        return new(by.Name, by.Role, by.Via, action, objectKind, objectId, grid, Serialize(before), Serialize(after));
    }

    /// <summary>A change made at the server's command line.</summary>
    public static AuditEntry ForCommandLine(string action, string objectKind, string objectId, string? grid, object? before, object? after) =>
        For(AuditActor.OfCommandLine(), action, objectKind, objectId, grid, before, after);

    private static string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Json);
}

/// <summary>An entry as the log holds it: its number, when it was appended, and before/after as JSON.</summary>
public sealed record AuditRecord(long Id, DateTimeOffset At, string Actor, string Role, string Via, string Action, string ObjectKind, string ObjectId,
    string? Grid, JsonElement? Before, JsonElement? After);

/// <summary>
/// A page of the audit log, newest first. <see cref="Scope"/> is the reader's own grid: only entries whose grid lies
/// under it (entries without a grid are for unscoped readers only). <see cref="Action"/> matches the action and the
/// actions beneath it (<c>user</c> matches <c>user.create</c>).
/// </summary>
public sealed record AuditQuery(string? Scope = null, string? Actor = null, string? Action = null, string? ObjectKind = null, string? ObjectId = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, int Limit = AuditQuery.DefaultLimit, string? Cursor = null)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const string CursorKind = "a";
}

/// <summary>The actions the log records, dotted from the object down.</summary>
public static class AuditActions
{
    public const string UserCreate = "user.create";
    public const string UserChange = "user.change";
    public const string ApiKeyCreate = "user.api-key.create";
    public const string ApiKeyRevoke = "user.api-key.revoke";
    public const string GatewayCredentialsIssue = "gateway.credentials.issue";
    public const string GatewayCredentialsRotate = "gateway.credentials.rotate";
    public const string GatewayCredentialsRevoke = "gateway.credentials.revoke";
}
