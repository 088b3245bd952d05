using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GridEdge.Integration.Tests.Arm64;

/// <summary>A monitor's TCP connection to a gateway's HJ 212 listener: sends a frame, reads the gateway's reply line.</summary>
public sealed class MonitorConnection(int port, TimeSpan replyTimeout) : IDisposable
{
    private readonly TcpClient _client = new();

    /// <summary>Sends <paramref name="frame"/> and returns the gateway's reply line; throws when the gateway closes the connection first.</summary>
    public async Task<string> SendAsync(byte[] frame, CancellationToken cancellationToken)
    {
        if (!_client.Connected) await _client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        var stream = _client.GetStream();
        await stream.WriteAsync(frame, cancellationToken);
        var buffer = new byte[1024];
        var reply = new StringBuilder();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(replyTimeout);
        while (!reply.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            if (n == 0) throw new IOException("the gateway closed the monitor's connection before answering (its log says why)");
            reply.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return reply.ToString();
    }

    public void Dispose() => _client.Dispose();
}
