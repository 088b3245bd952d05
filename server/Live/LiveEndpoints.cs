using System.Text.Json;
using GridEdge.Server.Api;
using GridEdge.Server.Users;

namespace GridEdge.Server.Live;

/// <summary>
/// GET /api/events: the live feed as server-sent events (text/event-stream) for the console: alert transitions, gateway
/// states and commands' answers of the gateways the caller sees, within a second or two of reaching the ledger.
/// </summary>
public static class LiveEndpoints
{
    /// <summary>Live connections one node keeps at most; more answer 503.</summary>
    public const int MaxListeners = 500;
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static IServiceCollection AddLive(this IServiceCollection services)
    {
        services.AddSingleton<LiveFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveFeed>());
        return services;
    }

    public static WebApplication MapLiveApi(this WebApplication app)
    {
        app.MapGet("/api/events", StreamAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task StreamAsync(HttpContext context, LiveFeed feed, GatewayScope scope,
        Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IHostApplicationLifetime lifetime, CancellationToken aborted)
    {
        // Ends when the browser goes or the server stops (a stopping server does not wait for open streams).
        using var both = CancellationTokenSource.CreateLinkedTokenSource(aborted, lifetime.ApplicationStopping);
        var ct = both.Token;
        if (feed.Listeners >= MaxListeners)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsJsonAsync(new ApiError($"this node already serves {MaxListeners} live connections", "connections", null, "fewer live pages"), ct);
            return;
        }
        using var subscription = feed.Subscribe();
        context.Response.Headers.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await context.Response.WriteAsync("retry: 3000\n: connected\n\n", ct);
        await context.Response.Body.FlushAsync(ct);
        var visible = await scope.VisibleAsync(context.User, ct);
        var visibleAt = DateTime.UtcNow;
        while (!ct.IsCancellationRequested)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(Heartbeat);
            LiveEvent e;
            try { e = await subscription.Events.ReadAsync(wait.Token); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                await context.Response.WriteAsync(": heartbeat\n\n", ct);
                await context.Response.Body.FlushAsync(ct);
                continue;
            }
            catch (OperationCanceledException) { return; }
            if (DateTime.UtcNow - visibleAt > GatewayScope.CacheFor)
            {
                visible = await scope.VisibleAsync(context.User, ct);
                visibleAt = DateTime.UtcNow;
            }
            if (visible is not null && !visible.Contains(e.Gateway, StringComparer.Ordinal)) continue;
            await context.Response.WriteAsync($"event: {e.Type}\ndata: {JsonSerializer.Serialize(e.Data, e.Data.GetType(), json.Value.SerializerOptions)}\n\n", ct);
            if (subscription.Events.Count == 0) await context.Response.Body.FlushAsync(ct);
        }
    }
}
