using System.Net;
using System.Net.Sockets;
using GridEdge.Protocol.Diagnostics;
using GridEdge.Server.Ingest;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace GridEdge.Server.Broker;

/// <summary>
/// The embedded broker's TCP transport in place of MQTTnet's default one, which listens on every IPv6 address whatever
/// the IPv4 address configured and has no packet-size or connection limit. This one listens on exactly
/// Server:Broker:Host (localhost: 127.0.0.1 and ::1), holds at most Server:Broker:MaxConnections connections (more are closed at once), and refuses a
/// packet as soon as its fixed header announces more than Server:Broker:MaxPacketBytes. The CONNECT timeout is
/// MQTTnet's own (the server options' DefaultCommunicationTimeout, from Server:Broker:ConnectTimeoutSeconds).
/// </summary>
public sealed class GuardedTcpServerAdapter(BrokerOptions options, IngestMetrics metrics, TimeProvider time, ILogger log) : IMqttServerAdapter
{
    private readonly LogThrottle _throttle = new(TimeSpan.FromSeconds(10), time);
    private readonly List<Socket> _listeners = [];
    private CancellationTokenSource? _stop;
    private int _open;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>Connections open now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>The port bound (the configured one, or the one the OS chose for port 0).</summary>
    public int BoundPort { get; private set; }

    /// <summary>The addresses Server:Broker:Host names: <c>localhost</c> is both loopbacks, anything else one IP address as written.</summary>
    public static IReadOnlyList<IPAddress> Addresses(string host) =>
        host == "localhost"
            ? Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback]
            : IPAddress.TryParse(host, out var address) ? [address]
            : throw new InvalidOperationException($"Server:Broker:Host is '{host}': expected an IP address (127.0.0.1, ::1, 0.0.0.0, ::) or localhost");

    public Task StartAsync(MqttServerOptions serverOptions, IMqttNetLogger logger)
    {
        _stop = new CancellationTokenSource();
        var port = options.Port;
        foreach (var address in Addresses(options.Host))
        {
            // One socket per address, IPv6 ones IPv6 only: a dual-mode socket on :: would also take every IPv4 address.
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (address.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
            try
            {
                socket.Bind(new IPEndPoint(address, port));
                socket.Listen(512);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                StopAsync();
                throw new InvalidOperationException(
                    $"Server:Broker:Host/Port: cannot listen on {address}:{port} (Host '{options.Host}'): {e.Message}" +
                    (e.SocketErrorCode == SocketError.AddressAlreadyInUse ? " (another process holds the port)" : ""), e);
            }
            // Port 0: the first address picks the port, the others take the same one.
            port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            _listeners.Add(socket);
            var token = _stop.Token;
            _ = Task.Run(() => AcceptLoopAsync(socket, serverOptions, logger, token), token);
        }
        BoundPort = port;
        return Task.CompletedTask;
    }

    private async Task AcceptLoopAsync(Socket listener, MqttServerOptions serverOptions, IMqttNetLogger logger, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptAsync(token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException e)
            {
                if (_throttle.ShouldLog("accept", out var n)) log.LogWarning("Broker accept failed ({Count} times): {Error}", n, e.SocketErrorCode);
                continue;
            }

            if (Interlocked.Increment(ref _open) > options.MaxConnections)
            {
                Interlocked.Decrement(ref _open);
                metrics.Refused("connections");
                if (_throttle.ShouldLog("limit", out var n))
                    log.LogWarning("Broker refused {Count} connections: {Max} open (Server:Broker:MaxConnections)", n, options.MaxConnections);
                client.Dispose();
                continue;
            }
            _ = Task.Run(() => HandleAsync(client, serverOptions, logger), CancellationToken.None);
        }
    }

    private async Task HandleAsync(Socket client, MqttServerOptions serverOptions, IMqttNetLogger logger)
    {
        var remote = client.RemoteEndPoint;
        try
        {
            client.NoDelay = true;
            await using var stream = new MqttPacketSizeGuard(new NetworkStream(client, ownsSocket: true), options.MaxPacketBytes, announced =>
            {
                metrics.Refused("packet_size");
                if (_throttle.ShouldLog("size", out var n))
                    log.LogWarning("Broker closed {Count} connections announcing packets over {Max} bytes (last: {Announced} bytes from {Endpoint})",
                        n, options.MaxPacketBytes, announced, remote);
            });
            if (ClientHandler is not { } handler) return;
            var channel = new MqttTcpChannel(stream, client.LocalEndPoint, remote, null);
            var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(serverOptions.WriterBufferSize, serverOptions.WriterBufferSizeMax));
            using var adapter = new MqttChannelAdapter(channel, formatter, logger);
            await handler(adapter).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away or was refused above; MQTTnet has cleaned up its session.
        }
        catch (Exception e)
        {
            if (_throttle.ShouldLog("client", out var n)) log.LogWarning(e, "Broker connection from {Endpoint} failed ({Count} times)", remote, n);
        }
        finally
        {
            client.Dispose();
            Interlocked.Decrement(ref _open);
        }
    }

    public Task StopAsync()
    {
        _stop?.Cancel();
        foreach (var listener in _listeners) listener.Dispose();
        _listeners.Clear();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        StopAsync();
        _stop?.Dispose();
    }
}
