using System.Diagnostics;
using GridEdge.Testing;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit;

namespace GridEdge.Integration.Tests;

/// <summary>
/// Gateway accounts the server issues, on Mosquitto from apt: the server's commands issue them and write the password
/// file and ACL; a gateway stays in its own subtree, and once revoked (files rewritten, Mosquitto reloaded) cannot connect.
/// </summary>
public sealed class MosquittoAccountsTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string IngestPassword = "ingest-test-password";

    private async Task<string> ServerAsync(TempDirectory dir, params string[] args)
    {
        using var process = HostProcess.StartDotnet("server", Loopback.HostDll("server", "GridEdge.Server"),
            [.. args, $"--Server:Ledger:Path={dir.File("ledger.db")}", $"--Server:Logs:Directory={dir.File("logs")}", $"--Server:Broker:Password={IngestPassword}"],
            output.WriteLine, dir.Path);
        Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        return string.Join('\n', process.Lines);
    }

    private static string PasswordIn(string text) =>
        text.Split('\n').Single(l => l.StartsWith("Password (shown only now): ", StringComparison.Ordinal))["Password (shown only now): ".Length..].Trim();

    private static async Task<(IMqttClient Client, MqttClientConnectResultCode Code)> ConnectAsync(int port, string user, string password)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(user)
            .WithCredentials(user, password).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithTimeout(TimeSpan.FromSeconds(5)).Build(), Ct);
        return (client, result.ResultCode);
    }

    private static MqttApplicationMessage Uplink(string topic, string payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(System.Text.Encoding.UTF8.GetBytes(payload)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    [Fact(Timeout = 120_000)]
    public async Task A_gateway_issued_by_the_server_stays_in_its_subtree_on_mosquitto_and_cannot_connect_once_revoked()
    {
        using var dir = new TempDirectory("mosquitto-accounts");
        var alpha = PasswordIn(await ServerAsync(dir, "gateways", "add", "gw-370102-001", "--township", "370102001"));
        var beta = PasswordIn(await ServerAsync(dir, "gateways", "add", "gw-370102-002"));
        await ServerAsync(dir, "gateways", "mosquitto", "--passwd", dir.File("passwd"), "--acl", dir.File("acl"));
        var port = Loopback.FreePort();
        File.WriteAllText(dir.File("mosquitto.conf"), ExternalBroker.ShippedConfiguration(port, dir.File("passwd"), dir.File("acl")));
        using var mosquitto = HostProcess.Start("mosquitto", "/usr/sbin/mosquitto", ["-c", dir.File("mosquitto.conf")], output.WriteLine);
        await Loopback.WaitForListenerAsync(port, TimeSpan.FromSeconds(10), () => mosquitto.HasExited);

        var (ingest, ingestCode) = await ConnectAsync(port, "gridedge-ingest", IngestPassword);
        using var _i = ingest;
        var seen = new List<string>();
        ingest.ApplicationMessageReceivedAsync += e => { lock (seen) seen.Add(e.ApplicationMessage.Topic); return Task.CompletedTask; };
        await ingest.SubscribeAsync("gridedge/v1/#", MqttQualityOfServiceLevel.AtLeastOnce, Ct);
        var (gateway, code) = await ConnectAsync(port, "gw-370102-001", alpha);
        using var _g = gateway;

        // Mosquitto 2.0.11 answers a forbidden QoS 1 publish by dropping the connection (others answer NotAuthorized).
        bool forgedRefused;
        try
        {
            var forged = await gateway.PublishAsync(Uplink("gridedge/v1/gw-370102-002/up/readings", "forged"), Ct);
            forgedRefused = forged.ReasonCode == MqttClientPublishReasonCode.NotAuthorized;
        }
        catch (MQTTnet.Exceptions.MqttClientDisconnectedException) { forgedRefused = true; }
        var (again, againCode) = await ConnectAsync(port, "gw-370102-001", alpha);
        using var _a = again;
        await again.PublishAsync(Uplink("gridedge/v1/gw-370102-001/up/readings", "own"), Ct);
        await Eventually.True(() => { lock (seen) return seen.Contains("gridedge/v1/gw-370102-001/up/readings"); }, "the gateway's own uplink to reach the ingest user");
        // Mosquitto grants any subscription and applies the ACL to each message it would deliver: the gateway, subscribed
        // to its own cmd, another's and everything, gets only its own command.
        var received = new List<string>();
        again.ApplicationMessageReceivedAsync += e => { lock (received) received.Add(e.ApplicationMessage.Topic); return Task.CompletedTask; };
        foreach (var filter in new[] { "gridedge/v1/gw-370102-001/cmd", "gridedge/v1/gw-370102-002/cmd", "gridedge/v1/#" })
            await again.SubscribeAsync(filter, MqttQualityOfServiceLevel.AtLeastOnce, Ct);
        await ingest.PublishAsync(Uplink("gridedge/v1/gw-370102-002/cmd", "for beta"), Ct);
        await ingest.PublishAsync(Uplink("gridedge/v1/gw-370102-001/cmd", "for alpha"), Ct);
        await Eventually.True(() => { lock (received) return received.Count > 0; }, "the gateway's own command");

        Assert.Equal((MqttClientConnectResultCode.Success, MqttClientConnectResultCode.Success, MqttClientConnectResultCode.Success), (ingestCode, code, againCode));
        Assert.True(forgedRefused, "a publish to another gateway's uplink was accepted");
        lock (seen) Assert.DoesNotContain("gridedge/v1/gw-370102-002/up/readings", seen); // sent before the own one reached the ingest user
        lock (received) Assert.Equal(["gridedge/v1/gw-370102-001/cmd"], received.Distinct()); // beta's was sent first

        await ServerAsync(dir, "gateways", "revoke", "gw-370102-001");
        await ServerAsync(dir, "gateways", "mosquitto", "--passwd", dir.File("passwd"), "--acl", dir.File("acl"));
        using (var hup = Process.Start("kill", ["-HUP", mosquitto.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!) await hup.WaitForExitAsync(Ct);

        await Eventually.True(async () =>
        {
            var (again, result) = await ConnectAsync(port, "gw-370102-001", alpha);
            again.Dispose();
            return result == MqttClientConnectResultCode.NotAuthorized || result == MqttClientConnectResultCode.BadUserNameOrPassword;
        }, "the revoked gateway to be refused after the reload");
        var (still, stillCode) = await ConnectAsync(port, "gw-370102-002", beta);
        still.Dispose();
        Assert.Equal(MqttClientConnectResultCode.Success, stillCode);
    }
}
