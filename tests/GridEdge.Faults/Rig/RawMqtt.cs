using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GridEdge.Faults.Rig;

/// <summary>MQTT 3.1.1 packets written by hand, to say what no client library would: lengths it never sends, and nothing at all.</summary>
public static class RawMqtt
{
    /// <summary>The largest length MQTT's variable-length integer can declare (256 MB - 1).</summary>
    public const int MaxRemainingLength = 268_435_455;

    public static byte[] RemainingLength(int length)
    {
        var bytes = new List<byte>(4);
        do
        {
            var b = (byte)(length % 128);
            length /= 128;
            if (length > 0) b |= 0x80;
            bytes.Add(b);
        } while (length > 0);
        return [.. bytes];
    }

    /// <summary>A complete CONNECT with username and password (client id = username, as the broker requires), clean session.</summary>
    public static byte[] Connect(string username, string password)
    {
        var body = new List<byte>();
        body.AddRange(Str("MQTT"));
        body.Add(4); // protocol level 3.1.1
        body.Add(0xC2); // username, password, clean session
        body.AddRange([0, 60]); // keep-alive
        body.AddRange(Str(username));
        body.AddRange(Str(username));
        body.AddRange(Str(password));
        return [0x10, .. RemainingLength(body.Count), .. body];
    }

    /// <summary>The fixed header of a CONNECT declaring <paramref name="length"/> bytes to come.</summary>
    public static byte[] ConnectHeader(int length) => [0x10, .. RemainingLength(length)];

    /// <summary>The fixed header and topic of a QoS 0 PUBLISH whose whole packet declares <paramref name="length"/> bytes.</summary>
    public static byte[] PublishHeader(string topic, int length) => [0x30, .. RemainingLength(length), .. Str(topic)];

    private static byte[] Str(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        return [(byte)(b.Length >> 8), (byte)b.Length, .. b];
    }

    /// <summary>Writes zeros after <paramref name="header"/> until <paramref name="total"/> bytes went or the broker closed or stopped reading.</summary>
    public static async Task<(long Written, string Outcome)> StreamAsync(NetworkStream stream, byte[] header, long total, CancellationToken ct)
    {
        var chunk = new byte[64 * 1024];
        long written = 0;
        try
        {
            await stream.WriteAsync(header, ct);
            written = header.Length;
            while (written < total)
            {
                using var stalled = CancellationTokenSource.CreateLinkedTokenSource(ct);
                stalled.CancelAfter(TimeSpan.FromSeconds(5));
                var n = (int)Math.Min(chunk.Length, total - written);
                await stream.WriteAsync(chunk.AsMemory(0, n), stalled.Token);
                written += n;
            }
            return (written, "all sent");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return (written, "stalled (the broker stopped reading)"); }
        catch (Exception e) when (e is IOException or SocketException) { return (written, "closed by the broker"); }
    }

    /// <summary>Whether the peer closed (or reset) the connection; a socket with nothing to read and still open is not closed.</summary>
    public static bool ClosedByPeer(TcpClient client)
    {
        try
        {
            var socket = client.Client;
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { return true; }
    }

    public static async Task<TcpClient> OpenAsync(int port, CancellationToken ct)
    {
        var client = new TcpClient { NoDelay = true };
        try { await client.ConnectAsync(IPAddress.Loopback, port, ct); }
        catch { client.Dispose(); throw; }
        return client;
    }
}
