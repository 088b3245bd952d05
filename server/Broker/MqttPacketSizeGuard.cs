namespace GridEdge.Server.Broker;

/// <summary>
/// A read-side wrapper of a client's stream that follows the MQTT packet framing (one fixed-header byte, a remaining
/// length of 1-4 variable-length bytes, then the body) and fails the read as soon as a fixed header announces a packet
/// larger than the limit, before the broker has buffered any of it. MQTTnet allocates the whole body of a packet once it
/// has read its length, so without this a CONNECT or PUBLISH declaring 256 MB costs 256 MB before authentication.
/// </summary>
public sealed class MqttPacketSizeGuard(Stream inner, int maxPacketBytes, Action<long> onOversize) : Stream
{
    private enum State { TypeByte, Length, Body }

    private State _state = State.TypeByte;
    private long _length;
    private int _shift;
    private long _bodyLeft;

    /// <summary>The largest remaining length the MQTT encoding can express (4 bytes of 7 bits).</summary>
    private const long MaxEncodable = 268_435_455;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Follow(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        Follow(buffer.AsSpan(offset, n));
        return n;
    }

    /// <summary>Moves the framing state over the bytes just read; throws when a length over the limit completes.</summary>
    internal void Follow(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            switch (_state)
            {
                case State.TypeByte:
                    _state = State.Length;
                    _length = 0;
                    _shift = 0;
                    i++;
                    break;
                case State.Length:
                    var b = bytes[i++];
                    _length |= (long)(b & 0x7F) << _shift;
                    _shift += 7;
                    if ((b & 0x80) != 0)
                    {
                        if (_shift >= 28) Refuse(MaxEncodable + 1);
                        break;
                    }
                    if (_length > maxPacketBytes) Refuse(_length);
                    _bodyLeft = _length;
                    _state = _bodyLeft == 0 ? State.TypeByte : State.Body;
                    break;
                case State.Body:
                    var take = (int)Math.Min(_bodyLeft, bytes.Length - i);
                    i += take;
                    _bodyLeft -= take;
                    if (_bodyLeft == 0) _state = State.TypeByte;
                    break;
            }
        }
    }

    private void Refuse(long announced)
    {
        onOversize(announced);
        throw new IOException($"MQTT packet of {announced} bytes announced; at most {maxPacketBytes} are accepted (Server:Broker:MaxPacketBytes)");
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
