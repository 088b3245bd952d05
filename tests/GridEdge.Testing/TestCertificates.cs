using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GridEdge.Testing;

/// <summary>
/// A certificate authority made by the test, and a server certificate it signed for 127.0.0.1 and localhost, written as
/// PEM files (ca.pem, server.pem, server.key) for Mosquitto, Kestrel and the clients that must trust the CA.
/// </summary>
public sealed class TestCertificates
{
    private TestCertificates(string ca, string certificate, string key, X509Certificate2 authority)
    {
        CaFile = ca;
        CertificateFile = certificate;
        KeyFile = key;
        Authority = authority;
    }

    public string CaFile { get; }
    public string CertificateFile { get; }
    public string KeyFile { get; }
    public X509Certificate2 Authority { get; }

    public static TestCertificates Create(TempDirectory dir)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=GridEdge test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8));

        File.WriteAllText(dir.File("ca.pem"), ca.ExportCertificatePem());
        File.WriteAllText(dir.File("server.pem"), server.ExportCertificatePem());
        File.WriteAllText(dir.File("server.key"), serverKey.ExportPkcs8PrivateKeyPem());
        return new TestCertificates(dir.File("ca.pem"), dir.File("server.pem"), dir.File("server.key"), X509CertificateLoader.LoadCertificate(ca.RawData));
    }

    /// <summary>An HTTP handler that trusts this CA only (as a client configured with the deployment's CA file).</summary>
    public HttpClientHandler TrustingHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(Authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate);
        },
    };
}
