using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Server.Gateways;
using GridEdge.Server.Tests.Support;
using GridEdge.Testing;
using MQTTnet;

namespace GridEdge.Server.Tests.Broker;

/// <summary>The embedded broker with accounts the server issues: over HTTP and by the command, rotated with a grace period, revoked at once.</summary>
public sealed class IssuedGatewayAccountTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<MqttClientConnectResultCode> ConnectAsync(RunningServer server, string id, string password, Action<IMqttClient>? keep = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(server.GatewayOptions(id, password), Ct);
            keep?.Invoke(client);
            return result.ResultCode;
        }
        finally
        {
            if (keep is null) client.Dispose();
        }
    }

    private static async Task<string> IssueAsync(HttpClient http, string id)
    {
        var response = await http.PostAsync($"/api/gateways/{id}/credentials", null, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(id, body.GetProperty("broker").GetProperty("username").GetString());
        return body.GetProperty("password").GetString()!;
    }

    [Fact(Timeout = 60_000)]
    public async Task A_gateway_issued_credentials_over_http_connects_and_is_disconnected_at_once_when_they_are_revoked()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:Broker:RevocationCheckSeconds"] = "3600" });
        using var http = server.Http();
        var password = await IssueAsync(http, "gw-370102-001");
        IMqttClient? connected = null;

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(server, "gw-370102-001", password + "x"));
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(server, "gw-370102-001", password, c => connected = c));
        using var _ = connected;
        var revoke = await http.DeleteAsync("/api/gateways/gw-370102-001/credentials", Ct);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        // The periodic check is an hour away: only the revocation itself can have closed the connection.
        await Eventually.True(() => !connected!.IsConnected, "the revoked gateway's connection to close");
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(server, "gw-370102-001", password));
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync("/api/gateways/gw-unknown/credentials", Ct)).StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task After_a_rotation_over_http_the_old_and_the_new_password_both_connect_during_the_grace_period()
    {
        await using var server = await RunningServer.StartAsync();
        using var http = server.Http();
        var old = await IssueAsync(http, "gw-370102-002");

        var response = await http.PostAsync("/api/gateways/gw-370102-002/credentials", null, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var @new = body.GetProperty("password").GetString()!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(body.GetProperty("rotated").GetBoolean());
        Assert.NotEqual(old, @new);
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(server, "gw-370102-002", old));
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(server, "gw-370102-002", @new));
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("/api/gateways/GW%20bad/credentials", null, Ct)).StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_revoke_command_in_another_process_disconnects_the_gateway_from_a_running_server()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:Broker:RevocationCheckSeconds"] = "1" });
        string[] ledger = [$"--Server:Ledger:Path={server.LedgerPath}", $"--Server:Logs:Directory={Path.GetDirectoryName(server.LedgerPath)}/cli-logs"];
        var (addStatus, addOut, _) = Run(["gateways", "add", "gw-370102-003", "--township", "370102003", .. ledger]);
        var config = JsonDocument.Parse(addOut[addOut.IndexOf('{', StringComparison.Ordinal)..]).RootElement.GetProperty("Edge");
        var password = config.GetProperty("Broker").GetProperty("Password").GetString()!;
        IMqttClient? connected = null;
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(server, "gw-370102-003", password, c => connected = c));
        using var _ = connected;

        var (revokeStatus, _, _) = Run(["gateways", "revoke", "gw-370102-003", .. ledger]);

        Assert.Equal((0, 0), (addStatus, revokeStatus));
        Assert.Equal("gw-370102-003", config.GetProperty("GatewayId").GetString());
        await Eventually.True(() => !connected!.IsConnected, "the gateway revoked by the command to be disconnected");
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(server, "gw-370102-003", password));
    }

    /// <summary>The server program's command line with the gateways command, as Program.cs composes it.</summary>
    internal static (int Status, string Out, string Error) Run(string[] args)
    {
        var cli = ServerCommandLine.Create(ServerCommandLine.ServerDescription, _ => 0, []);
        cli.Add(GatewayCredentialCommand.Create());
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var status = cli.Invoke(args, stdout, stderr);
        return (status, stdout.ToString(), stderr.ToString());
    }
}
