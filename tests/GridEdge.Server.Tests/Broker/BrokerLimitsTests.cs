using System.Net;
using System.Net.Sockets;
using GridEdge.Server.Broker;
using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;

namespace GridEdge.Server.Tests.Broker;

/// <summary>The embedded broker against hostile clients: oversized packets, floods of connections, silent sockets, other addresses.</summary>
public sealed class BrokerLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fixed header: packet type byte, then the remaining length as MQTT's variable-length integer.</summary>
    private static byte[] FixedHeader(byte type, long remaining)
    {
        var bytes = new List<byte> { type };
        do
        {
            var b = (byte)(remaining % 128);
            remaining /= 128;
            if (remaining > 0) b |= 0x80;
            bytes.Add(b);
        } while (remaining > 0);
        return [.. bytes];
    }

    /// <summary>Reads until the peer closes (0 bytes or a reset); false if it is still open after the timeout.</summary>
    private static async Task<bool> ClosedByPeerAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(timeout);
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                if (await socket.ReceiveAsync(buffer, cts.Token) == 0) return true;
            }
        }
        catch (SocketException) { return true; }
        catch (OperationCanceledException) { return false; }
    }

    private static async Task<Socket> ConnectRawAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port, Ct);
        return socket;
    }

    [Fact(Timeout = 60_000)]
    public async Task A_connect_announcing_256_MB_is_closed_before_anything_is_buffered()
    {
        await using var server = await RunningServer.StartAsync();
        using var socket = await ConnectRawAsync(server.MqttPort);

        await socket.SendAsync(FixedHeader(0x10, 256L * 1024 * 1024), Ct);

        Assert.True(await ClosedByPeerAsync(socket, TimeSpan.FromSeconds(10)));
        Assert.Equal(1, server.Metrics.RefusedCount("packet_size"));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_publish_over_the_limit_from_an_authenticated_gateway_closes_its_connection_and_the_next_connection_works()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:Broker:MaxPacketBytes"] = "1048576" });
        using var gateway = await server.ConnectGatewayAsync("gw-alpha", Ct);

        var big = new MqttApplicationMessageBuilder().WithTopic("gridedge/v1/gw-alpha/up/readings").WithPayload(new byte[2 * 1024 * 1024]).Build();
        await Assert.ThrowsAnyAsync<Exception>(() => gateway.Client.PublishAsync(big, Ct));

        await WaitUntil(() => !gateway.Client.IsConnected);
        Assert.Equal(1, server.Metrics.RefusedCount("packet_size"));
        using var again = await server.ConnectGatewayAsync("gw-alpha", Ct);
        Assert.True(again.Client.IsConnected);
    }

    [Fact(Timeout = 60_000)]
    public async Task Connections_beyond_the_limit_are_closed_at_once_while_a_gateway_still_connects_after_they_go()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:Broker:MaxConnections"] = "5" });
        var idle = new List<Socket>();
        try
        {
            for (var i = 0; i < 5; i++) idle.Add(await ConnectRawAsync(server.MqttPort));
            var broker = server.App.Services.GetRequiredService<EmbeddedBroker>();
            await WaitUntil(() => broker.OpenConnections == 5);

            using var sixth = await ConnectRawAsync(server.MqttPort);
            Assert.True(await ClosedByPeerAsync(sixth, TimeSpan.FromSeconds(10)));
            Assert.Equal(1, server.Metrics.RefusedCount("connections"));

            foreach (var s in idle) s.Dispose();
            await WaitUntil(() => broker.OpenConnections == 0);
            using var gateway = await server.ConnectGatewayAsync("gw-alpha", Ct);
            Assert.True(gateway.Client.IsConnected);
        }
        finally
        {
            foreach (var s in idle) s.Dispose();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_connection_that_never_sends_connect_is_closed_after_the_connect_timeout()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:Broker:ConnectTimeoutSeconds"] = "1" });
        using var silent = await ConnectRawAsync(server.MqttPort);

        Assert.True(await ClosedByPeerAsync(silent, TimeSpan.FromSeconds(15)));
    }

    [Fact(Timeout = 60_000)]
    public async Task With_an_ipv4_host_nothing_listens_on_ipv6()
    {
        if (!Socket.OSSupportsIPv6) Assert.Skip("no IPv6 on this machine");
        await using var server = await RunningServer.StartAsync();
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);

        var refused = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(IPAddress.IPv6Loopback, server.MqttPort, Ct));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task With_localhost_the_broker_listens_on_both_loopback_addresses()
    {
        if (!Socket.OSSupportsIPv6) Assert.Skip("no IPv6 on this machine");
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:Broker:Host"] = "localhost" });

        foreach (var address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(address, server.MqttPort, Ct);
            Assert.True(socket.Connected, $"nothing listens on {address}");
        }
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], GuardedTcpServerAdapter.Addresses("localhost"));
        Assert.Equal([IPAddress.Parse("127.0.0.1")], GuardedTcpServerAdapter.Addresses("127.0.0.1"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void The_guard_follows_packets_split_anywhere_and_refuses_only_the_oversized_one(int chunk)
    {
        var ok = new byte[300];
        var stream = new List<byte>();
        stream.AddRange(FixedHeader(0x30, ok.Length)); stream.AddRange(ok);
        stream.AddRange(FixedHeader(0xC0, 0)); // PINGREQ: no body
        stream.AddRange(FixedHeader(0x30, 1000)); stream.AddRange(new byte[1000]);
        var announced = 0L;
        var guard = new MqttPacketSizeGuard(Stream.Null, 1000, a => announced = a);

        var bytes = stream.ToArray();
        for (var i = 0; i < bytes.Length; i += chunk) guard.Follow(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
        Assert.Equal(0, announced);

        var oversized = FixedHeader(0x30, 1001);
        var error = Assert.Throws<IOException>(() => guard.Follow(oversized));
        Assert.Equal(1001, announced);
        Assert.Contains("Server:Broker:MaxPacketBytes", error.Message, StringComparison.Ordinal);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(15));
        while (!condition()) await Task.Delay(20, cts.Token);
    }
}
