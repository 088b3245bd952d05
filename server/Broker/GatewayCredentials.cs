using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Broker;

/// <summary>The gateways the embedded broker lets in, from Server:Gateways (and the demo's generated accounts).</summary>
public sealed class GatewayCredentials
{
    /// <summary>The placeholder password of the example gateway in appsettings.json.</summary>
    public const string ExamplePassword = "replace-this-example-password";

    private readonly ConcurrentDictionary<string, byte[]> _passwords = new(StringComparer.Ordinal);

    public GatewayCredentials(IOptions<ServerOptions> options)
    {
        foreach (var g in options.Value.Gateways) Add(g.Id, g.Password);
    }

    public IReadOnlyCollection<string> GatewayIds => _passwords.Keys.ToArray();

    /// <summary>Gateways still on the example password of appsettings.json.</summary>
    public IReadOnlyList<string> OnExamplePassword => _passwords.Keys.Where(id => Verify(id, ExamplePassword)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Adds or replaces a gateway's password.</summary>
    public void Add(string gatewayId, string password)
    {
        if (!Protocol.Wire.GatewayIds.IsValid(gatewayId)) throw new ArgumentException($"'{gatewayId}' is not a gateway id ({Protocol.Wire.GatewayIds.Rule})", nameof(gatewayId));
        ArgumentException.ThrowIfNullOrEmpty(password);
        _passwords[gatewayId] = Encoding.UTF8.GetBytes(password);
    }

    public bool Verify(string? gatewayId, string? password)
    {
        if (gatewayId is null || password is null || !_passwords.TryGetValue(gatewayId, out var expected)) return false;
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(password));
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

    /// <summary>Exactly its ack, config and cmd topics: no wildcards, no shared subscriptions.</summary>
    public static bool MaySubscribe(string gatewayId, string topicFilter) =>
        topicFilter == Topics.Ack(gatewayId) || topicFilter == Topics.Config(gatewayId) || topicFilter == Topics.Command(gatewayId);
}
