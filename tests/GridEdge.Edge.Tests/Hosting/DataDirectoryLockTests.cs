using System.Net;
using System.Net.Sockets;
using GridEdge.Edge.Hosting;
using GridEdge.Edge.Tests.Monitors;

namespace GridEdge.Edge.Tests.Hosting;

/// <summary>What stops two gateways from sharing one data directory or one HJ 212 port.</summary>
public sealed class DataDirectoryLockTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_held_directory_is_refused_naming_its_holder_and_is_free_again_once_released()
    {
        var held = DataDirectoryLock.Acquire(_temp.Path);

        var refused = Assert.Throws<DataDirectoryInUseException>(() => DataDirectoryLock.Acquire(_temp.Path));
        Assert.Contains($"pid {Environment.ProcessId}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Edge:DataDirectory", refused.Message, StringComparison.Ordinal);

        held.Dispose();
        using var again = DataDirectoryLock.Acquire(_temp.Path);
        Assert.Equal(Path.GetFullPath(_temp.Path), again.Directory);
    }

    [Fact]
    public async Task The_hj212_listener_refuses_a_port_another_socket_listens_on()
    {
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        other.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        other.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        other.Listen();
        var port = ((IPEndPoint)other.LocalEndPoint!).Port;

        var error = await Assert.ThrowsAsync<SocketException>(async () =>
        {
            await using var fixture = await ListenerFixture.StartAsync(o => o.Port = port);
        });
        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }
}
