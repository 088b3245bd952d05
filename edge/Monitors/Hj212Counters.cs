namespace GridEdge.Edge.Monitors;

/// <summary>What the HJ 212 listener has seen since start. Thread-safe; read with <see cref="Snapshot"/>.</summary>
public sealed class Hj212Counters
{
    private long _accepted, _refused, _open, _frames, _acks, _readings, _duplicates, _lengthErrors, _crcErrors, _fieldErrors, _garbageBytes,
        _unknownMn, _wrongPw, _idle, _frameTimeouts, _trickling, _garbageClosed, _splitCompleted, _splitRefused, _unknownFlags, _otherCommands,
        _timeCalibrations, _appendFailures, _conformanceWarnings, _unphysical, _farOffDataTimes;

    internal void ConnectionAccepted() { Interlocked.Increment(ref _accepted); Interlocked.Increment(ref _open); }
    internal void ConnectionClosed() => Interlocked.Decrement(ref _open);
    internal void ConnectionRefused() => Interlocked.Increment(ref _refused);
    internal void FrameAccepted() => Interlocked.Increment(ref _frames);
    internal void AckSent() => Interlocked.Increment(ref _acks);
    internal void ReadingsStored(int n) => Interlocked.Add(ref _readings, n);
    internal void Duplicate() => Interlocked.Increment(ref _duplicates);
    internal void LengthError() => Interlocked.Increment(ref _lengthErrors);
    internal void CrcError() => Interlocked.Increment(ref _crcErrors);
    internal void FieldError() => Interlocked.Increment(ref _fieldErrors);
    internal void Garbage(int n) => Interlocked.Add(ref _garbageBytes, n);
    internal void UnknownMn() => Interlocked.Increment(ref _unknownMn);
    internal void WrongPassword() => Interlocked.Increment(ref _wrongPw);
    internal void IdleClosed() => Interlocked.Increment(ref _idle);
    internal void FrameTimeout() => Interlocked.Increment(ref _frameTimeouts);
    internal void Trickling() => Interlocked.Increment(ref _trickling);
    internal void GarbageClosed() => Interlocked.Increment(ref _garbageClosed);
    internal void SplitCompleted() => Interlocked.Increment(ref _splitCompleted);
    internal void SplitRefused() => Interlocked.Increment(ref _splitRefused);
    internal void UnknownFlags(int n) => Interlocked.Add(ref _unknownFlags, n);
    internal void OtherCommand() => Interlocked.Increment(ref _otherCommands);
    internal void TimeCalibration() => Interlocked.Increment(ref _timeCalibrations);
    internal void AppendFailure() => Interlocked.Increment(ref _appendFailures);
    internal void ConformanceWarning() => Interlocked.Increment(ref _conformanceWarnings);
    internal void Unphysical(int n) => Interlocked.Add(ref _unphysical, n);
    internal void FarOffDataTime() => Interlocked.Increment(ref _farOffDataTimes);

    public Hj212CountersSnapshot Snapshot() => new(
        Read(_accepted), Read(_refused), Read(_open), Read(_frames), Read(_acks), Read(_readings), Read(_duplicates), Read(_lengthErrors), Read(_crcErrors),
        Read(_fieldErrors), Read(_garbageBytes), Read(_unknownMn), Read(_wrongPw), Read(_idle), Read(_frameTimeouts), Read(_trickling), Read(_garbageClosed),
        Read(_splitCompleted), Read(_splitRefused), Read(_unknownFlags), Read(_otherCommands), Read(_timeCalibrations), Read(_appendFailures),
        Read(_conformanceWarnings), Read(_unphysical), Read(_farOffDataTimes));

    private static long Read(long value) => Interlocked.Read(ref value);
}

/// <summary>
/// The listener's counters at one moment. <c>ConformanceWarnings</c>: accepted frames that broke the standard in a way the
/// listener reads anyway (per monitor in <see cref="MonitorDirectory"/>). <c>UnphysicalValues</c>: readings stored with the
/// fault flag because no atmosphere could hold their value. <c>FarOffDataTimes</c>: data frames whose DataTime lay far from
/// the gateway's clock (Edge:Alerts:MaxFutureSkewMinutes, MaxAgeDays), stored with clock quality unsynchronised and not
/// judged by the alert engine (per monitor in <see cref="MonitorDirectory"/>).
/// </summary>
public sealed record Hj212CountersSnapshot(
    long ConnectionsAccepted, long ConnectionsRefused, long ConnectionsOpen, long FramesAccepted, long AcksSent, long ReadingsStored, long DuplicatesIgnored,
    long LengthErrors, long CrcErrors, long FieldErrors, long GarbageBytes, long UnknownMn, long WrongPassword, long IdleClosed, long FrameTimeouts,
    long TricklingClosed, long GarbageClosed, long SplitCompleted, long SplitRefused, long UnknownFlags, long OtherCommands, long TimeCalibrations,
    long AppendFailures, long ConformanceWarnings, long UnphysicalValues, long FarOffDataTimes);
