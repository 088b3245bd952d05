using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace GridEdge.Server.Web;

/// <summary>
/// The web console (控制台): a page and its scripts, styles and icons, all served from beside the assembly (nothing
/// from the internet). The page is public, as a sign-in page is; every figure it shows comes from the API as the
/// signed-in user, so the console sees exactly what that user's role and grid allow.
/// </summary>
public static class ConsoleEndpoints
{
    /// <summary>Where the console's files are: the <c>console</c> folder the build copies beside the assembly.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "console");

    // Only our own scripts and styles; no inline script, no frames, no other origin.
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Compression of what the console loads over a township's 4G: pages, scripts, styles and the API's JSON (not over HTTPS, where it could leak secrets through sizes).</summary>
    public static IServiceCollection AddConsole(this IServiceCollection services) =>
        services.AddResponseCompression(o => o.MimeTypes = ["text/html", "text/css", "text/javascript", "application/javascript", "application/json", "image/svg+xml", "text/csv"]);

    /// <summary>The scripts, styles and icons under /app, public like the page; before sign-in is checked.</summary>
    public static WebApplication UseConsoleFiles(this WebApplication app)
    {
        app.UseResponseCompression();
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(Path.Combine(Folder, "app")),
            RequestPath = "/app",
            OnPrepareResponse = context => Secure(context.Context.Response),
        });
        return app;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        var files = new PhysicalFileProvider(Folder);
        // The page itself at / and at any path a browser may try that is not the API's: the console routes by the hash.
        app.MapGet("/", (HttpContext context) => Page(context, files)).AllowAnonymous().ExcludeFromDescription();
        // Paths under /api, /openapi and /app, and any with a dot (a file), are not pages: no match, so the API and the
        // static files answer them (a page route would keep the static files from serving).
        app.MapGet("/{**path:regex(^(?!(api|openapi|app)/)[^.]*$)}", (HttpContext context) => Page(context, files)).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static IResult Page(HttpContext context, IFileProvider files)
    {
        var index = files.GetFileInfo("index.html");
        if (!index.Exists) return Results.Problem($"the console is not installed: {Path.Combine(Folder, "index.html")} is missing", statusCode: 500);
        Secure(context.Response);
        return Results.File(index.CreateReadStream(), "text/html; charset=utf-8");
    }

    private static void Secure(HttpResponse response)
    {
        var headers = response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] = Policy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers[HeaderNames.XFrameOptions] = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidated every time (a 304 when unchanged): a new server version's scripts are used at once.
        headers[HeaderNames.CacheControl] = "no-cache";
    }
}
