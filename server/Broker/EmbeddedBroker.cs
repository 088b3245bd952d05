using System.Buffers;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Ingest;
using GridEdge.Server.Gateways;
using GridEdge.Server.Storage;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace GridEdge.Server.Broker;

/// <summary>
/// The MQTT 5 broker inside the server process. Gateways authenticate with their id as client id and username; ingest
/// runs inside the publish interceptor, awaited, so a gateway's publishes wait for the ledger (backpressure) and never
/// pass through a per-client queue that could drop them.
/// </summary>
public sealed class EmbeddedBroker(
    EmbeddedMqttServer holder,
    IOptions<ServerOptions> options,
    GatewayCredentials credentials,
    IngestPipeline pipeline,
    IGatewayStore ledger,
    IngestMetrics metrics,
    TimeProvider time,
    ILogger<EmbeddedBroker> log) : IHostedService, IBrokerStatus, IAsyncDisposable
{
    /// <summary>The sender id of messages the server injects; '$' makes it impossible as a gateway id.</summary>
    internal const string ServerClientId = "$gridedge-server";

    private readonly BrokerOptions _options = options.Value.Broker;
    private MqttServer? _server;
    private GuardedTcpServerAdapter? _transport;

    /// <summary>Connections the broker's transport holds now.</summary>
    public int OpenConnections => _transport?.OpenConnections ?? 0;

    public BrokerMode Mode => BrokerMode.Embedded;
    public bool Running => _server?.IsStarted == true;
    public int Port => _transport?.BoundPort ?? _options.Port;
    public string Describe() => $"embedded MQTT broker on {_options.Host}:{Port}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var serverOptions = new MqttServerOptionsBuilder()
            .WithMaxPendingMessagesPerClient(_options.MaxPendingMessagesPerClient)
            .WithDefaultCommunicationTimeout(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds))
            .Build();
        // Our own transport: exactly the configured address, a packet-size and a connection limit (see the adapter).
        _transport = new GuardedTcpServerAdapter(_options, metrics, time, log);
        var server = new MqttServerFactory().CreateMqttServer(serverOptions, [_transport]);
        holder.Server = server;
        server.ValidatingConnectionAsync += ValidateConnectionAsync;
        server.ClientConnectedAsync += OnConnectedAsync;
        server.ClientDisconnectedAsync += OnDisconnectedAsync;
        server.InterceptingPublishAsync += InterceptPublishAsync;
        server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        server.QueuedApplicationMessageOverwrittenAsync += e =>
        {
            // Only acks and downlinks queue here (ingest never does): a dropped ack costs a resend, not data.
            log.LogWarning("Broker queue of client {ClientId} full: dropped its oldest queued message", e.ReceiverClientId);
            return Task.CompletedTask;
        };
        await server.StartAsync();
        _server = server;
        log.LogInformation("Embedded MQTT broker listening on {Host}:{Port} for issued gateway accounts and {GatewayCount} configured ones (packets up to {MaxPacketBytes} bytes, {MaxConnections} connections, CONNECT within {ConnectTimeout} s)",
            _options.Host, _transport.BoundPort, credentials.GatewayIds.Count, _options.MaxPacketBytes, _options.MaxConnections, _options.ConnectTimeoutSeconds);
        credentials.Revoked += OnRevoked;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        credentials.Revoked -= OnRevoked;
        if (_server is { } server)
        {
            await server.StopAsync(new MqttServerStopOptions());
            log.LogInformation("Embedded MQTT broker stopped");
        }
    }

    /// <summary>Disconnects a gateway whose account was just revoked; false when it was not connected.</summary>
    public async Task<bool> DisconnectAsync(string gatewayId)
    {
        if (_server is not { IsStarted: true } server) return false;
        var client = (await server.GetClientsAsync()).FirstOrDefault(c => c.Id == gatewayId);
        if (client is null) return false;
        await client.DisconnectAsync(new MqttServerClientDisconnectOptions
        {
            ReasonCode = MqttDisconnectReasonCode.NotAuthorized,
            ReasonString = "the gateway's credentials were revoked",
        });
        log.LogWarning("Disconnected gateway {Gateway}: its credentials were revoked", gatewayId);
        return true;
    }

    private void OnRevoked(string gatewayId) => _ = Task.Run(async () =>
    {
        try { await DisconnectAsync(gatewayId); }
        catch (Exception ex) { log.LogError(ex, "Could not disconnect revoked gateway {Gateway}", gatewayId); }
    });

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        bool verified;
        try { verified = await credentials.VerifyAsync(e.UserName, e.Password); }
        catch (Exception ex) when (ex is LedgerUnavailableException or System.Data.Common.DbException)
        {
            e.ReasonCode = MqttConnectReasonCode.ServerUnavailable;
            log.LogError(ex, "Refused connection of client {ClientId}: the gateway accounts could not be read", e.ClientId);
            return;
        }
        if (!verified)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            metrics.Refused("connect");
            log.LogWarning("Refused connection of client {ClientId} from {Endpoint}: bad username {UserName} or password",
                e.ClientId, e.RemoteEndPoint, e.UserName);
        }
        else if (e.ClientId != e.UserName)
        {
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            metrics.Refused("connect");
            log.LogWarning("Refused connection of gateway {UserName}: client id {ClientId} must equal the username", e.UserName, e.ClientId);
        }
    }

    private async Task OnConnectedAsync(ClientConnectedEventArgs e)
    {
        log.LogInformation("Gateway {Gateway} connected from {Endpoint}", e.ClientId, e.RemoteEndPoint);
        try { await ledger.TouchGatewayAsync(e.ClientId, time.GetUtcNow()); }
        catch (Exception ex) { log.LogError(ex, "Could not mark gateway {Gateway} online", e.ClientId); }
    }

    private async Task OnDisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        // A takeover means the same gateway has just connected again: it is not offline.
        if (e.DisconnectType == MqttClientDisconnectType.Takeover) return;
        log.LogInformation("Gateway {Gateway} disconnected ({DisconnectType})", e.ClientId, e.DisconnectType);
        try { await ledger.MarkOfflineAsync(e.ClientId, time.GetUtcNow()); }
        catch (Exception ex) { log.LogError(ex, "Could not mark gateway {Gateway} offline", e.ClientId); }
    }

    private async Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        if (e.ClientId == ServerClientId) return; // our own acks
        var topic = e.ApplicationMessage.Topic;
        try
        {
            if (!GatewayTopicRules.MayPublish(e.ClientId, topic))
            {
                e.ProcessPublish = false;
                e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
                e.Response.ReasonString = $"gateway {e.ClientId} may publish only to {Topics.Status(e.ClientId)} and {Topics.Prefix(e.ClientId)}up/{{stream}}";
                metrics.Refused("publish");
                log.LogWarning("Refused publish of gateway {Gateway} to {Topic}: not its own status or up topic", e.ClientId, topic);
                return;
            }

            var payload = e.ApplicationMessage.Payload;
            var outcome = await pipeline.HandleAsync(topic, payload.IsSingleSegment ? payload.First : payload.ToArray(), e.CancellationToken);
            Topics.TryParse(topic, out _, out var leaf, out _);
            if (leaf == "up" || !outcome.Accepted)
            {
                // Up topics have no subscribers; a rejected status must not become the retained one.
                e.ProcessPublish = false;
            }
            if (!outcome.Accepted)
            {
                e.Response.ReasonCode = outcome.Status == IngestStatus.Failed ? MqttPubAckReasonCode.ImplementationSpecificError : MqttPubAckReasonCode.PayloadFormatInvalid;
                e.Response.ReasonString = Truncate(outcome.Problem);
            }
        }
        catch (Exception ex)
        {
            // The pipeline never throws; this guards the broker's receive loop against anything else.
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.ImplementationSpecificError;
            log.LogError(ex, "Publish of gateway {Gateway} to {Topic} failed in the broker", e.ClientId, topic);
        }
    }

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        var filter = e.TopicFilter.Topic;
        if (!GatewayTopicRules.MaySubscribe(e.ClientId, filter))
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            e.Response.ReasonString = $"gateway {e.ClientId} may subscribe only to its ack, config, cmd and tasks topics";
            metrics.Refused("subscribe");
            log.LogWarning("Refused subscription of gateway {Gateway} to {TopicFilter}: not its own ack, config, cmd or tasks topic", e.ClientId, filter);
        }
        return Task.CompletedTask;
    }

    private static string? Truncate(string? text) => text is { Length: > 200 } ? text[..200] : text;

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The embedded broker's MQTTnet server, shared by the broker service and the ack publisher.</summary>
public sealed class EmbeddedMqttServer
{
    private MqttServer? _server;

    public MqttServer Server
    {
        get => _server ?? throw new InvalidOperationException("the embedded broker is not started");
        internal set => _server = value;
    }
}

/// <summary>Acks through the embedded broker: injected as if published by the server, so no client connection is needed.</summary>
public sealed class EmbeddedAckPublisher(EmbeddedMqttServer broker) : IAckPublisher
{
    public Task PublishAsync(Ack ack, WireFormat format, CancellationToken cancellationToken = default) =>
        broker.Server.InjectApplicationMessage(
            new InjectedMqttApplicationMessage(AckMessages.Build(ack, format)) { SenderClientId = EmbeddedBroker.ServerClientId },
            cancellationToken);
}
