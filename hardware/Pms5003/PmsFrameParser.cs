using System.Buffers.Binary;

namespace GridEdge.Hardware.Pms5003;

/// <summary>What one call to <see cref="PmsFrameParser.Parse"/> found.</summary>
public enum PmsParseResult
{
    /// <summary>The input was used up without completing a frame.</summary>
    NeedMoreData,
    /// <summary>A data frame with a matching checksum.</summary>
    Frame,
    /// <summary>The sensor's 8-byte answer to a command (PMS5003/7003 answer mode changes this way).</summary>
    Acknowledgement,
    /// <summary>A complete frame whose checksum did not match its bytes.</summary>
    ChecksumMismatch,
    /// <summary>Start bytes followed by a length field that is neither 28 (data) nor 4 (acknowledgement).</summary>
    BadLength,
    /// <summary>A frame cut short: another frame's start bytes appeared inside it.</summary>
    TornFrame,
    /// <summary>From <see cref="PmsFrameParser.Flush"/>: the input ended in the middle of a frame.</summary>
    Truncated,
    /// <summary>From <see cref="PmsFrameParser.Flush"/>: the input ended with bytes that were no frame at all.</summary>
    Skipped,
}

/// <summary>Running totals of a <see cref="PmsFrameParser"/>.</summary>
public readonly record struct PmsParserCounters(long Frames, long ChecksumErrors, long TornFrames, long LengthErrors, long Resyncs, long BytesSkipped, long BytesRead);

/// <summary>
/// Finds PMSx003 frames in a byte stream: checks start bytes, length and checksum, and resynchronises after garbage,
/// torn or corrupt frames. One fixed 32-byte buffer; no allocation per frame.
/// </summary>
/// <remarks>
/// Call <see cref="Parse"/> repeatedly with the same input span until it returns <see cref="PmsParseResult.NeedMoreData"/>;
/// every other result describes one event at <see cref="EventOffset"/>. Bytes that were no part of any frame are reported
/// with the next event in <see cref="SkippedBytes"/>/<see cref="SkippedOffset"/>.
/// </remarks>
public sealed class PmsFrameParser
{
    private const int ReplayCapacity = 2 * PmsProtocol.DataFrameLength;
    private readonly byte[] _buffer = new byte[PmsProtocol.DataFrameLength];
    // Bytes already consumed that must be looked at again after a torn frame or bad header (they may start the next frame).
    private readonly byte[] _replay = new byte[ReplayCapacity];
    private int _replayCount, _replayPosition;
    private long _replayOffset;
    private int _count;
    private int _expected;
    private long _bufferOffset;
    private long _position;
    private long _pendingSkipOffset = -1;
    private int _pendingSkipCount;
    private long _frames, _checksumErrors, _tornFrames, _lengthErrors, _resyncs, _bytesSkipped;

    /// <summary>Creates a parser for the given model (it decides how words 11-12 are read).</summary>
    public PmsFrameParser(PmsModel model = PmsModel.Pms5003) => Model = model;

    /// <summary>The configured model.</summary>
    public PmsModel Model { get; }

    /// <summary>Byte offset, from the first byte ever given to this parser, of the frame or error last reported.</summary>
    public long EventOffset { get; private set; }
    /// <summary>How many bytes the frame or error last reported spans.</summary>
    public int EventLength { get; private set; }
    /// <summary>Bytes skipped as garbage just before the event last reported (0 when none).</summary>
    public int SkippedBytes { get; private set; }
    /// <summary>Offset of the first of <see cref="SkippedBytes"/>.</summary>
    public long SkippedOffset { get; private set; }
    /// <summary>For <see cref="PmsParseResult.ChecksumMismatch"/>: the checksum the frame carried.</summary>
    public ushort StatedChecksum { get; private set; }
    /// <summary>For <see cref="PmsParseResult.ChecksumMismatch"/>: the sum of the frame's bytes.</summary>
    public ushort ComputedChecksum { get; private set; }
    /// <summary>For <see cref="PmsParseResult.BadLength"/>: the length field found.</summary>
    public ushort LengthField { get; private set; }
    /// <summary>For <see cref="PmsParseResult.Acknowledgement"/>: the command answered.</summary>
    public PmsCommand AcknowledgedCommand { get; private set; }
    /// <summary>For <see cref="PmsParseResult.Acknowledgement"/>: the data byte answered.</summary>
    public byte AcknowledgedData { get; private set; }

    /// <summary>Totals since this parser was created.</summary>
    public PmsParserCounters Counters => new(_frames, _checksumErrors, _tornFrames, _lengthErrors, _resyncs, _bytesSkipped, _position);

    /// <summary>Consumes bytes from <paramref name="input"/> up to and including the next event, and reports it.</summary>
    public PmsParseResult Parse(ref ReadOnlySpan<byte> input, out PmsFrame frame)
    {
        frame = default;
        while (true)
        {
            byte b;
            long offset;
            if (_replayPosition < _replayCount)
            {
                b = _replay[_replayPosition];
                offset = _replayOffset + _replayPosition;
                _replayPosition++;
            }
            else if (!input.IsEmpty)
            {
                if (_count == 0)
                {
                    var start = input.IndexOf(PmsProtocol.StartByte1);
                    var garbage = start < 0 ? input.Length : start;
                    Skip(_position, garbage);
                    Consume(ref input, garbage);
                    if (start < 0) return PmsParseResult.NeedMoreData;
                }
                else if (_count >= 4 && _count < _expected - 1)
                {
                    // Inside a frame whose header checked out: copy all but its last byte in one go.
                    var take = Math.Min(_expected - 1 - _count, input.Length);
                    input[..take].CopyTo(_buffer.AsSpan(_count));
                    _count += take;
                    Consume(ref input, take);
                    continue;
                }
                b = input[0];
                offset = _position;
                Consume(ref input, 1);
            }
            else
            {
                return PmsParseResult.NeedMoreData;
            }

            var result = Step(b, offset, out frame);
            if (result != PmsParseResult.NeedMoreData) return result;
        }
    }

    /// <summary>At the end of the input: reports a partial frame or trailing garbage, then forgets both.</summary>
    public PmsParseResult Flush()
    {
        if (_replayPosition < _replayCount)
        {
            // Bytes kept for another look can only be a partial frame or garbage; let the state machine sort them first.
            ReadOnlySpan<byte> none = default;
            var result = Parse(ref none, out _);
            if (result != PmsParseResult.NeedMoreData) return result;
        }
        if (_count > 0)
        {
            BeginEvent(_bufferOffset, _count);
            _resyncs++;
            _count = 0;
            return PmsParseResult.Truncated;
        }
        if (_pendingSkipCount > 0)
        {
            BeginEvent(_position, 0);
            return PmsParseResult.Skipped;
        }
        return PmsParseResult.NeedMoreData;
    }

    /// <summary>Forgets any partial frame, e.g. after the port was reopened. Counters are kept.</summary>
    public void Reset()
    {
        _count = 0;
        _replayCount = _replayPosition = 0;
        _pendingSkipCount = 0;
        _pendingSkipOffset = -1;
    }

    private PmsParseResult Step(byte b, long offset, out PmsFrame frame)
    {
        frame = default;
        if (_count == 0)
        {
            if (b == PmsProtocol.StartByte1) { _buffer[0] = b; _count = 1; _bufferOffset = offset; }
            else Skip(offset, 1);
            return PmsParseResult.NeedMoreData;
        }
        if (_count == 1)
        {
            if (b == PmsProtocol.StartByte2) { _buffer[1] = b; _count = 2; _expected = 4; return PmsParseResult.NeedMoreData; }
            // The 0x42 was not a start after all: garbage; this byte is looked at afresh.
            Skip(_bufferOffset, 1);
            _count = 0;
            return Step(b, offset, out frame);
        }

        _buffer[_count++] = b;
        if (_count < _expected) return PmsParseResult.NeedMoreData;

        if (_expected == 4)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(2));
            if (length == PmsProtocol.DataFrameLengthField) { _expected = PmsProtocol.DataFrameLength; return PmsParseResult.NeedMoreData; }
            if (length == PmsProtocol.AcknowledgementLengthField) { _expected = PmsProtocol.AcknowledgementFrameLength; return PmsParseResult.NeedMoreData; }
            LengthField = length;
            _lengthErrors++;
            BeginEvent(_bufferOffset, 2);
            ReplayFrom(2);
            return PmsParseResult.BadLength;
        }

        var body = _buffer.AsSpan(0, _expected);
        var stated = BinaryPrimitives.ReadUInt16BigEndian(body[^2..]);
        var computed = PmsProtocol.Sum(body[..^2]);
        if (stated == computed)
        {
            BeginEvent(_bufferOffset, _expected);
            _count = 0;
            if (_expected == PmsProtocol.DataFrameLength)
            {
                frame = PmsFrame.Decode(body, Model);
                _frames++;
                return PmsParseResult.Frame;
            }
            AcknowledgedCommand = (PmsCommand)body[4];
            AcknowledgedData = body[5];
            return PmsParseResult.Acknowledgement;
        }

        StatedChecksum = stated;
        ComputedChecksum = computed;
        var next = NextStart(body, 2);
        if (next > 0)
        {
            _tornFrames++;
            BeginEvent(_bufferOffset, next);
            ReplayFrom(next);
            return PmsParseResult.TornFrame;
        }
        _checksumErrors++;
        _resyncs++;
        BeginEvent(_bufferOffset, _expected);
        _count = 0;
        return PmsParseResult.ChecksumMismatch;
    }

    // The buffered bytes from 'from' on are looked at again, ahead of any bytes not yet replayed.
    private void ReplayFrom(int from)
    {
        _resyncs++;
        var tail = _count - from;
        var remaining = _replayCount - _replayPosition;
        Span<byte> scratch = stackalloc byte[ReplayCapacity];
        _buffer.AsSpan(from, tail).CopyTo(scratch);
        _replay.AsSpan(_replayPosition, remaining).CopyTo(scratch[tail..]);
        scratch[..(tail + remaining)].CopyTo(_replay);
        _replayOffset = _bufferOffset + from;
        _replayPosition = 0;
        _replayCount = tail + remaining;
        _count = 0;
    }

    private void BeginEvent(long offset, int length)
    {
        EventOffset = offset;
        EventLength = length;
        SkippedBytes = _pendingSkipCount;
        SkippedOffset = _pendingSkipCount > 0 ? _pendingSkipOffset : -1;
        _pendingSkipCount = 0;
        _pendingSkipOffset = -1;
    }

    // A start is 0x42 followed by 0x4D, or a lone 0x42 as the last buffered byte (its 0x4D may still come).
    private static int NextStart(ReadOnlySpan<byte> bytes, int from)
    {
        for (var i = from; i < bytes.Length; i++)
        {
            if (bytes[i] != PmsProtocol.StartByte1) continue;
            if (i == bytes.Length - 1 || bytes[i + 1] == PmsProtocol.StartByte2) return i;
        }
        return -1;
    }

    private void Skip(long offset, int n)
    {
        if (n == 0) return;
        if (_pendingSkipCount == 0) { _pendingSkipOffset = offset; _resyncs++; }
        _pendingSkipCount += n;
        _bytesSkipped += n;
    }

    private void Consume(ref ReadOnlySpan<byte> input, int n)
    {
        input = input[n..];
        _position += n;
    }
}
