using System.Text.Encodings.Web;
using GridEdge.Server.Terminals;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Users;

/// <summary>
/// <c>Authorization: Bearer KEY</c>: the caller is the key's user, unless the key is unknown or revoked or the user
/// disabled (401). The key is looked up by its SHA-256; its last use is noted at most once a minute.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IUserStore users, CallerLookups lookups, AccessFailures failures) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Prefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var key = header[Prefix.Length..].Trim();
        var found = key.Length == 0 ? null : await lookups.FindApiKeyAsync(TerminalTokens.Hash(key), Context.RequestAborted);
        var refusal = found switch
        {
            null => "unknown API key",
            { Key.RevokedAt: not null } => "revoked API key",
            { User.Disabled: true } => "API key of a disabled user",
            _ => null,
        };
        if (refusal is not null)
        {
            failures.Refused(refusal, found?.User.Name, Context.Connection.RemoteIpAddress?.ToString());
            return AuthenticateResult.Fail(refusal);
        }
        var (apiKey, user) = found!.Value;
        if (lookups.ShouldTouch(apiKey))
            await users.TouchApiKeyAsync(apiKey.Id, Context.RequestAborted);
        return AuthenticateResult.Success(new AuthenticationTicket(UserClaims.Principal(user, SchemeName, apiKey.Id), SchemeName));
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var role = Context.User.Role();
        failures.Refused(AccessFailures.RoleReason, Context.User.Name(), Context.Connection.RemoteIpAddress?.ToString());
        return Response.WriteAsJsonAsync(new Api.ApiError($"role '{role}' may not do this", "role", role, "a role with the endpoint's permission (docs/access.md)"));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Response.WriteAsJsonAsync(new Api.ApiError($"Authorization: {result.Failure?.Message ?? "no API key"}", "Authorization", "Bearer (hidden)",
            "a valid API key of an enabled user"));
    }
}
