using GridEdge.Edge.Alerts;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using GridEdge.Edge.Time;
using GridEdge.Protocol.Diagnostics;
using GridEdge.Protocol.Hj212;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Monitors;

/// <summary>
/// Accepts HJ 212 monitors over TCP (Edge:Hj212:Port, default 8212): each connection is read on its own task with fixed
/// buffers and timeouts, so a hostile or broken client can hold one connection slot for a bounded time and nothing else.
/// Accepted data frames become readings in the outbox; the 9014 acknowledgement goes out only after every append returned.
/// </summary>
public sealed class Hj212Listener : BackgroundService
{
    private readonly Hj212Options _options;
    private readonly MonitorDirectory _monitors;
    private readonly Outbox.OutboxStore _outbox;
    private readonly GatewayClock _clock;
    private readonly ILogger<Hj212Listener> _logger;
    private readonly ConcurrentDictionary<Hj212Connection, Task> _connections = new();
    /// <summary>The local alert engine, which sees every reading before the outbox does.</summary>
    internal AlertEngine? Alerts { get; }

    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="time">The clock of the connections' frame, idle, auth and write timeouts; the system clock when null.</param>
    public Hj212Listener(IOptions<Hj212Options> options, MonitorDirectory monitors, Outbox.OutboxStore outbox, GatewayClock clock, ILogger<Hj212Listener> logger,
        AlertEngine? alerts = null, TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        Alerts = alerts;
        _options = options.Value;
        _monitors = monitors;
        _outbox = outbox;
        _clock = clock;
        _logger = logger;
    }

    public Hj212Counters Counters { get; } = new();

    /// <summary>Completes with the bound address once listening (useful with port 0); faults if binding failed.</summary>
    public Task<IPEndPoint> Listening => _listening.Task;

    internal Hj212Options Options => _options;
    internal MonitorDirectory Monitors => _monitors;
    internal Outbox.OutboxStore Outbox => _outbox;
    internal GatewayClock Clock => _clock;
    internal TimeProvider Time { get; }
    internal ILogger Logger => _logger;
    /// <summary>One line per minute for a failure every frame repeats (a full outbox), with a count.</summary>
    internal LogThrottle RepeatedErrors => _repeatedErrors ??= new LogThrottle(TimeSpan.FromMinutes(1), Time);
    private LogThrottle? _repeatedErrors;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!_options.ListenerEnabled)
        {
            _logger.LogInformation("HJ 212 listener off: no monitors registered under {Section}:Monitors", Hj212Options.Section);
            _listening.TrySetCanceled(CancellationToken.None);
            return;
        }
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // No ReuseAddress: on Linux .NET maps it to SO_REUSEPORT too, and a second process could share the port.
            socket.Bind(new IPEndPoint(IPAddress.Parse(_options.Host), _options.Port));
            socket.Listen(1024);
        }
        catch (SocketException e)
        {
            _logger.LogError("HJ 212 listener cannot listen on {Host}:{Port} ({Key}): {Error}", _options.Host, _options.Port, $"{Hj212Options.Section}:Port", e.Message);
            _listening.TrySetException(e);
            return;
        }
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        _logger.LogInformation("HJ 212 listener on {Endpoint} for {Count} registered monitors (at most {MaxConnections} connections)",
            bound, _monitors.Count, _options.MaxConnections);
        _listening.TrySetResult(bound);

        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await socket.AcceptAsync(stop).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
            catch (SocketException e)
            {
                _logger.LogWarning("HJ 212 accept failed: {Error}", e.Message);
                continue;
            }
            if (_connections.Count >= _options.MaxConnections)
            {
                Counters.ConnectionRefused();
                _logger.LogDebug("HJ 212 connection from {Remote} refused: {Open} connections open ({Key})", client.RemoteEndPoint, _connections.Count,
                    $"{Hj212Options.Section}:MaxConnections");
                try { client.LingerState = new LingerOption(true, 0); } catch (SocketException) { }
                client.Dispose();
                continue;
            }
            client.NoDelay = true;
            Counters.ConnectionAccepted();
            var connection = new Hj212Connection(this, client);
            // Listed before it runs (the count above must see it), then its task recorded only if it has not already
            // finished and removed itself: a plain second assignment would list a closed connection for ever.
            _connections[connection] = Task.CompletedTask;
            _connections.TryUpdate(connection, RunConnectionAsync(connection, stop), Task.CompletedTask);
        }

        // Stop: every connection's receive is cancelled by the same token; wait for them to finish their frame.
        await Task.WhenAll(_connections.Values).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunConnectionAsync(Hj212Connection connection, CancellationToken stop)
    {
        await Task.Yield();
        try { await connection.RunAsync(stop).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "HJ 212 connection from {Remote} failed", connection.Remote);
        }
        finally
        {
            connection.Dispose();
            Counters.ConnectionClosed();
            _connections.TryRemove(connection, out _);
        }
    }
}
