namespace GridEdge.Hardware.Simulation;

/// <summary>
/// A read-only stream that replays captured serial bytes, as a serial port would deliver them: optionally looping,
/// optionally paced (a chunk every interval, by the given <see cref="TimeProvider"/>).
/// </summary>
public sealed class ReplaySerialStream : Stream
{
    private readonly ReadOnlyMemory<byte> _capture;
    private readonly bool _loop;
    private readonly int _chunkSize;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private int _position;
    private bool _disposed;

    /// <summary>Creates the replay.</summary>
    /// <param name="capture">The bytes to replay.</param>
    /// <param name="loop">Start again at the end instead of reporting end of stream.</param>
    /// <param name="chunkSize">Most bytes one read returns (a UART driver hands over small chunks).</param>
    /// <param name="interval">Wait this long before each chunk (zero: no pacing). At 9600 baud 32 bytes take 33 ms.</param>
    /// <param name="timeProvider">Clock for pacing.</param>
    public ReplaySerialStream(ReadOnlyMemory<byte> capture, bool loop = false, int chunkSize = 64, TimeSpan interval = default, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        if (loop && capture.IsEmpty) throw new ArgumentException("A looping replay needs at least one byte.", nameof(capture));
        _capture = capture;
        _loop = loop;
        _chunkSize = chunkSize;
        _interval = interval;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Bytes handed out so far, across loops.</summary>
    public long BytesDelivered { get; private set; }

    public override bool CanRead => !_disposed;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_interval > TimeSpan.Zero) Task.Delay(_interval, _time).GetAwaiter().GetResult();
        return Take(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_interval > TimeSpan.Zero) await Task.Delay(_interval, _time, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return Take(buffer.Span);
    }

    private int Take(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty) return 0;
        if (_position >= _capture.Length)
        {
            if (!_loop) return 0;
            _position = 0;
        }
        var n = Math.Min(Math.Min(buffer.Length, _chunkSize), _capture.Length - _position);
        _capture.Span.Slice(_position, n).CopyTo(buffer);
        _position += n;
        BytesDelivered += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A replayed capture cannot be written to.");

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }
}
