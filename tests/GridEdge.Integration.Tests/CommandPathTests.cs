using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridEdge.Testing;

namespace GridEdge.Integration.Tests;

/// <summary>
/// Commands and configuration from the server reach a real gateway process and its answers come back (issue 4): an alert
/// acknowledged through the API is acknowledged on the gateway, whose acknowledged transition fills acknowledged_by and the
/// response time in the server's ledger; a rules config the gateway refuses comes back with its reasons; one it accepts is
/// reported as the gateway's config version.
/// </summary>
public class CommandPathTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }

    private static Task<JsonElement> WaitForAsync(ServerHost server, string path, Func<JsonElement, bool> done, string what) =>
        server.WaitForJsonAsync(path, done, what, Long, Ct);

    [Fact(Timeout = 180_000)]
    public async Task An_alert_acknowledged_through_the_api_is_acknowledged_on_the_gateway_and_a_refused_config_comes_back_with_its_reasons()
    {
        using var dir = new TempDirectory("command-path");
        var gw = new GatewayAccount("gw-cmd-1", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        using var server = new ServerHost(dir.File("server"), [gw], Log);
        Directory.CreateDirectory(server.DataDirectory);
        var rules = LoadDustRule.Write(dir);
        await server.StartAsync();
        using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, Log);
        edge.Start(200, "load-x", $"--Edge:Alerts:RulesFile={rules}", "--Edge:Alerts:TickSeconds=3600");
        using var http = server.Http();

        // 1. The alert is raised on the gateway and reaches the ledger.
        var alerts = await WaitForAsync(server, $"/api/alerts?gateway={gw.Id}", a => a.GetProperty("items").GetArrayLength() > 0, "the raised alert");
        var alertId = alerts.GetProperty("items")[0].GetProperty("alertId").GetString()!;

        // 2. Acknowledged through the API: a command to the gateway, whose acknowledged transition comes back.
        using (var response = await http.PostAsJsonAsync($"/api/alerts/{gw.Id}/{Uri.EscapeDataString(alertId)}/acknowledge", new { }, Ct))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var acknowledged = await WaitForAsync(server, $"/api/alerts?gateway={gw.Id}",
            a => a.GetProperty("items")[0].GetProperty("acknowledgedBy").ValueKind == JsonValueKind.String, "the acknowledged transition");
        var alert = acknowledged.GetProperty("items")[0];
        // Signed by whoever called: the administrator the test host created.
        Assert.Equal((server.Administrator, "acknowledged"), (alert.GetProperty("acknowledgedBy").GetString(), alert.GetProperty("state").GetString()));
        Assert.True(alert.GetProperty("responseMinutes").GetDouble() >= 0);
        var commands = await WaitForAsync(server, $"/api/gateways/{gw.Id}/commands",
            c => c.GetProperty("items").GetArrayLength() == 1 && c.GetProperty("items")[0].GetProperty("result").ValueKind == JsonValueKind.Object, "the command result");
        Assert.Equal("ok", commands.GetProperty("items")[0].GetProperty("result").GetProperty("outcome").GetString());

        // 3. Rules the gateway refuses (server validation skipped): the old rules stay and the reasons come back.
        using (var put = await http.PutAsync($"/api/gateways/{gw.Id}/config/alert-rules?validate=false",
                   new StringContent("""{"dust":[{"id":"","quantity":"pm42","levels":[]}]}""", Encoding.UTF8, "application/json"), Ct))
            Assert.Equal(HttpStatusCode.Accepted, put.StatusCode);
        var refused = await WaitForAsync(server, $"/api/gateways/{gw.Id}/config", c => c.GetProperty("result").ValueKind == JsonValueKind.Object, "the config result");
        Assert.Equal("rules-1", refused.GetProperty("version").GetString());
        Assert.Equal("rejected", refused.GetProperty("result").GetProperty("outcome").GetString());
        Assert.Contains("pm42", refused.GetProperty("result").GetProperty("detail").GetString());

        // 4. Rules it accepts take effect and the gateway reports their version in its status.
        using (var put = await http.PutAsync($"/api/gateways/{gw.Id}/config/alert-rules",
                   new StringContent(File.ReadAllText(rules), Encoding.UTF8, "application/json"), Ct))
            Assert.Equal(HttpStatusCode.Accepted, put.StatusCode);
        var accepted = await WaitForAsync(server, $"/api/gateways/{gw.Id}/config",
            c => c.GetProperty("reportedVersion").GetString() == "rules-2" && c.GetProperty("result").ValueKind == JsonValueKind.Object, "the accepted config");
        Assert.Equal("ok", accepted.GetProperty("result").GetProperty("outcome").GetString());
        Assert.True(File.Exists(Path.Combine(edge.DataDirectory, "alert-rules.json")));

        await edge.Process.StopAsync(TimeSpan.FromSeconds(30));
    }
}
