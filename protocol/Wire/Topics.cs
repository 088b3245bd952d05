using System.Diagnostics.CodeAnalysis;

namespace GridEdge.Protocol.Wire;

/// <summary>The MQTT topic tree: everything a gateway touches lives under <c>gridedge/v1/{gatewayId}/</c>.</summary>
public static class Topics
{
    public const string Root = "gridedge/v1/";

    public static string Prefix(string gatewayId) => $"{Root}{gatewayId}/";
    public static string Status(string gatewayId) => $"{Root}{gatewayId}/status";
    public static string Up(string gatewayId, string stream) => $"{Root}{gatewayId}/up/{stream}";
    public static string Ack(string gatewayId) => $"{Root}{gatewayId}/ack";
    public static string Config(string gatewayId) => $"{Root}{gatewayId}/config";
    public static string Command(string gatewayId) => $"{Root}{gatewayId}/cmd";
    public static string Tasks(string gatewayId) => $"{Root}{gatewayId}/tasks";

    /// <summary>Wildcard filters an ingest subscribes to.</summary>
    public const string AllUp = Root + "+/up/+";
    public const string AllStatus = Root + "+/status";

    /// <summary>Splits a topic into gateway id, leaf ("status", "up", "ack", "config", "cmd", "tasks") and stream (for "up").</summary>
    public static bool TryParse(string topic, [NotNullWhen(true)] out string? gatewayId, [NotNullWhen(true)] out string? leaf, out string? stream)
    {
        gatewayId = leaf = stream = null;
        if (!topic.StartsWith(Root, StringComparison.Ordinal)) return false;
        var parts = topic[Root.Length..].Split('/');
        if (parts.Length < 2 || !GatewayIds.IsValid(parts[0])) return false;
        gatewayId = parts[0];
        leaf = parts[1];
        if (leaf == "up")
        {
            if (parts.Length != 3 || parts[2].Length == 0) return false;
            stream = parts[2];
            return true;
        }
        return parts.Length == 2;
    }
}

/// <summary>What a gateway id may look like: it becomes a topic level and a client id.</summary>
public static class GatewayIds
{
    public const int MaxLength = 64;

    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_')
        && id[0] != '-' && id[0] != '_';

    public const string Rule = "1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit";
}
