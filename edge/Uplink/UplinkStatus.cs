namespace GridEdge.Edge.Uplink;

/// <summary>What the uplink is doing, for tests, health checks and the demo dashboard.</summary>
public sealed class UplinkStatus
{
    private long _connects, _connectFailures, _publishedBatches, _publishedRecords, _acks, _ackedRecords, _badPayloads, _ackTimeouts, _rejectedPublishes;
    private long _lastAckTicks;
    private volatile bool _connected;
    private volatile int _inFlight;

    public bool Connected { get => _connected; internal set => _connected = value; }
    /// <summary>Batches published and not yet acknowledged by the server.</summary>
    public int InFlightBatches { get => _inFlight; internal set => _inFlight = value; }
    /// <summary>When the last acknowledgement arrived, or null.</summary>
    public DateTimeOffset? LastAckAt
    {
        get { var t = Interlocked.Read(ref _lastAckTicks); return t == 0 ? null : new DateTimeOffset(t, TimeSpan.Zero); }
    }
    public long Connects => Interlocked.Read(ref _connects);
    public long ConnectFailures => Interlocked.Read(ref _connectFailures);
    public long PublishedBatches => Interlocked.Read(ref _publishedBatches);
    /// <summary>Records published, resends included.</summary>
    public long PublishedRecords => Interlocked.Read(ref _publishedRecords);
    public long Acks => Interlocked.Read(ref _acks);
    /// <summary>Records removed from the outbox because of an acknowledgement.</summary>
    public long AckedRecords => Interlocked.Read(ref _ackedRecords);
    /// <summary>Messages on the ack topic that did not decode or were not an ack for this gateway.</summary>
    public long BadPayloads => Interlocked.Read(ref _badPayloads);
    /// <summary>Times the oldest batch went unacknowledged too long and everything unacknowledged was resent.</summary>
    public long AckTimeouts => Interlocked.Read(ref _ackTimeouts);
    /// <summary>Publishes the broker answered with a failure reason code.</summary>
    public long RejectedPublishes => Interlocked.Read(ref _rejectedPublishes);

    internal void AddConnect() => Interlocked.Increment(ref _connects);
    internal void AddConnectFailure() => Interlocked.Increment(ref _connectFailures);
    internal void AddPublished(int records) { Interlocked.Increment(ref _publishedBatches); Interlocked.Add(ref _publishedRecords, records); }
    internal void AddAck(DateTimeOffset at)
    {
        Interlocked.Increment(ref _acks);
        Interlocked.Exchange(ref _lastAckTicks, at.UtcTicks);
    }
    internal void AddAckedRecords(long records) => Interlocked.Add(ref _ackedRecords, records);
    internal void AddBadPayload() => Interlocked.Increment(ref _badPayloads);
    internal void AddAckTimeout() => Interlocked.Increment(ref _ackTimeouts);
    internal void AddRejectedPublish() => Interlocked.Increment(ref _rejectedPublishes);
}
