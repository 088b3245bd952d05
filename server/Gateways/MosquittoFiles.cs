using System.Reflection;
using System.Text;

namespace GridEdge.Server.Gateways;

/// <summary>
/// Mosquitto's password file and ACL for the server's gateways: the ingest user and every active issued account, in
/// Mosquitto's own <c>$7$</c> hash (the stored hash itself: Mosquitto needs no clear password), and the shipped ACL
/// (server/Broker/mosquitto/acl) with the ingest user's name.
/// </summary>
public static class MosquittoFiles
{
    /// <summary>The ingest user's name in the shipped ACL.</summary>
    public const string ShippedIngestUser = "gridedge-ingest";

    /// <summary>The password file's lines: the ingest user first, then each active account by gateway id.</summary>
    public static string PasswordFile(string ingestUser, string ingestPasswordHash, IEnumerable<GatewayCredential> accounts)
    {
        var text = new StringBuilder().Append(ingestUser).Append(':').Append(ingestPasswordHash).Append('\n');
        // Mosquitto keeps one password per user: during a rotation's grace period it takes only the new one.
        foreach (var a in accounts.Where(a => a.Active && a.Gateway != ingestUser).OrderBy(a => a.Gateway, StringComparer.Ordinal))
            text.Append(a.Gateway).Append(':').Append(a.PasswordHash).Append('\n');
        return text.ToString();
    }

    /// <summary>The shipped ACL with <paramref name="ingestUser"/> in place of <see cref="ShippedIngestUser"/>.</summary>
    public static string Acl(string ingestUser)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("GridEdge.Server.Broker.mosquitto.acl")
            ?? throw new InvalidOperationException("the shipped Mosquitto ACL is not embedded in the server assembly");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Replace($"\nuser {ShippedIngestUser}\n", $"\nuser {ingestUser}\n", StringComparison.Ordinal);
    }

    /// <summary>
    /// Writes <paramref name="text"/> over <paramref name="path"/> in place, so an existing file keeps the owner and mode
    /// the deployment gave it (Mosquitto reads it as its own user after dropping root); Mosquitto rereads it on SIGHUP.
    /// </summary>
    public static void Write(string path, string text) => File.WriteAllText(path, text, new UTF8Encoding(false));
}
