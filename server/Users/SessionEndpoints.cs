using GridEdge.Server.Api;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace GridEdge.Server.Users;

/// <summary>The body of POST /api/session.</summary>
public sealed record SignInRequest(string Name, string Password);

/// <summary>The body of GET /api/session: who the caller is, what it may do, and (for a cookie session) the antiforgery token to send as X-CSRF-TOKEN.</summary>
public sealed record SessionView(string Name, string Role, string RoleName, string? Grid, IReadOnlyList<string> Permissions, string Via, string? CsrfToken);

/// <summary>A refused sign-in of a locked user (423).</summary>
public sealed record LockedView(string Error, DateTimeOffset LockedUntil);

/// <summary>The browser's session: sign in with a password (a cookie), who am I, sign out.</summary>
public static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/session", SignInAsync).AllowAnonymous().RequireRateLimiting(UserServiceCollectionExtensions.SignInLimit);
        app.MapGet("/api/session", WhoAmI).RequireAuthorization(Permissions.SignedIn);
        app.MapDelete("/api/session", SignOutAsync).RequireAuthorization(Permissions.SignedIn);
        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext context, IUserStore users, AccessFailures failures, CancellationToken ct)
    {
        var (body, error) = await QueryParameters.ReadBodyAsync<SignInRequest>(context.Request, ct);
        if (error is not null) return error;
        if (string.IsNullOrEmpty(body!.Name) || body.Password is null) return QueryParameters.Bad("name", body.Name, "a JSON object {name, password}");
        var address = context.Connection.RemoteIpAddress?.ToString();
        switch (await users.SignInAsync(body.Name, body.Password, ct))
        {
            case SignInOutcome.SignedIn signedIn:
                var session = await users.StartSessionAsync(signedIn.User.Name, ct);
                await context.SignInAsync(UserServiceCollectionExtensions.CookieScheme,
                    UserClaims.Principal(signedIn.User, UserServiceCollectionExtensions.CookieScheme, sessionId: session), new AuthenticationProperties { IsPersistent = true });
                return Results.NoContent();
            case SignInOutcome.Locked locked:
                failures.Refused("sign-in while locked", body.Name, address);
                return Results.Json(new LockedView($"signing in is locked until {locked.Until:O} after {SignInLimits.MaxFailures} wrong passwords", locked.Until),
                    statusCode: StatusCodes.Status423Locked);
            case SignInOutcome.Refused refused:
                failures.Refused("sign-in: " + refused.Reason, body.Name, address);
                return Results.Json(new ApiError("wrong name or password", "password", null, "the name and password of an enabled user"), statusCode: StatusCodes.Status401Unauthorized);
            default:
                throw new InvalidOperationException("unknown sign-in outcome");
        }
    }

    private static SessionView WhoAmI(HttpContext context, IAntiforgery antiforgery)
    {
        var user = context.User;
        var cookie = user.Identity?.AuthenticationType == UserServiceCollectionExtensions.CookieScheme;
        var role = user.Role();
        return new SessionView(user.Name(), role, Roles.All.FirstOrDefault(r => r.Role == role).Chinese ?? role, user.Grid(), Permissions.Of(role),
            cookie ? "session" : "api_key", cookie ? antiforgery.GetAndStoreTokens(context).RequestToken : null);
    }

    private static async Task SignOutAsync(HttpContext context, IUserStore users)
    {
        if (context.User.Session() is { } session) await users.EndSessionAsync(session, context.RequestAborted);
        await context.SignOutAsync(UserServiceCollectionExtensions.CookieScheme);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
