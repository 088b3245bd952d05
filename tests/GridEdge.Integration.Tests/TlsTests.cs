using System.Net;
using GridEdge.Testing;
using Xunit;

namespace GridEdge.Integration.Tests;

/// <summary>
/// TLS where a deployment needs it, with a CA the test makes: Mosquitto's listener and the server's HTTP API on
/// certificates that CA signed; the gateway and the server's ingest trust it through their CaFile settings.
/// </summary>
public sealed class TlsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }

    [Fact(Timeout = 180_000)]
    public async Task Records_travel_over_tls_to_mosquitto_and_the_api_answers_https_to_clients_trusting_the_ca_only()
    {
        using var dir = new TempDirectory("tls");
        var certificates = TestCertificates.Create(dir);
        var gw = new GatewayAccount("gw-tls-1", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        var untrusting = new GatewayAccount("gw-tls-2", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        using var broker = await ExternalBroker.StartAsync(dir, [gw, untrusting], Log,
            [$"cafile {certificates.CaFile}", $"certfile {certificates.CertificateFile}", $"keyfile {certificates.KeyFile}"]);
        var httpsPort = Loopback.FreePort();
        using var server = new ServerHost(dir.File("server"), [gw, untrusting], Log, broker);
        // Kestrel's endpoints replace Server:Http:Url: plain HTTP stays on loopback for the harness, HTTPS beside it.
        server.ExtraArgs =
        [
            "--Server:Broker:UseTls=true", $"--Server:Broker:CaFile={certificates.CaFile}",
            $"--Kestrel:Endpoints:Http:Url=http://127.0.0.1:{server.HttpPort}",
            $"--Kestrel:Endpoints:Https:Url=https://127.0.0.1:{httpsPort}",
            $"--Kestrel:Endpoints:Https:Certificate:Path={certificates.CertificateFile}",
            $"--Kestrel:Endpoints:Https:Certificate:KeyPath={certificates.KeyFile}",
        ];
        Directory.CreateDirectory(server.DataDirectory);
        await server.StartAsync();
        using var edge = new EdgeHost(dir.File("edge"), gw, broker.Port, Log);
        using var stranger = new EdgeHost(dir.File("edge-2"), untrusting, broker.Port, Log);

        edge.Start(500, "load-tls", "--Edge:Broker:UseTls=true", $"--Edge:Broker:CaFile={certificates.CaFile}", "--Edge:Terminals:Enabled=false");
        stranger.Start(50, "load-tls-2", "--Edge:Broker:UseTls=true", "--Edge:Terminals:Enabled=false");
        await LedgerReader.Of(server).WaitForCountAsync(gw.Id, 500, Long);

        // A gateway that does not trust the township's CA never hands its records to that broker.
        await Eventually.True(() => stranger.Process.Lines.Any(l => l.Contains("certificate", StringComparison.OrdinalIgnoreCase) || l.Contains("SSL", StringComparison.Ordinal)),
            "the untrusting gateway refusing the broker's certificate", Long);
        Assert.Equal(0, LedgerReader.Of(server).Count(untrusting.Id));

        using (var trusting = new HttpClient(certificates.TrustingHandler()) { BaseAddress = new Uri($"https://127.0.0.1:{httpsPort}"), Timeout = TimeSpan.FromSeconds(10) })
            Assert.Equal(HttpStatusCode.OK, (await trusting.GetAsync("/health", Ct)).StatusCode);
        using var system = new HttpClient { BaseAddress = new Uri($"https://127.0.0.1:{httpsPort}"), Timeout = TimeSpan.FromSeconds(10) };
        await Assert.ThrowsAsync<HttpRequestException>(() => system.GetAsync("/health", Ct));
    }
}
