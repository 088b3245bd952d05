using GridEdge.Protocol.Hosting;
using System.Buffers;
using System.Collections.Concurrent;
using System.Reflection;
using GridEdge.Edge.Commands;
using GridEdge.Edge.Hosting;
using GridEdge.Edge.Monitors;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace GridEdge.Edge.Uplink;

/// <summary>
/// Drains the outbox to the broker over MQTT 5 and removes records only when the server acknowledges them.
/// </summary>
/// <remarks>
/// One loop owns all state: it fills a window of batches in flight (streams by priority, seqs in order), applies
/// acknowledgements queued by the MQTT receive handler, and, when the oldest batch has waited longer than the ack
/// timeout, forgets everything in flight and resends from the first unacknowledged record of each stream (go-back-N;
/// the server stores by (gateway, seq) so a duplicate costs bandwidth, never a second ledger row). A broker PUBACK
/// only means the broker has the batch, not that the ledger does, so it changes nothing here.
/// </remarks>
public sealed class UplinkService : BackgroundService
{
    private static readonly string SoftwareVersion = ReadSoftwareVersion();
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(5);

    private readonly Outbox.OutboxStore _outbox;
    private readonly EdgeOptions _options;
    private readonly ILogger<UplinkService> _logger;
    private readonly IMqttClient _client;
    private readonly WireFormat _format;
    private readonly string _gatewayId, _ackTopic, _configTopic, _commandTopic;
    private readonly string[] _streamsByPriority = [.. Streams.All.OrderBy(Streams.Priority)];
    private readonly TimeProvider _time;
    private readonly AsyncSignal _wake;
    private readonly ConcurrentQueue<Ack> _acks = new();
    private readonly List<InFlightBatch> _inFlight = [];
    private readonly Dictionary<string, long> _sentThrough = new(StringComparer.Ordinal);
    private readonly Random _random = new();
    private int _session;
    // HJ 212 monitors, reported in the status; a republished status keeps the birth's timestamp so a will stays ordered as before.
    private readonly MonitorDirectory? _monitors;
    private DateTimeOffset _bornAt;
    private volatile bool _sessionBroken;

    private readonly CommandService? _commands;
    private readonly Tasks.TaskListStore? _tasks;
    private readonly string _tasksTopic;
    private volatile bool _statusDue;

    /// <param name="time">The clock for the ack timeout, the idle wait and the reconnect backoff; the system clock when null.</param>
    /// <param name="tasks">Where the task lists the server publishes go; without it the gateway does not subscribe to them.</param>
    public UplinkService(Outbox.OutboxStore outbox, IOptions<EdgeOptions> options, ILogger<UplinkService> logger, MonitorDirectory? monitors = null, CommandService? commands = null,
        TimeProvider? time = null, Tasks.TaskListStore? tasks = null)
    {
        _tasks = tasks;
        _time = time ?? TimeProvider.System;
        _wake = new AsyncSignal(_time);
        _outbox = outbox;
        _commands = commands;
        if (commands is not null) commands.ConfigApplied += OnConfigApplied;
        _monitors = monitors;
        _options = options.Value;
        _logger = logger;
        _gatewayId = _options.GatewayId;
        _ackTopic = Topics.Ack(_gatewayId);
        _configTopic = Topics.Config(_gatewayId);
        _commandTopic = Topics.Command(_gatewayId);
        _tasksTopic = Topics.Tasks(_gatewayId);
        if (!EdgeOptionsValidator.TryParseFormat(_options.Uplink.Format, out _format))
            throw new ArgumentException($"Edge:UplinkService:Format is '{_options.Uplink.Format}'; expected 'binary' or 'json'", nameof(options));
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += _ => { _wake.Set(); return Task.CompletedTask; };
        _outbox.RecordsCommitted += OnRecordsCommitted;
    }

    public UplinkStatus Status { get; } = new();

    /// <summary>
    /// A new id at every start of the gateway process (not of the OS: that is <see cref="Time.GatewayClock.BootId"/>), sent
    /// as the status's <c>bootId</c> field so the server sees each restart.
    /// </summary>
    public static Guid RunId { get; } = Guid.NewGuid();

    private TimeSpan AckTimeout => TimeSpan.FromSeconds(_options.Uplink.AckTimeoutSeconds);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        await Task.Yield();
        var attempt = 0;
        var baseDelay = TimeSpan.FromSeconds(_options.Uplink.ReconnectBaseSeconds);
        var cap = TimeSpan.FromSeconds(_options.Uplink.ReconnectCapSeconds);
        while (!stop.IsCancellationRequested)
        {
            var connected = false;
            try
            {
                await ConnectAsync(stop).ConfigureAwait(false);
                connected = true;
                attempt = 0;
                await RunSessionAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                if (!connected) Status.AddConnectFailure();
                _logger.LogWarning("Uplink to {Host}:{Port} {Phase} failed: {Error}", _options.Broker.Host, _options.Broker.Port,
                    connected ? "session" : "connect", e.Message);
            }
            Status.Connected = false;
            if (stop.IsCancellationRequested) break;
            var delay = Backoff.FullJitter(attempt, baseDelay, cap, _random);
            attempt = Math.Min(attempt + 1, 30);
            _logger.LogInformation("Reconnecting to {Host}:{Port} in {DelaySeconds:F1} s (attempt {Attempt})", _options.Broker.Host, _options.Broker.Port,
                delay.TotalSeconds, attempt);
            try { await Task.Delay(delay, _time, stop).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
        }
        await GoOfflineAsync().ConfigureAwait(false);
    }

    private async Task ConnectAsync(CancellationToken stop)
    {
        if (_client.IsConnected)
        {
            // A session that failed with the socket still up (e.g. a publish error): start clean.
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), stop).ConfigureAwait(false);
        }
        using var expiry = new CancellationTokenSource(TimeSpan.FromSeconds(_options.Broker.ConnectTimeoutSeconds), _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop, expiry.Token);
        var broker = _options.Broker;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(_gatewayId)
            .WithCredentials(broker.Username ?? _gatewayId, broker.Password ?? "")
            .WithCleanStart(false)
            .WithSessionExpiryInterval(broker.SessionExpirySeconds)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(broker.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(broker.ConnectTimeoutSeconds))
            .WithWillTopic(Topics.Status(_gatewayId))
            .WithWillPayload(EncodeStatus(GatewayState.Offline))
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillContentType(PayloadHeader.ContentType(_format));
        if (broker.UseTls)
            builder = builder.WithTlsOptions(tls =>
            {
                tls.UseTls(true);
                // A township network's own CA: the broker's chain must end in it (the system's CAs are not consulted).
                if (broker.CaFile is { Length: > 0 } ca) tls.WithTrustChain(BrokerTrust.Load(ca, "Edge:Broker:CaFile"));
            });

        var result = await _client.ConnectAsync(builder.Build(), timeout.Token).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
            throw new InvalidOperationException($"broker refused the connection: {result.ResultCode} {result.ReasonString}");

        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(_ackTopic, MqttQualityOfServiceLevel.AtLeastOnce, false, false, MqttRetainHandling.SendAtSubscribe)
            .WithTopicFilter(_configTopic, MqttQualityOfServiceLevel.AtLeastOnce, false, false, MqttRetainHandling.SendAtSubscribe)
            .WithTopicFilter(_commandTopic, MqttQualityOfServiceLevel.AtLeastOnce, false, false, MqttRetainHandling.SendAtSubscribe);
        // The retained task list arrives at once: members' tasks are current seconds after the uplink is back.
        if (_tasks is not null) subscribe.WithTopicFilter(_tasksTopic, MqttQualityOfServiceLevel.AtLeastOnce, false, false, MqttRetainHandling.SendAtSubscribe);
        var subscribed = await _client.SubscribeAsync(subscribe.Build(), timeout.Token).ConfigureAwait(false);
        foreach (var item in subscribed.Items)
        {
            if (item.ResultCode is MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2) continue;
            // Without acks nothing is ever delivered: treat it as a failed connection and retry with backoff.
            if (item.TopicFilter.Topic == _ackTopic) throw new InvalidOperationException($"broker refused the subscription to {_ackTopic}: {item.ResultCode}");
            _logger.LogWarning("Broker refused the subscription to {Topic}: {ResultCode}", item.TopicFilter.Topic, item.ResultCode);
        }

        _bornAt = _time.GetUtcNow();
        var birth = StatusMessage(GatewayState.Online, _bornAt, _monitors?.Snapshot());
        await _client.PublishAsync(birth, timeout.Token).ConfigureAwait(false);
        _monitors?.MarkPublished();

        Status.AddConnect();
        Status.Connected = true;
        _logger.LogInformation("Connected to {Host}:{Port} as {GatewayId} (session present: {SessionPresent}); backlog {Backlog}",
            broker.Host, broker.Port, _gatewayId, result.IsSessionPresent, _outbox.Backlogs().Values.Sum());
    }

    private async Task RunSessionAsync(CancellationToken stop)
    {
        StartOver();
        while (true)
        {
            stop.ThrowIfCancellationRequested();
            if (!_client.IsConnected || _sessionBroken) throw new IOException("connection to the broker was lost");
            ApplyAcks();
            ResendIfAckOverdue();
            FillWindow(stop);
            if (_monitors?.StatusDue() == true || _statusDue)
            {
                _statusDue = false;
                await _client.PublishAsync(StatusMessage(GatewayState.Online, _bornAt, _monitors?.Snapshot()), stop).ConfigureAwait(false);
                _monitors?.MarkPublished();
            }
            Status.InFlightBatches = _inFlight.Count;
            var wait = IdleWait;
            if (_inFlight.Count > 0)
            {
                var left = AckTimeout - _time.GetElapsedTime(_inFlight[0].SentAt);
                wait = left < TimeSpan.Zero ? TimeSpan.Zero : left < IdleWait ? left : IdleWait;
            }
            await _wake.WaitAsync(wait, stop).ConfigureAwait(false);
        }
    }

    /// <summary>Forgets what is in flight: the next batches start at the first unacknowledged record of each stream.</summary>
    private void StartOver()
    {
        Interlocked.Increment(ref _session);
        _sessionBroken = false;
        _inFlight.Clear();
        _sentThrough.Clear();
        Status.InFlightBatches = 0;
    }

    private void ResendIfAckOverdue()
    {
        if (_inFlight.Count == 0) return;
        var oldest = _inFlight[0];
        if (_time.GetElapsedTime(oldest.SentAt) < AckTimeout) return;
        Status.AddAckTimeout();
        _logger.LogWarning("No acknowledgement for {Stream} {First}-{Last} within {TimeoutSeconds} s; resending everything unacknowledged ({InFlight} batches were in flight)",
            oldest.Stream, oldest.First, oldest.Last, AckTimeout.TotalSeconds, _inFlight.Count);
        // Publishes still pending belong to the forgotten window (StartOver bumps the session): their outcome no longer matters.
        StartOver();
    }

    private void FillWindow(CancellationToken stop)
    {
        // The last slot of the window is kept for the alerts and command-results streams: an alert never waits for the ack
        // of a window full of readings (a window of one has no slot to keep).
        var max = _options.Uplink.MaxInFlightBatches;
        while (_inFlight.Count < max && NextBatch(urgentOnly: max > 1 && _inFlight.Count >= max - 1) is { } next)
        {
            var (batch, payload) = next;
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(Topics.Up(_gatewayId, batch.Stream))
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithContentType(PayloadHeader.ContentType(_format))
                .Build();
            _inFlight.Add(batch);
            Status.AddPublished((int)(batch.Last - batch.First + 1));
            _logger.LogDebug("Publishing {Stream} {First}-{Last} ({Bytes} bytes)", batch.Stream, batch.First, batch.Last, payload.Length);
            var session = _session;
            Task<MqttClientPublishResult> publish;
            try { publish = _client.PublishAsync(message, stop); }
            catch (Exception e) { publish = Task.FromException<MqttClientPublishResult>(e); }
            _ = publish.ContinueWith(t => OnPublished(t, session, batch), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void OnPublished(Task<MqttClientPublishResult> publish, int session, InFlightBatch batch)
    {
        if (session != Volatile.Read(ref _session)) return;
        if (!publish.IsCompletedSuccessfully)
        {
            _logger.LogWarning("Publishing {Stream} {First}-{Last} failed: {Error}", batch.Stream, batch.First, batch.Last,
                publish.Exception?.GetBaseException().Message ?? "cancelled");
            _sessionBroken = true;
            _wake.Set();
            return;
        }
        var result = publish.Result;
        if (result.IsSuccess || result.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers) return;
        // The batch stays in flight; the ack timeout resends it.
        Status.AddRejectedPublish();
        _logger.LogWarning("Broker refused {Stream} {First}-{Last}: {ReasonCode} {Reason}", batch.Stream, batch.First, batch.Last, result.ReasonCode, result.ReasonString);
    }

    /// <summary>
    /// The next batch to send: the highest-priority stream with records not yet in flight, contiguous, within the count and
    /// byte limits; with <paramref name="urgentOnly"/>, of the priority-0 streams (alerts, command results) only.
    /// </summary>
    private (InFlightBatch Batch, byte[] Payload)? NextBatch(bool urgentOnly = false)
    {
        var maxRecords = _options.Uplink.BatchMaxRecords;
        var maxBytes = _options.Uplink.BatchMaxBytes;
        foreach (var stream in _streamsByPriority)
        {
            if (urgentOnly && Streams.Priority(stream) > 0) break;
            var sentThrough = _sentThrough.GetValueOrDefault(stream);
            if (_outbox.Backlog(stream) == 0 || _outbox.NextSeq(stream) - 1 <= sentThrough) continue;
            var entries = _outbox.ReadPending(stream, sentThrough, maxRecords, maxBytes);
            if (entries.Count == 0) continue;
            var count = 1;
            while (count < entries.Count && entries[count].Seq == entries[count - 1].Seq + 1) count++;
            while (true)
            {
                var payload = EncodeBatch(stream, entries, count);
                // The stored sizes only estimate the wire size (JSON is larger): halve until it fits.
                if (payload.Length > maxBytes && count > 1)
                {
                    count /= 2;
                    continue;
                }
                var last = entries[count - 1].Seq;
                _sentThrough[stream] = last;
                return (new InFlightBatch(stream, entries[0].Seq, last, _time.GetTimestamp()), payload);
            }
        }
        return null;
    }

    // Binary: the stored forms put together, nothing decoded. JSON: the records decoded and written out.
    private byte[] EncodeBatch(string stream, IReadOnlyList<Outbox.OutboxEntry> entries, int count)
    {
        if (_format == WireFormat.Binary)
        {
            var forms = new byte[count][];
            for (var i = 0; i < count; i++) forms[i] = entries[i].Form;
            return BinaryCodec.EncodeBatch(_gatewayId, stream, entries[0].Seq, _outbox.StoreId, forms);
        }
        var records = new Protocol.Records.Record[count];
        for (var i = 0; i < count; i++) records[i] = entries[i].Record;
        return WireCodec.Encode(new Batch(_gatewayId, stream, entries[0].Seq, records, _outbox.StoreId), _format);
    }

    private void ApplyAcks()
    {
        if (_acks.IsEmpty) return;
        var byStream = new Dictionary<string, List<SeqRange>>(StringComparer.Ordinal);
        while (_acks.TryDequeue(out var ack))
        {
            if (!byStream.TryGetValue(ack.Stream, out var ranges)) byStream[ack.Stream] = ranges = [];
            ranges.AddRange(ack.Ranges);
        }
        foreach (var (stream, ranges) in byStream)
        {
            var removed = _outbox.MarkDelivered(stream, ranges);
            Status.AddAckedRecords(removed);
            _logger.LogDebug("Server acknowledged {Stream} {Ranges}: {Removed} records removed", stream, ranges, removed);
            foreach (var range in ranges) TrimInFlight(stream, range);
        }
        Status.InFlightBatches = _inFlight.Count;
    }

    private void TrimInFlight(string stream, SeqRange range)
    {
        for (var i = _inFlight.Count - 1; i >= 0; i--)
        {
            var b = _inFlight[i];
            if (b.Stream != stream || range.To < b.First || range.From > b.Last) continue;
            if (range.From <= b.First && range.To >= b.Last) _inFlight.RemoveAt(i);
            else if (range.From <= b.First) b.First = range.To + 1;
            else if (range.To >= b.Last) b.Last = range.From - 1;
            // An ack inside a batch leaves it in flight; later acks or the timeout settle it.
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        var topic = message.Topic;
        if (topic == _ackTopic)
        {
            var payload = message.Payload;
            var decoded = payload.IsSingleSegment ? WireCodec.Decode(payload.FirstSpan) : WireCodec.Decode(payload.ToArray());
            if (!decoded.Ok)
            {
                Status.AddBadPayload();
                _logger.LogWarning("Ignored a payload on {Topic} that does not decode: {Field}: {Problem}", topic, decoded.Error.Field, decoded.Error.Problem);
            }
            else if (decoded.Value is not Ack ack || ack.GatewayId != _gatewayId)
            {
                Status.AddBadPayload();
                _logger.LogWarning("Ignored a {Type} for {GatewayId} on {Topic}; expected an ack for {Expected}", decoded.Value.GetType().Name,
                    decoded.Value.GatewayId, topic, _gatewayId);
            }
            else if (ack.StoreId != _outbox.StoreId)
            {
                // An ack the broker kept for an earlier store of this gateway (a wiped data directory): its numbers are not ours.
                _logger.LogInformation("Ignored an ack of {Stream} {Ranges} for store {AckStoreId}; this outbox is store {StoreId}",
                    ack.Stream, ack.Ranges, ack.StoreId?.ToString() ?? "(legacy)", _outbox.StoreId?.ToString() ?? "(legacy)");
            }
            else
            {
                _acks.Enqueue(ack);
                Status.AddAck(_time.GetUtcNow());
                _wake.Set();
            }
        }
        else if (topic == _tasksTopic && _tasks is not null)
        {
            // Parsed and stored here (a list is small and rare); a bad one is counted and logged, the one in force stays.
            var payload = message.Payload;
            if (payload.Length > 0) _tasks.Accept(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
        }
        else if (topic == _configTopic || topic == _commandTopic)
        {
            if (_commands is null)
            {
                if (message.Payload.Length > 0)
                    _logger.LogInformation("Received {Bytes} bytes on {Topic}; no command handler in this host", message.Payload.Length, topic);
            }
            else if (message.Payload.Length > 0)
            {
                // Queued: the handler answers on the cmdres stream; carrying out a command never holds up this receive loop.
                _commands.Submit(topic == _configTopic ? "config" : "cmd", message.Payload.ToArray());
            }
        }
        return Task.CompletedTask;
    }

    private void OnRecordsCommitted(string stream) => _wake.Set();

    /// <summary>A new configuration took effect: its version goes out in a republished status.</summary>
    private void OnConfigApplied(string version)
    {
        _statusDue = true;
        _wake.Set();
    }

    private async Task GoOfflineAsync()
    {
        if (!_client.IsConnected) return;
        try
        {
            // Part of the host's shutdown budget, which is real time whatever clock the uplink runs on.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            // A clean disconnect suppresses the will, so say goodbye ourselves.
            await _client.PublishAsync(StatusMessage(GatewayState.Offline), timeout.Token).ConfigureAwait(false);
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token)
                .ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogDebug("Clean disconnect failed: {Error}", e.Message);
        }
        Status.Connected = false;
    }

    private MqttApplicationMessage StatusMessage(GatewayState state, DateTimeOffset? at = null, IReadOnlyList<MonitorStatus>? monitors = null) => new MqttApplicationMessageBuilder()
        .WithTopic(Topics.Status(_gatewayId))
        .WithPayload(EncodeStatus(state, at, monitors))
        .WithRetainFlag(true)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithContentType(PayloadHeader.ContentType(_format))
        .Build();

    private byte[] EncodeStatus(GatewayState state, DateTimeOffset? at = null, IReadOnlyList<MonitorStatus>? monitors = null) =>
        WireCodec.Encode(new GatewayStatus(_gatewayId, state, SoftwareVersion, _commands?.ConfigVersion ?? _options.ConfigVersion, RunId, at ?? _time.GetUtcNow(), monitors,
            _outbox.StoreId, GapNotes()), _format);

    /// <summary>
    /// The ranges the outbox gave up at its quota, newest last, in every status: the server stores a note once however
    /// often it comes, and a retained status may be replaced before an external broker's ingest read it.
    /// </summary>
    private List<GapNote>? GapNotes()
    {
        var notes = _outbox.PendingGapNotes();
        if (notes.Count == 0) return null;
        return [.. notes.Skip(Math.Max(0, notes.Count - Validation.MaxGapNotes)).Select(n => new GapNote(n.Stream, n.From, n.To, n.Reason))];
    }

    private static string ReadSoftwareVersion()
    {
        var assembly = typeof(UplinkService).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0 && version.Length > Validation.MaxIdLength) version = version[..plus];
        return version.Length > Validation.MaxIdLength ? version[..Validation.MaxIdLength] : version;
    }

    public override void Dispose()
    {
        _outbox.RecordsCommitted -= OnRecordsCommitted;
        if (_commands is not null) _commands.ConfigApplied -= OnConfigApplied;
        _client.Dispose();
        base.Dispose();
    }

    private sealed class InFlightBatch(string stream, long first, long last, long sentAt)
    {
        public string Stream { get; } = stream;
        public long First { get; set; } = first;
        public long Last { get; set; } = last;
        public long SentAt { get; } = sentAt;
    }
}
