using GridEdge.Server.Users;
using Microsoft.OpenApi;

namespace GridEdge.Server.Api;

/// <summary>
/// The OpenAPI document of the server's HTTP API at <c>/openapi/v1.json</c> (for signed-in callers): every endpoint's
/// request and answer, and how to authenticate (an API key as a Bearer token, or the browser's session cookie).
/// </summary>
public static class ServerOpenApi
{
    public static IServiceCollection AddServerOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "GridEdge server API";
            document.Info.Description = "The grid's ledgers (readings, alerts, gateways, grid registry, check-ins, patrols, problems, photos, " +
                "compliance and reports) and their handling. Every call but /health and POST /api/session needs a signed-in caller: " +
                "an API key as 'Authorization: Bearer KEY', or the session cookie of POST /api/session (unsafe requests then send " +
                "X-CSRF-TOKEN from GET /api/session). What each role may do: docs/access.md.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["apiKey"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key created for a user (shown once), sent as Authorization: Bearer KEY.",
            };
            document.Components.SecuritySchemes["session"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = UserServiceCollectionExtensions.SessionCookie,
                Description = "The browser's session cookie from POST /api/session.",
            };
            return Task.CompletedTask;
        }));

    public static WebApplication MapServerOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }
}
