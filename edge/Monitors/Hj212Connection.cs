using System.Net.Sockets;
using GridEdge.Edge.Outbox;
using GridEdge.Protocol.Hj212;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Logging;

namespace GridEdge.Edge.Monitors;

/// <summary>One monitor's TCP connection: framing, authentication, split packets, readings into the outbox, replies.</summary>
internal sealed class Hj212Connection : IDisposable
{
    private const int LoudErrorsPerConnection = 3;
    private const string DedupeNamespace = "hj212";
    private static readonly TimeSpan TrickleGrace = TimeSpan.FromSeconds(2);

    private readonly Hj212Listener _listener;
    private readonly Hj212Options _options;
    private readonly Hj212Counters _counters;
    private readonly Socket _socket;
    private readonly TimeProvider _time;
    private readonly List<Reading> _readings = [];
    private Hj212SplitAssembler? _splits;
    private int _loudErrors;

    public Hj212Connection(Hj212Listener listener, Socket socket)
    {
        _listener = listener;
        _options = listener.Options;
        _counters = listener.Counters;
        _socket = socket;
        _time = listener.Time;
        Remote = socket.RemoteEndPoint?.ToString() ?? "?";
    }

    public string Remote { get; }

    public async Task RunAsync(CancellationToken stop)
    {
        var buffer = new byte[Hj212Framing.BufferSize(_options.MaxFrameLength)];
        var filled = 0;
        var lastFrame = _time.GetTimestamp();
        long frameStart = 0;
        long frameBytes = 0;
        var authenticated = false;
        var garbageRun = 0;
        // One token per connection for every receive: the host stopping, or the frame, idle or auth time running out (the
        // timer), re-armed after each receive by TryReset. It is linked to stop itself: TryReset drops every registration
        // on the source it resets, so a source linked to a reset one would stop hearing of it after the first receive.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var expiry = _time.CreateTimer(static source => Expire((CancellationTokenSource)source!), timeout, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        while (true)
        {
            var (limit, reason) = filled > 0
                ? (TimeSpan.FromSeconds(_options.FrameTimeoutSeconds) - _time.GetElapsedTime(frameStart), "frame")
                : (TimeSpan.FromSeconds(authenticated ? _options.IdleTimeoutSeconds : _options.AuthTimeoutSeconds) - _time.GetElapsedTime(lastFrame), authenticated ? "idle" : "auth");
            if (limit <= TimeSpan.Zero) { TimedOut(reason); return; }
            expiry.Change(limit, Timeout.InfiniteTimeSpan);
            int n;
            try
            {
                n = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                TimedOut(reason);
                return;
            }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { return; }
            expiry.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (!timeout.TryReset())
            {
                if (!stop.IsCancellationRequested) TimedOut(reason);
                return;
            }
            if (n == 0) return;
            if (filled == 0) { frameStart = _time.GetTimestamp(); frameBytes = 0; }
            filled += n;
            frameBytes += n;

            while (filled > 0)
            {
                var status = Hj212Framing.TryReadFrame(buffer.AsSpan(0, filled), _options.MaxFrameLength, out var frame, out var consumed, out var skipped, out var error);
                if (skipped > 0)
                {
                    _counters.Garbage(skipped);
                    garbageRun += skipped;
                }
                if (status == Hj212FrameStatus.Invalid)
                {
                    if (error!.Kind == Hj212ErrorKind.Crc) _counters.CrcError(); else _counters.LengthError();
                    Complain(error);
                    garbageRun += consumed - skipped;
                }
                var keep = true;
                if (status == Hj212FrameStatus.Frame)
                {
                    garbageRun = 0;
                    lastFrame = _time.GetTimestamp();
                    var outcome = await HandleFrameAsync(buffer.AsMemory(frame.DataOffset, frame.DataLength), stop).ConfigureAwait(false);
                    if (outcome == FrameOutcome.Close) return;
                    if (outcome == FrameOutcome.Authenticated) authenticated = true;
                }
                else if (status == Hj212FrameStatus.NeedMoreData) keep = false;
                if (consumed > 0)
                {
                    buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                    filled -= consumed;
                    if (status != Hj212FrameStatus.NeedMoreData) { frameStart = _time.GetTimestamp(); frameBytes = filled; }
                }
                if (!keep) break;
            }
            if (garbageRun > _options.MaxGarbageBytes)
            {
                _counters.GarbageClosed();
                _listener.Logger.LogWarning("HJ 212 connection from {Remote} closed: {Bytes} bytes in a row that are no frame ({Key})", Remote, garbageRun,
                    $"{Hj212Options.Section}:MaxGarbageBytes");
                return;
            }
            if (filled > 0 && _options.MinBytesPerSecond > 0)
            {
                var elapsed = _time.GetElapsedTime(frameStart);
                if (elapsed >= TrickleGrace && frameBytes < _options.MinBytesPerSecond * elapsed.TotalSeconds)
                {
                    _counters.Trickling();
                    _listener.Logger.LogWarning("HJ 212 connection from {Remote} closed: {Bytes} bytes of a frame in {Seconds:F1} s, slower than {Key} ({Min})",
                        Remote, frameBytes, elapsed.TotalSeconds, $"{Hj212Options.Section}:MinBytesPerSecond", _options.MinBytesPerSecond);
                    return;
                }
            }
        }
    }

    private enum FrameOutcome { Ignored, Authenticated, Close }

    private async ValueTask<FrameOutcome> HandleFrameAsync(ReadOnlyMemory<byte> data, CancellationToken stop)
    {
        // Everything that reads the span happens before the first await (spans cannot cross it).
        if (!Hj212Packet.TryParse(data.Span, out var packet, out var error, Hj212Framing.HeaderLength))
        {
            _counters.FieldError();
            Complain(error!);
            return FrameOutcome.Ignored;
        }
        var monitor = _listener.Monitors.Find(packet.Mn);
        if (monitor is null)
        {
            _counters.UnknownMn();
            _listener.Logger.LogWarning("HJ 212 frame from {Remote} refused: MN {Mn} is not registered under {Key}; nothing stored, connection closed",
                Remote, Hj212Framing.Printable(packet.Mn), $"{Hj212Options.Section}:Monitors");
            return FrameOutcome.Close;
        }
        if (!monitor.PasswordMatches(packet.Pw))
        {
            _counters.WrongPassword();
            _listener.Logger.LogWarning("HJ 212 frame from {Remote} refused: wrong PW for MN {Mn}; nothing stored, connection closed", Remote, monitor.Mn);
            return FrameOutcome.Close;
        }
        var (now, quality) = _listener.Clock.Now();
        _listener.Monitors.Touch(monitor, now);
        _counters.FrameAccepted();
        if (packet.Deviations != Hj212Deviations.None) Deviated(monitor, packet.Deviations, packet.Cn);
        var to = Hj212Addressee.From(packet);
        var wantsAck = packet.WantsAcknowledgement;
        var cn = packet.Cn;

        if (cn == Hj212Commands.TimeCalibrationRequest)
        {
            if (_options.CalibrateTime && quality != ClockQuality.Unsynchronised)
            {
                _counters.TimeCalibration();
                _listener.Logger.LogInformation("HJ 212 monitor {Mn} asked for the time: sent {Now:O} ({Quality})", monitor.Mn, now, quality);
                return await SendAsync(Hj212Encoder.SetTime(to, now, monitor.Profile.UtcOffset)).ConfigureAwait(false) ? FrameOutcome.Authenticated : FrameOutcome.Close;
            }
            _listener.Logger.LogInformation("HJ 212 monitor {Mn} asked for the time: refused, the gateway clock is {Quality}", monitor.Mn, quality);
            return !wantsAck || await SendAsync(Hj212Encoder.RequestResponse(to, Hj212Encoder.QnRtn.Refused)).ConfigureAwait(false) ? FrameOutcome.Authenticated : FrameOutcome.Close;
        }
        if (!Hj212Commands.CarriesReadings(cn))
        {
            // Answers to our commands (9011/9012), heartbeats, alarms and status packets: contact is recorded, nothing stored.
            _counters.OtherCommand();
            _listener.Logger.LogDebug("HJ 212 monitor {Mn} sent CN {Cn}", monitor.Mn, cn);
            var isReply = cn is >= 9011 and <= 9014;
            return !wantsAck || isReply || await SendAsync(Hj212Encoder.DataAcknowledgement(to)).ConfigureAwait(false) ? FrameOutcome.Authenticated : FrameOutcome.Close;
        }

        ReadOnlySpan<byte> cp = packet.Cp;
        byte[]? joined = null;
        if (packet.IsSplit)
        {
            _splits ??= new Hj212SplitAssembler(_options.MaxSplitPackets, _options.MaxSplitBytes, TimeSpan.FromSeconds(_options.SplitTimeoutSeconds));
            switch (_splits.Add(packet, now, out joined, out error))
            {
                case Hj212SplitOutcome.Pending: return FrameOutcome.Authenticated;
                case Hj212SplitOutcome.Refused:
                    _counters.SplitRefused();
                    Complain(error!);
                    return FrameOutcome.Authenticated;
            }
            _counters.SplitCompleted();
            cp = joined;
        }
        // A monitor resends a message (same QN) whose acknowledgement it missed, also after the gateway restarted: the key is
        // committed with the readings, so a resend is recognised whether the first copy came a second or a day ago.
        DedupeKey? key = packet.QnNumber < 0 ? null : new DedupeKey(DedupeNamespace, $"{monitor.Mn}/{cn}/{packet.QnNumber}");
        if (key is { } known && _listener.Outbox.FindStored(known) is not null) return await ResentAsync(monitor, to, wantsAck).ConfigureAwait(false);
        _readings.Clear();
        if (!Hj212Readings.TryConvert(cn, cp, monitor.Profile, _readings, out var stats, out error, joined is null ? Hj212Framing.HeaderLength + packet.CpOffset : 0))
        {
            _counters.FieldError();
            Complain(error!);
            return FrameOutcome.Authenticated;
        }
        if (stats.UnknownFlags > 0) _counters.UnknownFlags(stats.UnknownFlags);
        if (stats.Unphysical > 0) _counters.Unphysical(stats.Unphysical);
        switch (await AppendAllAsync(monitor, key, stop).ConfigureAwait(false))
        {
            case AppendOutcome.Failed: return FrameOutcome.Close;
            case AppendOutcome.StoredBefore: return await ResentAsync(monitor, to, wantsAck).ConfigureAwait(false);
        }
        return !wantsAck || await SendAsync(Hj212Encoder.DataAcknowledgement(to)).ConfigureAwait(false) ? FrameOutcome.Authenticated : FrameOutcome.Close;
    }

    private async ValueTask<FrameOutcome> ResentAsync(RegisteredMonitor monitor, Hj212Addressee to, bool wantsAck)
    {
        _counters.Duplicate();
        _listener.Logger.LogDebug("HJ 212 monitor {Mn} resent QN {Qn}: already stored, acknowledged again", monitor.Mn, to.Qn);
        return !wantsAck || await SendAsync(Hj212Encoder.DataAcknowledgement(to)).ConfigureAwait(false) ? FrameOutcome.Authenticated : FrameOutcome.Close;
    }

    private enum AppendOutcome { Stored, StoredBefore, Failed }

    private async ValueTask<AppendOutcome> AppendAllAsync(RegisteredMonitor monitor, DedupeKey? key, CancellationToken stop)
    {
        if (_readings.Count == 0) return AppendOutcome.Stored;
        Hj212DataTimes.FlagFarOff(_readings, monitor, _listener);
        StoredGroup stored;
        try
        {
            // The alert engine sees them first, in memory, so a local alarm never waits for the disk.
            if (_listener.Alerts is { } alerts) foreach (var reading in _readings) alerts.Observe(reading);
            // One group, one commit: a frame's readings are stored all or none, with its key. (The list is encoded before the call returns.)
            var dedupe = key is { } k ? new DedupeEntry(k, TimeSpan.FromHours(_options.ResentFrameWindowHours)) : null;
            stored = await _listener.Outbox.AppendAllAsync(Streams.Readings, _readings, dedupe, stop).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _counters.AppendFailure();
            if (_listener.RepeatedErrors.ShouldLog("append:" + monitor.Mn + ":" + e.GetType().Name, out var count))
                _listener.Logger.LogError("HJ 212 readings of monitor {Mn} not stored, no acknowledgement sent (the monitor will resend): {Error} ({Count} frames since the last report)",
                    monitor.Mn, e.Message, count);
            return AppendOutcome.Failed;
        }
        // The same QN on two connections at once: the outbox stored the first and answered the second with it.
        if (stored.Earlier) return AppendOutcome.StoredBefore;
        _counters.ReadingsStored(_readings.Count);
        return AppendOutcome.Stored;
    }

    private async ValueTask<bool> SendAsync(byte[] frame)
    {
        using var write = new CancellationTokenSource(TimeSpan.FromSeconds(_options.WriteTimeoutSeconds), _time);
        try
        {
            var sent = 0;
            while (sent < frame.Length) sent += await _socket.SendAsync(frame.AsMemory(sent), SocketFlags.None, write.Token).ConfigureAwait(false);
            _counters.AckSent();
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            _listener.Logger.LogWarning("HJ 212 reply to {Remote} not delivered within {Key}: {Error}", Remote, $"{Hj212Options.Section}:WriteTimeoutSeconds", e.Message);
            return false;
        }
    }

    private void TimedOut(string reason)
    {
        switch (reason)
        {
            case "frame": _counters.FrameTimeout(); break;
            default: _counters.IdleClosed(); break;
        }
        _listener.Logger.LogInformation("HJ 212 connection from {Remote} closed: {Reason} timeout ({Key})", Remote, reason, reason switch
        {
            "frame" => $"{Hj212Options.Section}:FrameTimeoutSeconds",
            "auth" => $"{Hj212Options.Section}:AuthTimeoutSeconds",
            _ => $"{Hj212Options.Section}:IdleTimeoutSeconds",
        });
    }

    private void Complain(Hj212Error error)
    {
        var level = _loudErrors++ < LoudErrorsPerConnection ? LogLevel.Warning : LogLevel.Debug;
        // The crc and length fields are named like their error kind: say it once.
        if (error.FieldIsKind)
            _listener.Logger.Log(level, "HJ 212 frame from {Remote} rejected: {Kind} at byte {Offset}: {Problem}", Remote, error.KindName, error.Offset, error.Problem);
        else
            _listener.Logger.Log(level, "HJ 212 frame from {Remote} rejected: {Kind} at byte {Offset}: {Field}: {Problem}", Remote, error.KindName, error.Offset, error.Field, error.Problem);
    }

    private void Deviated(RegisteredMonitor monitor, Hj212Deviations deviations, int cn)
    {
        _counters.ConformanceWarning();
        var count = _listener.Monitors.ConformanceWarning(monitor);
        // A station that deviates does so on every frame: said once per monitor at Warning, then counted.
        var level = count == 1 ? LogLevel.Warning : LogLevel.Debug;
        _listener.Logger.Log(level, "HJ 212 monitor {Mn} sent CN {Cn} with {Deviations}: read anyway (conformance warning {Count}; the count is in its status)",
            monitor.Mn, cn, deviations, count);
    }

    private static void Expire(CancellationTokenSource timeout)
    {
        try { timeout.Cancel(); }
        catch (ObjectDisposedException) { } // the connection closed as its time ran out
    }

    public void Dispose()
    {
        try { _socket.Shutdown(SocketShutdown.Both); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        _socket.Dispose();
    }
}
