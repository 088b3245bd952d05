using GridEdge.Protocol.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GridEdge.Edge.Terminals;

/// <summary>
/// The terminal API's connection limit (Edge:Terminals:MaxConnections), held here instead of by Kestrel: at the limit a
/// new connection closes the one idle longest (one that never sent a byte first), and is itself closed only when every
/// connection is busy with a request. A connection that sends nothing for its first request is closed after a short wait.
/// </summary>
/// <remarks>
/// Kestrel's own limit closes every newcomer once the slots are full, so a few hundred idle sockets locked terminals and
/// the status out until the keep-alive timeout freed them, only to be taken again by the flood's next wave.
/// </remarks>
internal sealed class ConnectionSlots
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    private sealed class Slot(ConnectionContext connection)
    {
        public ConnectionContext Connection { get; } = connection;
        // In _silent or _idle while it may be closed for a newcomer; null while busy or once released.
        public LinkedListNode<Slot>? Node;
        public long IdleSince;
        public int Requests;
        public bool Released;
    }

    private readonly int _limit;
    private readonly TimeSpan _firstBytesTimeout;
    private readonly TerminalCounters _counters;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly LogThrottle _throttle;
    private readonly object _gate = new();
    private readonly Dictionary<string, Slot> _open = new(StringComparer.Ordinal);
    // Accepted, not a byte yet; oldest first.
    private readonly LinkedList<Slot> _silent = new();
    // Spoke, and no request in progress (between keep-alive requests, or headers still arriving); idle longest first.
    private readonly LinkedList<Slot> _idle = new();

    public ConnectionSlots(Hosting.TerminalOptions options, TerminalCounters counters, ILogger logger, TimeProvider time)
    {
        _limit = options.MaxConnections;
        // Kestrel's keep-alive timer starts only once a connection reaches it, after its first bytes: wait no longer than it would.
        _firstBytesTimeout = TimeSpan.FromSeconds(Math.Min(options.RequestHeadersTimeoutSeconds, options.KeepAliveTimeoutSeconds));
        _counters = counters;
        _logger = logger;
        _time = time;
        _throttle = new LogThrottle(LogInterval, time);
    }

    public int Limit => _limit;

    /// <summary>Connections held now.</summary>
    public int Open { get { lock (_gate) return _open.Count; } }

    /// <summary>Connections with a request in progress now.</summary>
    public int Busy { get { lock (_gate) return _open.Count - _silent.Count - _idle.Count; } }

    /// <summary>The connection middleware (ListenOptions.Use): admits, waits for the first bytes, then hands the connection to HTTP.</summary>
    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var slot = Admit(connection);
        if (slot is null)
        {
            // As Kestrel's own limit does: close at once, nothing read, nothing answered.
            await connection.Transport.Input.CompleteAsync().ConfigureAwait(false);
            await connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
            return;
        }
        try
        {
            if (await FirstBytesAsync(connection).ConfigureAwait(false) && Spoke(slot)) await next(connection).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate) Release(slot);
        }
    }

    /// <summary>The first HTTP middleware: the connection is busy from a request's start until its response is sent.</summary>
    public Task TrackRequestAsync(HttpContext context, RequestDelegate next)
    {
        Slot? slot;
        lock (_gate)
        {
            if (_open.TryGetValue(context.Connection.Id, out slot))
            {
                slot.Requests++;
                Unlist(slot);
            }
        }
        if (slot is not null) context.Response.OnCompleted(() =>
        {
            lock (_gate)
            {
                if (--slot.Requests == 0 && !slot.Released)
                {
                    slot.IdleSince = _time.GetTimestamp();
                    slot.Node = _idle.AddLast(slot);
                }
            }
            return Task.CompletedTask;
        });
        return next(context);
    }

    private Slot? Admit(ConnectionContext connection)
    {
        Slot? victim;
        var slot = new Slot(connection);
        lock (_gate)
        {
            victim = null;
            if (_open.Count >= _limit)
            {
                victim = (_silent.First ?? _idle.First)?.Value;
                if (victim is null) slot = null;
                else Release(victim);
            }
            if (slot is not null)
            {
                slot.IdleSince = _time.GetTimestamp();
                slot.Node = _silent.AddLast(slot);
                _open[connection.ConnectionId] = slot;
            }
        }

        if (victim is not null)
        {
            var idle = _time.GetElapsedTime(victim.IdleSince);
            victim.Connection.Abort(new ConnectionAbortedException($"closed after {idle.TotalSeconds:F1} s idle to admit a new connection (Edge:Terminals:MaxConnections is {_limit})"));
            _counters.ConnectionEvicted();
            if (_throttle.ShouldLog("evicted", out var count))
                _logger.LogWarning("Closed {Count} idle connection(s) to the terminal API to admit new ones: {Max} were open (Edge:Terminals:MaxConnections); the latest had been idle {IdleSeconds:F1} s",
                    count, _limit, idle.TotalSeconds);
        }
        else if (slot is null)
        {
            _counters.ConnectionRefused();
            if (_throttle.ShouldLog("refused", out var count))
                _logger.LogWarning("Refused {Count} new connection(s) to the terminal API: all {Max} connections (Edge:Terminals:MaxConnections) were busy with requests",
                    count, _limit);
        }
        return slot;
    }

    // True once the client sent something; its bytes stay in the pipe for Kestrel to read.
    private async Task<bool> FirstBytesAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        using var silence = new CancellationTokenSource(_firstBytesTimeout, _time);
        try
        {
            var read = await input.ReadAsync(silence.Token).ConfigureAwait(false);
            var spoke = !read.Buffer.IsEmpty;
            // Nothing consumed, nothing examined: the next read returns the same bytes at once.
            input.AdvanceTo(read.Buffer.Start);
            return spoke && !read.IsCanceled;
        }
        catch (OperationCanceledException) when (silence.IsCancellationRequested)
        {
            _counters.ConnectionSilent();
            if (_throttle.ShouldLog("silent", out var count))
                _logger.LogInformation("Closed {Count} connection(s) to the terminal API that sent nothing within {Seconds} s of connecting",
                    count, _firstBytesTimeout.TotalSeconds);
            return false;
        }
        catch (Exception e) when (e is ConnectionAbortedException or ConnectionResetException or IOException or OperationCanceledException)
        {
            // Closed for a newcomer, or by the client.
            return false;
        }
    }

    // False when the connection was closed for a newcomer meanwhile.
    private bool Spoke(Slot slot)
    {
        lock (_gate)
        {
            if (slot.Released) return false;
            Unlist(slot);
            slot.IdleSince = _time.GetTimestamp();
            slot.Node = _idle.AddLast(slot);
            return true;
        }
    }

    // Callers hold _gate.
    private static void Unlist(Slot slot)
    {
        if (slot.Node is { List: { } list } node) list.Remove(node);
        slot.Node = null;
    }

    private void Release(Slot slot)
    {
        if (slot.Released) return;
        slot.Released = true;
        Unlist(slot);
        _open.Remove(slot.Connection.ConnectionId);
    }
}
