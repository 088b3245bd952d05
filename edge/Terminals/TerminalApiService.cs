using GridEdge.Edge.Hosting;
using GridEdge.Edge.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Terminals;

/// <summary>
/// Runs the terminal API: its own Kestrel (a WebApplication) inside the gateway's generic host, using the host's outbox,
/// clock and terminal directory. Does nothing unless Edge:Terminals:Enabled is true.
/// </summary>
public sealed class TerminalApiService : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly TerminalOptions _options;
    private readonly string _dataDirectory;
    private readonly Outbox.OutboxStore _outbox;
    private readonly GatewayClock _clock;
    private readonly TerminalDirectoryStore _directory;
    private readonly Tasks.TaskListStore? _tasks;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    // A full disk met outside the stores (a staged photo's file) is logged once a minute with a count, not per request.
    private readonly GridEdge.Protocol.Diagnostics.LogThrottle _failureLog;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _retryStop = new();
    private Task? _retry;
    private int _disposed;
    private WebApplication? _app;
    private TerminalState? _state;
    private AttachmentStore? _attachments;

    /// <param name="time">Drives the sweep of stale uploads; the system's when not given (the same provider as <paramref name="clock"/>'s).</param>
    public TerminalApiService(TerminalOptions options, string dataDirectory, Outbox.OutboxStore outbox, GatewayClock clock, TerminalDirectoryStore directory,
        ILoggerFactory loggers, TimeProvider? time = null, Tasks.TaskListStore? tasks = null)
    {
        _tasks = tasks;
        _time = time ?? TimeProvider.System;
        _failureLog = new GridEdge.Protocol.Diagnostics.LogThrottle(TimeSpan.FromMinutes(1), _time);
        _options = options;
        _dataDirectory = dataDirectory;
        _outbox = outbox;
        _clock = clock;
        _directory = directory;
        _loggers = loggers;
        _logger = loggers.CreateLogger<TerminalApiService>();
    }

    public TerminalCounters Counters { get; } = new();

    /// <summary>The connections held now (for tests); null until started.</summary>
    internal ConnectionSlots? Connections { get; private set; }

    /// <summary>Where the API listens once started (the port Kestrel bound when the Url asked for port 0); null when not running.</summary>
    public Uri? BaseAddress { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            _logger.LogInformation("Terminal API off (Edge:Terminals:Enabled is false)");
            return;
        }
        _state = TerminalState.OpenOrMoveAside(_dataDirectory, _logger, _time);
        var pruned = _state.PruneResponses(_time.GetUtcNow().AddDays(-_options.IdempotencyRetentionDays));
        if (pruned > 0)
            _logger.LogInformation("Forgot {Count} answers to Idempotency-Keys older than {Days} days (Edge:Terminals:IdempotencyRetentionDays) in {File}",
                pruned, _options.IdempotencyRetentionDays, TerminalState.FileName);
        var apiLogger = _loggers.CreateLogger("GridEdge.Edge.Terminals.TerminalApi");
        var attachments = _attachments = new AttachmentStore(_dataDirectory, _state, _outbox, _clock, _options, Counters, apiLogger, _time);
        var connections = Connections = new ConnectionSlots(_options, Counters, apiLogger, _time);
        var api = new TerminalApi(_options, _outbox, _clock, _directory, _state, attachments, connections, Counters, apiLogger, _stopping.Token, _tasks);
        var limits = new TerminalLimits(_options, _directory, Counters, connections, apiLogger);

        if (await TryListenAsync(api, limits, connections, cancellationToken).ConfigureAwait(false)) return;
        // The rest of the gateway (alarms, outbox, uplink) must not stop because a port is taken: retry until it is free.
        _retry = Task.Run(async () =>
        {
            while (!_retryStop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(RetryInterval, _retryStop.Token).ConfigureAwait(false);
                    if (await TryListenAsync(api, limits, connections, _retryStop.Token).ConfigureAwait(false)) return;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    /// <summary>How often the API tries again to listen when its address was taken.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(10);

    private async Task<bool> TryListenAsync(TerminalApi api, TerminalLimits limits, ConnectionSlots connections, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "GridEdge.Edge.Terminals",
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        // The gateway's configuration and logging are the host's; this application only serves HTTP.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_loggers);
        builder.Services.Replace(ServiceDescriptor.Singleton<IHostLifetime, GuestLifetime>());
        builder.WebHost.UseUrls(_options.Url);
        builder.WebHost.UseSockets(s => s.Backlog = _options.ListenBacklog);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            limits.ApplyTo(k);
        });
        builder.Services.AddRateLimiter(limits.ApplyTo);
        builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "GridEdge gateway terminal API";
            document.Info.Description = "Check-ins, patrol records, problem reports and photos from grid members' enforcement terminals. " +
                                        "Every request needs Authorization: Bearer <token>; every POST of a record an Idempotency-Key.";
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        app.Use(connections.TrackRequestAsync);
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
                // Routing answers 415 on its own (the endpoints' Accepts metadata) for a Content-Type that is not JSON; give it the API's shape.
                if (context.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType && !context.Response.HasStarted)
                {
                    Counters.Invalid();
                    await context.Response.WriteAsJsonAsync(TerminalApi.NotJson(context.Request.ContentType)).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (context.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException)
            {
                // The terminal went away; there is no one to answer.
            }
            catch (Exception e) when (e is BadHttpRequestException bad)
            {
                Counters.Invalid();
                if (!context.Response.HasStarted)
                {
                    context.Response.StatusCode = bad.StatusCode;
                    await context.Response.WriteAsJsonAsync(new ErrorResponse("the request could not be read", [new FieldError("$", bad.Message)])).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (RefusedByAStore(e) || Outbox.OutboxStore.IsDiskFull(e))
            {
                // The outbox and the terminal store say why (logged there, once per interval); a full disk met elsewhere (a
                // staged photo's file) is logged here the same way. The sender keeps the record and retries.
                Counters.Failure();
                // 507 at the outbox's quota (nothing may be evicted); 503 when the disk itself refused (docs/reliability.md).
                var full = e is Outbox.OutboxFullException;
                if (!RefusedByAStore(e) && _failureLog.ShouldLog(e.Message, out var count))
                    _logger.LogError("Terminal API {Method} {Path}: the gateway's disk is full ({Error}; {Count} like it since the last report)",
                        context.Request.Method, context.Request.Path.Value, e.Message, count);
                if (!context.Response.HasStarted)
                {
                    context.Response.StatusCode = full ? 507 : 503;
                    await context.Response.WriteAsJsonAsync(new ErrorResponse("the gateway could not store the record now; nothing was stored, retry later with the same Idempotency-Key",
                        [new FieldError("$", e.Message)])).ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                Counters.Failure();
                _logger.LogError(e, "Terminal API {Method} {Path} failed", context.Request.Method, context.Request.Path.Value);
                if (!context.Response.HasStarted)
                {
                    context.Response.StatusCode = 500;
                    await context.Response.WriteAsJsonAsync(new ErrorResponse("the gateway failed to handle the request; nothing is known to be stored, retry with the same Idempotency-Key",
                        [])).ConfigureAwait(false);
                }
            }
        });
        app.UseRateLimiter();
        app.MapOpenApi("/openapi/{documentName}.json");
        api.Map(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Counters.Failure();
            _logger.LogError(e, "The terminal API cannot listen on {Url} (Edge:Terminals:Url); terminals cannot upload until it can (retrying every {Seconds} s)",
                _options.Url, RetryInterval.TotalSeconds);
            await app.DisposeAsync().ConfigureAwait(false);
            return false;
        }
        _app = app;
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        BaseAddress = address is null ? null : new Uri(address);
        _logger.LogInformation("Terminal API listening on {Address} ({Terminals} terminals in the directory)", BaseAddress, _directory.Directory.Terminals.Count);
        return true;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _retryStop.CancelAsync().ConfigureAwait(false);
        if (_retry is not null) await _retry.ConfigureAwait(false);
        _retry = null;
        if (_app is null)
        {
            _attachments?.Dispose();
            _attachments = null;
            _state?.Dispose();
            _state = null;
            return;
        }
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _app = null;
        BaseAddress = null;
        _attachments?.Dispose();
        _attachments = null;
        _state?.Dispose();
        _state = null;
    }

    // The stores' own refusals: nothing stored, each already logged (once per interval) by the store that refused.
    private static bool RefusedByAStore(Exception e) =>
        e is Outbox.OutboxFullException or Outbox.OutboxUnavailableException or TerminalStoreUnavailableException;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
        _retryStop.Dispose();
    }

    // The host is normally stopped before it is disposed; a host disposed without stopping (a test, a failed start) still closes the port.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // The gateway's host owns the process lifetime (signals, systemd); this application must not react to them on its own.
    private sealed class GuestLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>Registers the terminal API.</summary>
public static class TerminalServiceCollectionExtensions
{
    /// <summary>The terminal directory (also used by the commands from the server) and the API; after AddOutbox and AddGatewayClock.</summary>
    public static IServiceCollection AddTerminals(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new TerminalDirectoryStore(
            Path.GetFullPath(sp.GetRequiredService<IOptions<EdgeOptions>>().Value.DataDirectory),
            sp.GetRequiredService<ILogger<TerminalDirectoryStore>>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EdgeOptions>>().Value;
            return new Tasks.TaskListStore(Path.GetFullPath(options.DataDirectory), options.GatewayId, sp.GetRequiredService<ILogger<Tasks.TaskListStore>>());
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EdgeOptions>>().Value;
            return new TerminalApiService(options.Terminals, Path.GetFullPath(options.DataDirectory), sp.GetRequiredService<Outbox.OutboxStore>(),
                sp.GetRequiredService<GatewayClock>(), sp.GetRequiredService<TerminalDirectoryStore>(), sp.GetRequiredService<ILoggerFactory>(),
                sp.GetService<TimeProvider>(), sp.GetRequiredService<Tasks.TaskListStore>());
        });
        services.AddHostedService(sp => sp.GetRequiredService<TerminalApiService>());
        return services;
    }
}
