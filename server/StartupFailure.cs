using System.Net.Sockets;

namespace GridEdge.Server;

/// <summary>Turns what stops the server at start into one line that names the setting to change.</summary>
internal static class StartupFailure
{
    public static string Describe(Exception e)
    {
        // Kestrel: IOException "Failed to bind to address http://127.0.0.1:5080: address already in use."
        if (e is IOException && (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } ||
                                 e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)))
            return $"Server:Http:Url (or --urls): {e.Message} Another process holds the port: stop it or choose another port.";
        if (e is IOException && e.Message.Contains("Failed to bind", StringComparison.Ordinal))
            return $"Server:Http:Url (or --urls): {e.Message}";
        // Our own exceptions already name their key (Server:Ledger:Path, Server:Broker:Host/Port, Server:Grid:SeedFile).
        var inner = e;
        while (inner is AggregateException { InnerException: { } next }) inner = next;
        return inner.Message.Contains("Server:", StringComparison.Ordinal) ? inner.Message : $"{inner.GetType().Name}: {inner.Message}";
    }
}
