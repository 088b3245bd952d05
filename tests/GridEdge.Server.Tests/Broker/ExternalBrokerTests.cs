using System.Buffers;
using System.Diagnostics;
using GridEdge.Protocol.Codecs;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Readings;
using GridEdge.Server.Tests.Support;
using MQTTnet;

namespace GridEdge.Server.Tests.Broker;

/// <summary>External mode against a real Mosquitto on loopback with the shipped ACL file.</summary>
public sealed class ExternalBrokerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Batch_through_mosquitto_is_committed_and_acked_and_the_shipped_acl_fences_gateways()
    {
        await using var mosquitto = await Mosquitto.StartAsync();
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Server:Broker:Mode"] = "external",
            ["Server:Broker:Port"] = mosquitto.Port.ToString(),
            ["Server:Broker:Username"] = "gridedge-ingest",
            ["Server:Broker:Password"] = Mosquitto.IngestPassword,
            ["Server:Broker:ClientId"] = "gridedge-ingest",
        });
        using (var http = server.Http())
            await WaitUntilAsync(async () => (await http.GetAsync("/health", Ct)).IsSuccessStatusCode); // subscribed

        using var alpha = new GatewayClient("gw-alpha", new MqttClientFactory().CreateMqttClient());
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).WithClientId("gw-alpha")
            .WithCredentials("gw-alpha", RunningServer.Gateways["gw-alpha"]).Build();
        Assert.Equal(MqttClientConnectResultCode.Success, (await alpha.Client.ConnectAsync(options, Ct)).ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await alpha.SubscribeAsync(Topics.Ack("gw-alpha"), Ct));

        await alpha.PublishAsync(Topics.Up("gw-alpha", Streams.Readings), WireCodec.Encode(Samples.Readings("gw-alpha", 1, 25), WireFormat.Binary), Ct);

        var message = alpha.Receive(TimeSpan.FromSeconds(15));
        var ack = WireCodec.Decode(message.Payload.ToArray<byte>());
        Assert.Equal(new Ack("gw-alpha", Streams.Readings, [new SeqRange(1, 25)]), ack.Value);
        Assert.Equal(PayloadHeader.BinaryContentType, message.ContentType);
        Assert.Equal(25, await server.Ledger.Readings.CountReadingsAsync(new ReadingQuery(Gateway: "gw-alpha"), Ct));

        // Last: Mosquitto 2.0.11 drops the connection right after refusing a publish (observed), taking unread acks with it.
        var forged = await alpha.PublishAsync(Topics.Up("gw-beta", Streams.Readings), WireCodec.Encode(Samples.Readings("gw-beta", 1, 5), WireFormat.Json), Ct);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        Assert.Equal(0, await server.Ledger.Readings.CountReadingsAsync(new ReadingQuery(Gateway: "gw-beta"), Ct));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met within 15 s");
            await Task.Delay(100, Ct);
        }
    }

    /// <summary>Debian's Mosquitto on a free port with a password file and server/Broker/mosquitto/acl.</summary>
    private sealed class Mosquitto : IAsyncDisposable
    {
        public const string IngestPassword = "ingest-secret-9";
        private readonly Process _process;
        private readonly TempFolder _folder;

        private Mosquitto(Process process, TempFolder folder, int port) { _process = process; _folder = folder; Port = port; }

        public int Port { get; }

        public static async Task<Mosquitto> StartAsync()
        {
            var binary = new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto" }.FirstOrDefault(File.Exists);
            if (binary is null) Assert.Skip("mosquitto is not installed (apt-get install mosquitto)");
            var folder = new TempFolder();
            var passwd = folder.File("passwd");
            File.WriteAllText(passwd, "");
            foreach (var (user, password) in RunningServer.Gateways.Append(new("gridedge-ingest", IngestPassword)))
            {
                using var p = Process.Start("mosquitto_passwd", ["-b", passwd, user, password]);
                await p.WaitForExitAsync(Ct);
                Assert.Equal(0, p.ExitCode);
            }
            var acl = Path.Combine(RepoRoot(), "server", "Broker", "mosquitto", "acl");
            var port = FreePort.Next();
            File.WriteAllText(folder.File("mosquitto.conf"), $"""
                listener {port} 127.0.0.1
                allow_anonymous false
                password_file {passwd}
                acl_file {acl}
                use_username_as_clientid true
                persistence false
                max_queued_messages 0
                max_inflight_messages 0
                log_dest stderr
                """);
            var process = Process.Start(new ProcessStartInfo(binary, ["-c", folder.File("mosquitto.conf")]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var ready = new TaskCompletionSource();
            process.ErrorDataReceived += (_, e) => { if (e.Data?.Contains("running") == true) ready.TrySetResult(); };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            return new Mosquitto(process, folder, port);
        }

        private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "") =>
            Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", ".."));

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            _folder.Dispose();
        }
    }
}
