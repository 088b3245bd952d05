using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GridEdge.Protocol.Hosting;

/// <summary>
/// The certificate authorities an MQTT client trusts for its broker's TLS certificate when they are not the system's
/// (a township network's own CA): a PEM file of one or more certificates, named by a configuration key.
/// </summary>
public static class BrokerTrust
{
    /// <summary>Reads the CA certificates of <paramref name="path"/>; throws naming <paramref name="key"/> when the file is missing or holds none.</summary>
    public static X509Certificate2Collection Load(string path, string key)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException($"{key} is '{path}': cannot read CA certificates from it ({e.Message}); expected a PEM file of the broker's CA", e);
        }
        if (certificates.Count == 0)
            throw new InvalidOperationException($"{key} is '{path}': it holds no certificate; expected a PEM file of the broker's CA (-----BEGIN CERTIFICATE-----)");
        return certificates;
    }
}
