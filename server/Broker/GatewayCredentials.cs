using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Gateways;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Broker;

/// <summary>
/// The gateways the embedded broker lets in: accounts the server issued (the gateway_credentials ledger, hashed), then
/// those of Server:Gateways and the demo's generated ones (in memory, for tests and existing setups).
/// </summary>
public sealed class GatewayCredentials
{
    private readonly ConcurrentDictionary<string, byte[]> _passwords = new(StringComparer.Ordinal);
    private readonly IGatewayCredentialStore _issued;
    private readonly TimeProvider _time;

    public GatewayCredentials(IOptions<ServerOptions> options, IGatewayCredentialStore issued, TimeProvider time)
    {
        _issued = issued;
        _time = time;
        foreach (var g in options.Value.Gateways) Add(g.Id, g.Password);
    }

    /// <summary>Gateways configured in memory (Server:Gateways and the demo's).</summary>
    public IReadOnlyCollection<string> GatewayIds => _passwords.Keys.ToArray();

    /// <summary>Raised with a gateway's id when its issued account is revoked in this process; the embedded broker disconnects it.</summary>
    public event Action<string>? Revoked;

    /// <summary>Adds or replaces a gateway's password in memory.</summary>
    public void Add(string gatewayId, string password)
    {
        if (!Protocol.Wire.GatewayIds.IsValid(gatewayId)) throw new ArgumentException($"'{gatewayId}' is not a gateway id ({Protocol.Wire.GatewayIds.Rule})", nameof(gatewayId));
        ArgumentException.ThrowIfNullOrEmpty(password);
        _passwords[gatewayId] = Encoding.UTF8.GetBytes(password);
    }

    /// <summary>Whether the password is the gateway's: an issued, unrevoked account (current password, or the previous one within its grace period), or a configured one.</summary>
    public async Task<bool> VerifyAsync(string? gatewayId, string? password, CancellationToken cancellationToken = default)
    {
        if (gatewayId is null || password is null) return false;
        if (_passwords.TryGetValue(gatewayId, out var expected))
            return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(password));
        if (!Protocol.Wire.GatewayIds.IsValid(gatewayId)) return false;
        var issued = await _issued.GetAsync(gatewayId, cancellationToken);
        return issued is not null && issued.ValidHashes(_time.GetUtcNow()).Any(h => MosquittoPasswordHash.Verify(password, h));
    }

    /// <summary>Revokes a gateway's issued account and tells the broker to disconnect it; null when it has none.</summary>
    public async Task<GatewayCredential?> RevokeAsync(string gatewayId, CancellationToken cancellationToken = default)
    {
        var revoked = await _issued.RevokeAsync(gatewayId, cancellationToken);
        if (revoked is not null) Revoked?.Invoke(gatewayId);
        return revoked;
    }
}

/// <summary>What a gateway may touch on the broker: publish only under its own id, subscribe only to its own downlinks.</summary>
public static class GatewayTopicRules
{
    /// <summary>Its status and up/{stream} topics; nothing with wildcards, nothing of another gateway.</summary>
    public static bool MayPublish(string gatewayId, string topic) =>
        Topics.TryParse(topic, out var id, out var leaf, out var stream)
        && id == gatewayId
        && (leaf == "status" || (leaf == "up" && stream is not null && stream.IndexOfAny(['+', '#']) < 0));

    /// <summary>Exactly its ack, config, cmd and tasks topics: no wildcards, no shared subscriptions.</summary>
    public static bool MaySubscribe(string gatewayId, string topicFilter) =>
        topicFilter == Topics.Ack(gatewayId) || topicFilter == Topics.Config(gatewayId) || topicFilter == Topics.Command(gatewayId)
        || topicFilter == Topics.Tasks(gatewayId);
}
