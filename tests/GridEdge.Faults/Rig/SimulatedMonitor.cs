using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using GridEdge.Protocol.Hj212;

namespace GridEdge.Faults.Rig;

/// <summary>
/// A dust monitor registered at the gateway (MN and PW of <see cref="FaultGrid.EdgeArguments"/>), speaking HJ 212-2017
/// over one TCP connection: minute data (CN 2051, ack wanted) whose n-th frame has a QN and a DataTime of its own, so the
/// ledger tells every frame apart. Counts every 9014 it reads, whichever frame it answers.
/// </summary>
public sealed class SimulatedMonitor(int port, TimeSpan ackTimeout) : IDisposable
{
    public const string Mn = "FAULT0001DUST01", Pw = "fault1";
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private readonly byte[] _buffer = new byte[64 * 1024];
    private TcpClient? _client;
    private int _filled;

    /// <summary>The minute the frame 0 describes; frame n describes that plus n seconds.</summary>
    public static DateTimeOffset Origin { get; } = Truncate(DateTimeOffset.UtcNow.AddHours(-8).ToOffset(Beijing));

    public long AcksSeen { get; private set; }

    public static string Qn(long n) => new DateTimeOffset(2025, 1, 1, 0, 0, 0, Beijing).AddMilliseconds(n).ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);

    /// <summary>When frame n says its minute data was taken.</summary>
    public static DateTimeOffset DataTime(long n) => Origin.AddSeconds(n);

    /// <summary>The data segment of frame n (PM2.5 only, one reading stored per frame).</summary>
    public static string Segment(long n, string? cp = null) => Hj212Encoder.Segment(Qn(n), "22", Hj212Commands.MinuteData, Pw, Mn, 5,
        cp ?? $"DataTime={DataTime(n):yyyyMMddHHmmss};a34004-Avg={20 + n % 50},a34004-Flag=N");

    public static byte[] Frame(long n) => Hj212Encoder.Frame(Segment(n));

    /// <summary>A valid frame with QN n describing the current second (the fuzz's probe).</summary>
    public static byte[] FrameOfNow(long n) =>
        Hj212Encoder.Frame(Segment(n, $"DataTime={DateTimeOffset.UtcNow.ToOffset(Beijing):yyyyMMddHHmmss};a34004-Avg=35,a34004-Flag=N"));

    public bool Connected => _client?.Connected == true;

    public async Task ConnectAsync(CancellationToken ct)
    {
        Close();
        var client = new TcpClient { NoDelay = true };
        try { await client.ConnectAsync(IPAddress.Loopback, port, ct); }
        catch { client.Dispose(); throw; }
        _client = client;
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct) =>
        await (_client ?? throw new IOException("not connected")).GetStream().WriteAsync(bytes, ct);

    /// <summary>
    /// Sends frame bytes carrying <paramref name="qn"/> and reads replies until its 9014: true when it came, false when
    /// the ack timeout passed first. Throws IOException when the gateway closes or resets the connection.
    /// </summary>
    public async Task<bool> SendAndAwaitAckAsync(ReadOnlyMemory<byte> frame, string qn, CancellationToken ct)
    {
        await SendAsync(frame, ct);
        var stream = _client!.GetStream();
        var wanted = "QN=" + qn + ";";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ackTimeout);
        while (true)
        {
            while (TakeLine() is { } line)
            {
                if (!line.Contains("CN=9014;", StringComparison.Ordinal)) continue;
                AcksSeen++;
                if (line.Contains(wanted, StringComparison.Ordinal)) return true;
            }
            if (_filled == _buffer.Length) _filled = 0; // a reply line longer than the buffer is not one of ours
            int read;
            try { read = await stream.ReadAsync(_buffer.AsMemory(_filled), timeout.Token); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return false; }
            catch (SocketException e) { throw new IOException("the gateway reset the connection", e); }
            if (read == 0) throw new IOException("the gateway closed the connection");
            _filled += read;
        }
    }

    private string? TakeLine()
    {
        var end = _buffer.AsSpan(0, _filled).IndexOf("\r\n"u8);
        if (end < 0) return null;
        var line = Encoding.ASCII.GetString(_buffer, 0, end);
        _buffer.AsSpan(end + 2, _filled - end - 2).CopyTo(_buffer);
        _filled -= end + 2;
        return line;
    }

    private static DateTimeOffset Truncate(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, t.Offset);

    public void Close()
    {
        _client?.Dispose();
        _client = null;
        _filled = 0;
    }

    public void Dispose() => Close();
}
