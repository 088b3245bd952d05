using System.Threading.RateLimiting;
using GridEdge.Server.Api;
using GridEdge.Server.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GridEdge.Server.Users;

/// <summary>
/// Registers who may call the API: the users ledger, cookie sessions for the browser (with antiforgery), API keys for
/// machines, a policy per permission, and the sign-in rate limit.
/// </summary>
public static class UserServiceCollectionExtensions
{
    /// <summary>The scheme that picks API keys for <c>Authorization: Bearer</c> and the session cookie otherwise.</summary>
    public const string Scheme = "GridEdge";
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string SessionCookie = "gridedge.session";
    public const string CsrfHeader = "X-CSRF-TOKEN";
    public const string SignInLimit = "sign-in";

    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLedgerSchema<UserSchema>();
        services.AddSingleton<IUserStore>(sp => new UserStore(sp.GetRequiredService<LedgerDatabase>(), sp.GetRequiredService<Grid.IGridRegistryStore>(),
            sp.GetRequiredService<Audit.IAuditLog>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AccessFailures>();
        services.AddSingleton<GatewayScope>();
        services.AddSingleton<CallerLookups>();
        // Cookies and antiforgery tokens signed with keys every node shares and a restart keeps (the ledger holds them).
        services.AddDataProtection().SetApplicationName("GridEdge.Server");
        services.AddSingleton<Microsoft.Extensions.Options.IConfigureOptions<KeyManagementOptions>>(sp =>
            new Microsoft.Extensions.Options.ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new LedgerKeyRepository(sp.GetRequiredService<LedgerDatabase>())));
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key or session cookie", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith(ApiKeyAuthentication.Prefix, StringComparison.OrdinalIgnoreCase)
                    ? ApiKeyAuthentication.SchemeName : CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = SessionCookie;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                // A disabled user, or one whose role or grid changed, is signed out at its next request; so is a cookie whose
                // session has ended (signed out, a new password), even a copy replayed from elsewhere.
                o.Events.OnValidatePrincipal = async context =>
                {
                    var principal = context.Principal!;
                    var lookups = context.HttpContext.RequestServices.GetRequiredService<CallerLookups>();
                    var user = await lookups.GetUserAsync(principal.Name(), context.HttpContext.RequestAborted);
                    var live = principal.Session() is { } session && await lookups.SessionLiveAsync(session, context.HttpContext.RequestAborted);
                    if (user is null || user.Disabled || user.Role != principal.Role() || user.Grid != principal.Grid() || !live)
                    {
                        context.HttpContext.RequestServices.GetRequiredService<AccessFailures>().Refused(live ? "session of a changed user" : "ended session",
                            principal.Name(), context.HttpContext.Connection.RemoteIpAddress?.ToString());
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(CookieScheme);
                    }
                };
                // An API answers 401 and 403; there is no sign-in page to redirect to.
                o.Events.OnRedirectToLogin = context => Refuse(context.HttpContext, StatusCodes.Status401Unauthorized,
                    new ApiError("sign in first: POST /api/session {name, password}, or send Authorization: Bearer KEY", "Authorization", null, "a session cookie or an API key"));
                o.Events.OnRedirectToAccessDenied = context => RefuseRole(context.HttpContext, StatusCodes.Status403Forbidden,
                    new ApiError($"role '{context.HttpContext.User.Role()}' may not do this", "role", context.HttpContext.User.Role(), "a role with the endpoint's permission (docs/access.md)"));
            });
        services.AddAuthorization(Permissions.AddPolicies);
        services.AddAntiforgery(o =>
        {
            o.HeaderName = CsrfHeader;
            o.Cookie.Name = "gridedge.csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInLimit, context => RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = SignInLimits.AttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = (context, _) =>
            {
                var address = context.HttpContext.Connection.RemoteIpAddress?.ToString();
                context.HttpContext.RequestServices.GetRequiredService<AccessFailures>().Refused("sign-in rate limit", null, address);
                return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(new ApiError(
                    $"too many sign-in attempts from {address}: at most {SignInLimits.AttemptsPerMinute} a minute", "address", address, "fewer sign-in attempts")));
            };
        });
        return services;
    }

    /// <summary>
    /// Authentication, authorization (every endpoint but those marked anonymous needs a signed-in caller), the sign-in
    /// rate limit, and the antiforgery check of cookie-authenticated unsafe requests; then the session and users API.
    /// </summary>
    public static WebApplication UseUsers(this WebApplication app)
    {
        app.UseAuthentication();
        app.Use(CountRefusedCookiesAsync);
        app.UseAuthorization();
        app.UseRateLimiter();
        app.Use(CheckAntiforgeryAsync);
        app.MapSessionApi();
        app.MapUserApi();
        app.MapAccessApi();
        return app;
    }

    // A browser sends the session cookie with any request a page makes; only a page of ours can read the token to send it.
    // A session cookie that did not authenticate: forged, damaged, expired or of an ended session.
    private static Task CountRefusedCookiesAsync(HttpContext context, RequestDelegate next)
    {
        if (context.User.Identity?.IsAuthenticated != true && context.Request.Cookies.ContainsKey(SessionCookie))
            context.RequestServices.GetRequiredService<AccessFailures>().Refused("session cookie not accepted", null, context.Connection.RemoteIpAddress?.ToString());
        return next(context);
    }

    private static async Task CheckAntiforgeryAsync(HttpContext context, RequestDelegate next)
    {
        if (context.User.Identity is { IsAuthenticated: true, AuthenticationType: CookieScheme }
            && !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method) || HttpMethods.IsTrace(context.Request.Method)))
        {
            try { await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context); }
            catch (AntiforgeryValidationException)
            {
                context.RequestServices.GetRequiredService<AccessFailures>().Refused("antiforgery token", context.User.Name(), context.Connection.RemoteIpAddress?.ToString());
                await Refuse(context, StatusCodes.Status400BadRequest, new ApiError(
                    $"{CsrfHeader}: missing or wrong: a request signed in with the session cookie must send the token GET /api/session returns",
                    CsrfHeader, null, "the csrfToken of GET /api/session"));
                return;
            }
        }
        await next(context);
    }

    private static Task RefuseRole(HttpContext context, int status, ApiError error)
    {
        context.RequestServices.GetRequiredService<AccessFailures>().Refused(AccessFailures.RoleReason, context.User.Name(), context.Connection.RemoteIpAddress?.ToString());
        return Refuse(context, status, error);
    }

    private static Task Refuse(HttpContext context, int status, ApiError error)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(error);
    }
}
