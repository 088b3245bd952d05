using System.Buffers.Binary;
using GridEdge.Hardware.Pms5003;

namespace GridEdge.Hardware.Simulation;

/// <summary>Builds valid PMSx003 data frames from values, so simulated dust goes through the real parser.</summary>
public static class PmsFrameWriter
{
    /// <summary>Encodes <paramref name="frame"/> as a 32-byte data frame (standard or PMS5003T layout by its <see cref="PmsFrame.Layout"/>) with a correct checksum.</summary>
    public static int Write(Span<byte> destination, in PmsFrame frame)
    {
        if (destination.Length < PmsProtocol.DataFrameLength)
            throw new ArgumentException($"A PMS data frame needs {PmsProtocol.DataFrameLength} bytes; the destination has {destination.Length}.", nameof(destination));
        destination[0] = PmsProtocol.StartByte1;
        destination[1] = PmsProtocol.StartByte2;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], PmsProtocol.DataFrameLengthField);
        var t = frame.Layout == PmsFrameLayout.Pms5003T;
        ReadOnlySpan<ushort> words =
        [
            frame.Pm1_0Cf1, frame.Pm2_5Cf1, frame.Pm10Cf1, frame.Pm1_0Atmospheric, frame.Pm2_5Atmospheric, frame.Pm10Atmospheric,
            frame.Particles0_3um, frame.Particles0_5um, frame.Particles1_0um, frame.Particles2_5um,
            t ? (ushort)(short)Math.Round((frame.TemperatureCelsius ?? 0) * 10) : frame.Particles5_0um ?? 0,
            t ? (ushort)Math.Round((frame.RelativeHumidity ?? 0) * 10) : frame.Particles10um ?? 0,
        ];
        for (var i = 0; i < words.Length; i++) BinaryPrimitives.WriteUInt16BigEndian(destination[(PmsProtocol.FirstDataWordOffset + 2 * i)..], words[i]);
        destination[28] = frame.Version;
        destination[29] = frame.ErrorCode;
        BinaryPrimitives.WriteUInt16BigEndian(destination[PmsProtocol.ChecksumOffset..], PmsProtocol.Sum(destination[..PmsProtocol.ChecksumOffset]));
        return PmsProtocol.DataFrameLength;
    }

    /// <summary>A 32-byte frame for the given values.</summary>
    public static byte[] ToBytes(in PmsFrame frame)
    {
        var bytes = new byte[PmsProtocol.DataFrameLength];
        Write(bytes, frame);
        return bytes;
    }

    /// <summary>
    /// A plausible standard frame for atmospheric PM1.0/PM2.5/PM10: CF=1 values equal below 30 µg/m³ and higher above (as
    /// the sensor reports), and particle counts in the proportions real captures show.
    /// </summary>
    public static PmsFrame FromMass(double pm1, double pm2_5, double pm10)
    {
        static ushort U(double v) => (ushort)Math.Clamp(Math.Round(v), 0, ushort.MaxValue);
        static double Cf1(double atm) => atm <= 30 ? atm : 30 + (atm - 30) * 1.5;
        var n03 = Math.Max(pm2_5 * 60 + pm10 * 10, pm2_5 > 0 || pm10 > 0 ? 1 : 0);
        return new PmsFrame
        {
            Pm1_0Cf1 = U(Cf1(pm1)), Pm2_5Cf1 = U(Cf1(pm2_5)), Pm10Cf1 = U(Cf1(pm10)),
            Pm1_0Atmospheric = U(pm1), Pm2_5Atmospheric = U(pm2_5), Pm10Atmospheric = U(pm10),
            Particles0_3um = U(n03), Particles0_5um = U(n03 / 3), Particles1_0um = U(n03 / 5), Particles2_5um = U(n03 / 8),
            Particles5_0um = U(Math.Max(0, pm10 - pm2_5) * 0.5), Particles10um = U(Math.Max(0, pm10 - pm2_5) * 0.2),
            Version = 0x97,
            Layout = PmsFrameLayout.Standard,
        };
    }
}

/// <summary>
/// A PMS5003 on a serial line, simulated: in active mode a frame every interval from <c>nextFrame</c>; answers the
/// mode, passive-read and sleep/wake commands written to it as the real sensor does.
/// </summary>
public sealed class SimulatedPms5003Stream : Stream
{
    private readonly Func<PmsFrame> _nextFrame;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Queue<byte> _pending = new();
    private readonly byte[] _frame = new byte[PmsProtocol.DataFrameLength];
    private readonly List<byte> _commandBytes = [];
    private bool _passive;
    private bool _sleeping;
    private bool _disposed;

    /// <summary>Creates the simulated sensor.</summary>
    /// <param name="nextFrame">Called for each frame sent; <see cref="PmsFrameWriter.FromMass"/> builds realistic ones.</param>
    /// <param name="interval">Time between frames in active mode (the real sensor: about 1 s).</param>
    /// <param name="timeProvider">Clock for the interval.</param>
    public SimulatedPms5003Stream(Func<PmsFrame> nextFrame, TimeSpan? interval = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(nextFrame);
        _nextFrame = nextFrame;
        _interval = interval ?? TimeSpan.FromSeconds(1);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Simulates a pulled cable: no more bytes until set back to false.</summary>
    public bool Unplugged { get; set; }

    /// <summary>Whether the simulated sensor is in passive mode.</summary>
    public bool IsPassive { get { lock (_gate) return _passive; } }
    /// <summary>Whether the simulated sensor sleeps.</summary>
    public bool IsSleeping { get { lock (_gate) return _sleeping; } }

    public override bool CanRead => !_disposed;
    public override bool CanWrite => !_disposed;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            bool streaming;
            lock (_gate)
            {
                if (_pending.Count > 0 && !Unplugged)
                {
                    var n = Math.Min(buffer.Length, _pending.Count);
                    for (var i = 0; i < n; i++) buffer.Span[i] = _pending.Dequeue();
                    return n;
                }
                streaming = !_passive && !_sleeping;
            }
            if (streaming)
            {
                await Task.Delay(_interval, _time, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    if (!_passive && !_sleeping && !Unplugged) EnqueueFrame();
                }
            }
            else
            {
                await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            foreach (var b in buffer)
            {
                _commandBytes.Add(b);
                if (_commandBytes.Count > PmsProtocol.CommandLength) _commandBytes.RemoveAt(0);
                if (_commandBytes.Count == PmsProtocol.CommandLength
                    && PmsProtocol.TryReadCommand([.. _commandBytes], out var command, out var data))
                {
                    _commandBytes.Clear();
                    Execute(command, data);
                }
            }
        }
        _signal.Release();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        if (disposing) _signal.Release();
        base.Dispose(disposing);
    }

    // Under _gate.
    private void Execute(PmsCommand command, ushort data)
    {
        switch (command)
        {
            case PmsCommand.ChangeMode:
                _passive = (data & 0xFF) == 0;
                EnqueueAcknowledgement(command, (byte)data);
                break;
            case PmsCommand.ReadPassive when _passive && !_sleeping:
                EnqueueFrame();
                break;
            case PmsCommand.SleepWake:
                _sleeping = (data & 0xFF) == 0;
                break;
        }
    }

    private void EnqueueFrame()
    {
        PmsFrameWriter.Write(_frame, _nextFrame());
        foreach (var b in _frame) _pending.Enqueue(b);
    }

    // PMS5003/7003 answer a mode change with 42 4D 00 04 <cmd> <data> <checksum>.
    private void EnqueueAcknowledgement(PmsCommand command, byte data)
    {
        Span<byte> ack = [PmsProtocol.StartByte1, PmsProtocol.StartByte2, 0x00, 0x04, (byte)command, data, 0, 0];
        BinaryPrimitives.WriteUInt16BigEndian(ack[6..], PmsProtocol.Sum(ack[..6]));
        foreach (var b in ack) _pending.Enqueue(b);
    }
}
