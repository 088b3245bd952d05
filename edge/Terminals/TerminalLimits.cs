using System.Globalization;
using System.Threading.RateLimiting;
using GridEdge.Edge.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace GridEdge.Edge.Terminals;

/// <summary>
/// What keeps a flood from taking the gateway down: the connection limit (<see cref="ConnectionSlots"/>), Kestrel's timeout
/// and size limits, and a request rate per terminal (per bearer token in the directory; per client address for anything
/// else) answered 429 with Retry-After.
/// </summary>
internal sealed class TerminalLimits(TerminalOptions options, TerminalDirectoryStore directory, TerminalCounters counters, ConnectionSlots connections, ILogger logger)
{
    private static readonly TimeSpan BodyRateGrace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);
    private long _refusedSinceLog;
    private long _nextLogTicks;

    public void ApplyTo(KestrelServerOptions kestrel)
    {
        var limits = kestrel.Limits;
        // Kestrel's limit would close every newcomer while idle sockets hold the slots: the connection middleware holds it instead.
        limits.MaxConcurrentConnections = null;
        kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => connection => connections.OnConnectionAsync(connection, next)));
        limits.KeepAliveTimeout = TimeSpan.FromSeconds(options.KeepAliveTimeoutSeconds);
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(options.RequestHeadersTimeoutSeconds);
        limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersBytes;
        limits.MinRequestBodyDataRate = options.MinRequestBodyBytesPerSecond == 0 ? null : new MinDataRate(options.MinRequestBodyBytesPerSecond, BodyRateGrace);
        // JSON bodies are bounded by MaxJsonBytes as they are read; a PUT carries at most one whole attachment.
        limits.MaxRequestBodySize = Protocol.Codecs.Validation.MaxAttachmentBytes + 1024;
    }

    public void ApplyTo(RateLimiterOptions limiter)
    {
        // The partitioned limiter replenishes every bucket on its own 100 ms heartbeat (no timer per bucket), at most one
        // period per beat: keep periods at 1 s or longer.
        var (period, tokens) = options.RequestsPerMinute <= 60
            ? (TimeSpan.FromSeconds(60.0 / options.RequestsPerMinute), 1)
            : (TimeSpan.FromSeconds(1), (int)Math.Ceiling(options.RequestsPerMinute / 60.0));
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetTokenBucketLimiter(Requester(context),
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.RequestBurst,
                TokensPerPeriod = tokens,
                ReplenishmentPeriod = period,
                QueueLimit = 0,
                AutoReplenishment = false,
            }));
        limiter.OnRejected = RejectAsync;
    }

    // An unknown token gets no partition of its own: random tokens must not create limiters without bound.
    private string Requester(HttpContext context) =>
        TerminalApi.BearerToken(context.Request) is { } token && directory.FindByToken(token) is { } terminal
            ? "terminal " + terminal.TerminalId
            : "address " + context.Connection.RemoteIpAddress;

    private async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        counters.RateLimited();
        var who = Requester(context);
        LogThrottled(who);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.Response.WriteAsJsonAsync(new ErrorResponse(
            $"too many requests: at most {options.RequestsPerMinute} a minute (bursts of {options.RequestBurst}) from one terminal; retry after {seconds} s",
            [new FieldError("$", $"{who} is over its request rate; nothing was stored")]), ct).ConfigureAwait(false);
    }

    // A flood must not flood the log too: one line a minute with the count.
    private void LogThrottled(string who)
    {
        var refused = Interlocked.Increment(ref _refusedSinceLog);
        var now = Environment.TickCount64;
        var next = Interlocked.Read(ref _nextLogTicks);
        if (now < next || Interlocked.CompareExchange(ref _nextLogTicks, now + (long)LogInterval.TotalMilliseconds, next) != next) return;
        Interlocked.Add(ref _refusedSinceLog, -refused);
        logger.LogWarning("Refused {Count} request(s) over the rate of {PerMinute} a minute per terminal (Edge:Terminals:RequestsPerMinute), the latest from {Requester}",
            refused, options.RequestsPerMinute, who);
    }
}
