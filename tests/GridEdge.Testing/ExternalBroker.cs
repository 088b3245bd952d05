namespace GridEdge.Testing;

/// <summary>
/// Debian's Mosquitto 2.0.11, started by the test on a free loopback port with password and ACL files like the
/// ones shipped in server/Broker/mosquitto: each gateway may write only under its own id.
/// </summary>
public sealed class ExternalBroker : IDisposable
{
    private readonly HostProcess _process;

    private ExternalBroker(HostProcess process, int port, GatewayAccount ingest)
    {
        _process = process;
        Port = port;
        IngestUser = ingest;
    }

    public int Port { get; }
    public GatewayAccount IngestUser { get; }

    /// <summary>Starts Mosquitto; <paramref name="listenerOptions"/> are added to its listener (TLS: cafile, certfile, keyfile).</summary>
    public static async Task<ExternalBroker> StartAsync(TempDirectory dir, IReadOnlyList<GatewayAccount> gateways, Action<string>? log, IReadOnlyList<string>? listenerOptions = null)
    {
        var mosquitto = new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("mosquitto is not installed: run tests/run.sh, which installs it from apt");
        var ingest = new GatewayAccount("gridedge-ingest", "ingest-" + Guid.NewGuid().ToString("N")[..8]);
        var passwd = dir.File("passwd");
        File.WriteAllText(passwd, "");
        foreach (var account in gateways.Append(ingest))
        {
            using var p = System.Diagnostics.Process.Start("mosquitto_passwd", ["-b", passwd, account.Id, account.Password])!;
            await p.WaitForExitAsync();
            if (p.ExitCode != 0) throw new InvalidOperationException($"mosquitto_passwd failed for {account.Id}");
        }
        var shippedAcl = Path.Combine(Loopback.RepoRoot(), "server", "Broker", "mosquitto", "acl");
        var acl = dir.File("acl");
        File.Copy(shippedAcl, acl);
        var port = Loopback.FreePort();
        var conf = dir.File("mosquitto.conf");
        File.WriteAllText(conf, ShippedConfiguration(port, passwd, acl, listenerOptions ?? []));
        var process = HostProcess.Start("mosquitto", mosquitto, ["-c", conf], log);
        await Loopback.WaitForListenerAsync(port, TimeSpan.FromSeconds(10), () => process.HasExited);
        return new ExternalBroker(process, port, ingest);
    }

    /// <summary>
    /// The shipped server/Broker/mosquitto/mosquitto.conf with this test's listener, files and no persistence, so the
    /// tests run the limits and settings a deployment gets.
    /// </summary>
    public static string ShippedConfiguration(int port, string passwd, string acl, IReadOnlyList<string>? listenerOptions = null)
    {
        var shipped = File.ReadAllLines(Path.Combine(Loopback.RepoRoot(), "server", "Broker", "mosquitto", "mosquitto.conf"));
        var lines = new List<string>();
        foreach (var line in shipped)
        {
            var key = line.Split(' ', 2)[0];
            lines.Add(key switch
            {
                "listener" => string.Join('\n', [$"listener {port} 127.0.0.1", .. listenerOptions ?? []]),
                "password_file" => $"password_file {passwd}",
                "acl_file" => $"acl_file {acl}",
                "persistence" => "persistence false",
                "persistence_location" or "use_username_as_clientid" => "",
                _ => line,
            });
        }
        return string.Join('\n', lines) + '\n';
    }

    public void Dispose() => _process.Dispose();
}
