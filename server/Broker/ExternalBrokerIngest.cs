using GridEdge.Protocol.Hosting;
using System.Buffers;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Ingest;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace GridEdge.Server.Broker;

/// <summary>
/// Ingest from an external broker (Mosquitto, EMQX): one MQTT 5 client subscribed to every gateway's up and status
/// topics through a shared subscription, so several servers split the load. Each message is ingested before its
/// handler returns, so its PUBACK follows the commit. Reconnects with exponential backoff when the connection drops.
/// </summary>
public sealed class ExternalBrokerIngest(
    ExternalMqttConnection connection,
    IOptions<ServerOptions> options,
    IngestPipeline pipeline,
    ILogger<ExternalBrokerIngest> log) : BackgroundService, IBrokerStatus
{
    private readonly BrokerOptions _options = options.Value.Broker;
    private readonly IMqttClient _client = connection.Client;
    private readonly SemaphoreSlim _disconnected = new(0, 1);

    public BrokerMode Mode => BrokerMode.External;
    private volatile bool _subscribed;

    /// <summary>Connected and subscribed: messages are flowing to this node.</summary>
    public bool Running => _subscribed && _client.IsConnected;
    public string Describe() => $"external MQTT broker {_options.Host}:{_options.Port} as {_options.Username}" + (_client.IsConnected ? "" : " (disconnected)");

    /// <summary>The filters subscribed to: shared ($share/{group}/...) unless Server:Broker:SharedGroup is empty.</summary>
    public IReadOnlyList<string> Filters =>
        _options.SharedGroup is { Length: > 0 } group
            ? [$"$share/{group}/{Topics.AllUp}", $"$share/{group}/{Topics.AllStatus}"]
            : [Topics.AllUp, Topics.AllStatus];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _client.ApplicationMessageReceivedAsync += async e =>
        {
            var payload = e.ApplicationMessage.Payload;
            var outcome = await pipeline.HandleAsync(e.ApplicationMessage.Topic, payload.IsSingleSegment ? payload.First : payload.ToArray(), stoppingToken);
            if (outcome.Status == IngestStatus.Failed) e.ReasonCode = MqttApplicationMessageReceivedReasonCode.ImplementationSpecificError;
            else if (outcome.Status == IngestStatus.Rejected) e.ReasonCode = MqttApplicationMessageReceivedReasonCode.PayloadFormatInvalid;
        };
        _client.DisconnectedAsync += e =>
        {
            _subscribed = false;
            if (e.ClientWasConnected)
                log.LogWarning(e.Exception, "Disconnected from MQTT broker {Host}:{Port}: {Reason}", _options.Host, _options.Port, e.Reason);
            try { if (_disconnected.CurrentCount == 0) _disconnected.Release(); }
            catch (SemaphoreFullException) { } // already signalled
            return Task.CompletedTask;
        };

        var builder = new MqttClientOptionsBuilder();
        if (_options.UseTls)
            builder = builder.WithTlsOptions(tls =>
            {
                tls.UseTls(true);
                if (_options.CaFile is { Length: > 0 } ca) tls.WithTrustChain(BrokerTrust.Load(ca, "Server:Broker:CaFile"));
            });
        var clientOptions = builder
            .WithTcpServer(_options.Host, _options.Port)
            .WithCredentials(_options.Username, _options.Password)
            .WithClientId(_options.ClientId is { Length: > 0 } id ? id : $"gridedge-ingest-{Environment.MachineName.ToLowerInvariant()}")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(_options.SessionExpirySeconds)
            // The broker keeps at most this many unacknowledged messages in flight to us: our ingest sets the pace.
            .WithReceiveMaximum(256)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();

        var backoff = TimeSpan.FromSeconds(0.5);
        var cap = TimeSpan.FromSeconds(_options.ReconnectCapSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var connected = await _client.ConnectAsync(clientOptions, stoppingToken);
                if (connected.ResultCode != MqttClientConnectResultCode.Success)
                    throw new InvalidOperationException($"CONNACK {connected.ResultCode} {connected.ReasonString}");
                var subscribe = new MqttClientSubscribeOptionsBuilder();
                foreach (var filter in Filters) subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
                var subscribed = await _client.SubscribeAsync(subscribe.Build(), stoppingToken);
                var refused = subscribed.Items.Where(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2).ToList();
                if (refused.Count > 0)
                    throw new InvalidOperationException("SUBACK refused " + string.Join(", ", refused.Select(i => $"{i.TopicFilter.Topic}: {i.ResultCode}")));
                log.LogInformation("Ingesting from MQTT broker {Host}:{Port} as {UserName}, subscribed to {Filters}",
                    _options.Host, _options.Port, _options.Username, Filters);
                _subscribed = true;
                backoff = TimeSpan.FromSeconds(0.5);
                // Woken by the disconnect event; the timeout re-checks in case an event was missed or stale.
                while (_client.IsConnected) await _disconnected.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                log.LogWarning("Cannot ingest from MQTT broker {Host}:{Port}: {Problem}; retrying in {Delay}",
                    _options.Host, _options.Port, e.Message, backoff);
                if (_client.IsConnected) await _client.TryDisconnectAsync();
                try { await Task.Delay(backoff, stoppingToken); }
                catch (OperationCanceledException) { break; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, cap.Ticks));
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_client.IsConnected) await _client.TryDisconnectAsync();
    }

    public override void Dispose()
    {
        base.Dispose();
        _disconnected.Dispose();
    }
}

/// <summary>The MQTT client connection to the external broker, shared by the ingest service and the ack publisher.</summary>
public sealed class ExternalMqttConnection : IDisposable
{
    public IMqttClient Client { get; } = new MqttClientFactory().CreateMqttClient();
    public void Dispose() => Client.Dispose();
}

/// <summary>Acks through the external broker, on the ingest's own client connection.</summary>
public sealed class ExternalAckPublisher(ExternalMqttConnection connection) : IAckPublisher
{
    public async Task PublishAsync(Ack ack, WireFormat format, CancellationToken cancellationToken = default)
    {
        var result = await connection.Client.PublishAsync(AckMessages.Build(ack, format), cancellationToken);
        // No subscriber means the gateway is offline: it resends after reconnecting and is acked then.
        if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
            throw new InvalidOperationException($"the broker refused the ack: {result.ReasonCode} {result.ReasonString}");
    }
}
