using System.Net;
using GridEdge.Edge.Alerts;
using GridEdge.Edge.Commands;
using GridEdge.Edge.Hosting;
using GridEdge.Edge.Terminals;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using static GridEdge.Edge.Tests.Terminals.TerminalApiFixture;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Edge.Tests.Terminals;

/// <summary>The terminal directory from the server's configuration: applied, refused when wrong, and in force after a restart without uplink.</summary>
public sealed class TerminalDirectoryTests
{
    private const string Gateway = "gw-term-1";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CommandService Commands(string dataDirectory, EdgeOutbox outbox, AlertEngine engine, TerminalDirectoryStore store) =>
        new(engine, () => null, () => (DateTimeOffset.UtcNow, ClockQuality.NetworkSynced), outbox, dataDirectory, "local", NullLogger<CommandService>.Instance)
        {
            GatewayId = Gateway,
            TerminalDirectoryStore = store,
        };

    [Fact]
    public async Task A_directory_from_the_server_is_applied_kept_the_rules_and_serves_terminals_after_a_restart()
    {
        using var dir = new TempDirectory();
        var engine = new AlertEngine(AlertRules.Defaults());
        var rulesBefore = engine.Rules;
        await using (var api = await StartAsync(dataDirectory: dir.Path))
        {
            // No directory yet: every terminal is refused.
            using var before = await api.PostAsync("/api/v1/checkins", CheckInJson());
            Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);

            var commands = Commands(dir.Path, api.Outbox, engine, api.Directory);
            // Empty AlertRules: the server has set no rules yet, the ones in effect stay.
            var result = await commands.ApplyAsync(new GatewayConfig(Gateway, "cfg-1", "", DirectoryJson(includeTerminal2: true)), Ct);

            Assert.Equal(CommandOutcome.Ok, result!.Outcome);
            Assert.Contains("kept the alert rules", result.Detail);
            Assert.Contains("2 terminals", result.Detail);
            Assert.Same(rulesBefore, engine.Rules);
            Assert.Equal("cfg-1", commands.ConfigVersion);
            Assert.False(File.Exists(Path.Combine(dir.Path, CommandService.RulesFileName)));
            using var after = await api.PostAsync("/api/v1/checkins", CheckInJson());
            Assert.Equal(HttpStatusCode.Created, after.StatusCode);
            Assert.False(File.Exists(Path.Combine(dir.Path, TerminalDirectoryStore.FileName + ".tmp")));
        }

        // Rebooted without uplink: the stored directory is in force, boundary included.
        await using var restarted = await StartAsync(dataDirectory: dir.Path);
        Assert.Equal(2, restarted.Directory.Directory.Terminals.Count);
        using var response = await restarted.PostAsync("/api/v1/checkins", CheckInJson());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("inside", (await JsonOf(response)).GetProperty("geofence").GetString());
    }

    [Fact]
    public async Task A_config_with_a_bad_directory_is_rejected_whole_naming_every_problem()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        var store = new TerminalDirectoryStore(dir.Path);
        store.Apply(Prepare(DirectoryJson(includeTerminal2: false)));
        var engine = new AlertEngine(AlertRules.Defaults());
        var rulesBefore = engine.Rules;
        var commands = Commands(dir.Path, outbox, engine, store);
        var newRules = AlertRules.Defaults();
        newRules.Dust = [];
        const string badDirectory = """
            {"terminals":[{"terminalId":"t 1","memberId":"m-1","gridCode":"12","tokenSha256":"xyz"}],
             "grids":[{"gridCode":"370102001001","name":"V","boundary":{"type":"Point","coordinates":[117,36]}}]}
            """;

        var result = await commands.ApplyAsync(new GatewayConfig(Gateway, "cfg-2", newRules.ToJson(), badDirectory), Ct);

        Assert.Equal(CommandOutcome.Rejected, result!.Outcome);
        Assert.Contains("terminals: $.terminals[0].terminalId", result.Detail);
        Assert.Contains("$.terminals[0].gridCode", result.Detail);
        Assert.Contains("$.terminals[0].tokenSha256", result.Detail);
        // The rules were fine, but the whole configuration is refused.
        Assert.Same(rulesBefore, engine.Rules);
        Assert.Equal("local", commands.ConfigVersion);
        Assert.Equal("term-1", Assert.Single(store.Directory.Terminals).TerminalId);

        // A boundary that is not a polygon is named too.
        var pointGrid = DirectoryJson(includeTerminal2: false).Replace("\"Polygon\"", "\"Point\"");
        var second = await commands.ApplyAsync(new GatewayConfig(Gateway, "cfg-3", "", pointGrid), Ct);
        Assert.Equal(CommandOutcome.Rejected, second!.Outcome);
        Assert.Contains("$.grids[0].boundary.type", second.Detail);
        Assert.Single(new TerminalDirectoryStore(dir.Path).Directory.Terminals);
    }

    [Fact]
    public async Task A_config_with_rules_and_no_directory_leaves_the_directory_as_it_is()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        var store = new TerminalDirectoryStore(dir.Path);
        store.Apply(Prepare(DirectoryJson(includeTerminal2: true)));
        var engine = new AlertEngine(AlertRules.Defaults());
        var rules = AlertRules.Defaults();
        rules.Dust = [];

        var result = await Commands(dir.Path, outbox, engine, store).ApplyAsync(new GatewayConfig(Gateway, "rules-1", rules.ToJson()), Ct);

        Assert.Equal(CommandOutcome.Ok, result!.Outcome);
        Assert.Empty(engine.Rules.Dust);
        Assert.Equal(2, store.Directory.Terminals.Count);
    }

    [Fact]
    public async Task A_taken_port_does_not_stop_the_gateway_and_the_api_listens_once_it_is_free()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        var blocker = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;
        await using var service = new TerminalApiService(new TerminalOptions { Enabled = true, Url = $"http://127.0.0.1:{port}" }, dir.Path, outbox,
            GridEdge.Edge.Time.GatewayClock.ForThisBoot(), new TerminalDirectoryStore(dir.Path), NullLoggerFactory.Instance) { RetryInterval = TimeSpan.FromMilliseconds(100) };

        await service.StartAsync(Ct);
        Assert.Null(service.BaseAddress);

        blocker.Stop();
        await Eventually.True(() => service.BaseAddress is not null, "the API to listen once the port is free");
        Assert.Equal(port, service.BaseAddress?.Port);
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        using var status = await http.GetAsync("/api/v1/status", Ct);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        await service.StopAsync(Ct);
    }

    [Fact]
    public void Terminal_options_are_checked_at_start_naming_the_key()
    {
        var options = new EdgeOptions { GatewayId = "gw-1" };
        options.Terminals.AttachmentChunkBytes = 1024 * 1024;
        options.Terminals.Url = "localhost:8080";
        options.Terminals.MaxAccuracyMeters = 0;
        options.Terminals.IdempotencyRetentionDays = 0;

        var result = new EdgeOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Edge:Terminals:AttachmentChunkBytes is '1048576'", result.FailureMessage);
        Assert.Contains("Edge:Terminals:Url is 'localhost:8080'", result.FailureMessage);
        Assert.Contains("Edge:Terminals:MaxAccuracyMeters is '0'", result.FailureMessage);
        Assert.Contains("Edge:Terminals:IdempotencyRetentionDays is '0'; expected 1-365 days", result.FailureMessage);
    }

    [Fact]
    public void Distances_to_the_boundary_are_in_metres()
    {
        var area = Assert.IsType<GridArea>(GridArea.Parse(System.Text.Json.JsonDocument.Parse(Boundary1).RootElement, "$", out _));
        // 0.001° of latitude is about 111 m; the southern edge is at 36.00.
        Assert.InRange(area.DistanceToBoundaryMeters(36.001, 117.005), 110, 112.5);
        Assert.True(area.Contains(36.001, 117.005));
        Assert.False(area.Contains(36.010, 117.010));
    }
}
