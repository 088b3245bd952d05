using System.Net;
using System.Net.Sockets;
using System.Text;
using GridEdge.Protocol.Hj212;

namespace GridEdge.Edge.Tests.Monitors;

/// <summary>A monitor on loopback: sends frames to the listener and reads its replies (one per CR LF).</summary>
internal sealed class SimulatedMonitor : IAsyncDisposable
{
    private readonly TcpClient _client = new() { NoDelay = true };
    private readonly byte[] _buffer = new byte[1024];
    private int _filled;

    public static async Task<SimulatedMonitor> ConnectAsync(IPEndPoint endpoint)
    {
        var monitor = new SimulatedMonitor();
        await monitor._client.ConnectAsync(endpoint);
        return monitor;
    }

    public NetworkStream Stream => _client.GetStream();

    public Task SendAsync(byte[] bytes) => Stream.WriteAsync(bytes).AsTask();

    /// <summary>The next reply line (without CR LF), or null when the listener closed the connection.</summary>
    public async Task<string?> ReceiveAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var end = _buffer.AsSpan(0, _filled).IndexOf("\r\n"u8);
            if (end >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, 0, end);
                _buffer.AsSpan(end + 2, _filled - end - 2).CopyTo(_buffer);
                _filled -= end + 2;
                return line;
            }
            int n;
            try { n = await Stream.ReadAsync(_buffer.AsMemory(_filled), cts.Token); }
            catch (IOException) { return null; }
            if (n == 0) return null;
            _filled += n;
        }
    }

    /// <summary>A data segment built with the encoder (the protocol tests check its CRCs against independently computed frames).</summary>
    public static byte[] MinuteFrame(string mn, string pw, string qn, string dataTime, double pm25 = 35.2, int flag = 5) => Hj212Encoder.Frame(Hj212Encoder.Segment(
        qn, "22", Hj212Commands.MinuteData, pw, mn, flag,
        $"DataTime={dataTime};a34004-Avg={pm25.ToString(System.Globalization.CultureInfo.InvariantCulture)},a34004-Min=30.1,a34004-Max=40.8,a34004-Flag=N;a34002-Avg=61.0,a34002-Flag=N;a01006-Avg=101.3,a01006-Flag=N;a05024-Avg=63,a05024-Flag=C"));

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
