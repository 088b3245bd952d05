using GridEdge.Protocol.Wire;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GridEdge.Testing;

namespace GridEdge.Integration.Tests;

/// <summary>
/// Enforcement terminals through a real gateway process into the real server's patrol and problem ledgers (issue 5):
/// the grid and a terminal are registered on the server, whose directory reaches the gateway; with the uplink down a
/// check-in (posted twice, as a terminal retrying) and a problem report with a photo are accepted by the gateway; after
/// the server returns, the check-in is in the patrol ledger once with every field, the problem in the problem ledger,
/// and the photo on the server byte for byte.
/// </summary>
public class TerminalPathTests(ITestOutputHelper output)
{
    private const string Township = OneVillageGrid.Township, Village = OneVillageGrid.Village;
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }

    private static Task<JsonElement> WaitForAsync(ServerHost server, string path, Func<JsonElement, bool> done, string what) =>
        server.WaitForJsonAsync(path, done, what, Long, Ct);

    private static HttpRequestMessage Post(string path, string token, string key, object body) => TerminalRequests.Post(path, token, key, body);

    [Theory(Timeout = 240_000)]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_check_in_accepted_while_the_uplink_is_down_is_in_the_patrol_ledger_once_after_reconnect(string ledger)
    {
        using var dir = new TempDirectory("terminal-path");
        var gw = new GatewayAccount("gw-term-1", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        await using var postgres = ledger == "postgres" ? await PostgresCluster.StartAsync(log: Log) : null;
        using var server = new ServerHost(dir.File("server"), [gw], Log)
        {
            ExtraArgs = postgres is null ? [] : ServerHost.Postgres(await postgres.CreateDatabaseAsync("ledger")),
        };
        Directory.CreateDirectory(server.DataDirectory);
        await server.StartAsync();
        using var http = server.Http();

        // 1. The grid, a member and the member's terminal on the server.
        var token = await OneVillageGrid.RegisterMemberWithTerminalAsync(http, gw.Id, Ct);

        // 2. The gateway starts and receives its directory (the server reports it applied).
        using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, Log);
        edge.Start(0, "none");
        await WaitForAsync(server, $"/api/gateways/{gw.Id}/terminal-directory", d => d.GetProperty("upToDate").GetBoolean(), "the directory applied on the gateway");

        // 3. The uplink goes down: the server is killed.
        server.Kill();
        using var terminal = new HttpClient { BaseAddress = edge.TerminalApi, Timeout = TimeSpan.FromSeconds(10) };
        // Within the gateway's window of record times (Edge:Terminals:MaxAgeDays); whole seconds, as a terminal sends them.
        var now = DateTimeOffset.UtcNow.AddMinutes(-30).ToOffset(TimeSpan.FromHours(8));
        var fixTime = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, now.Offset);
        var checkIn = new
        {
            memberId = "m-wang-li", terminalId = "t-0042", gridCode = Village, latitude = 36.65, longitude = 117.12,
            accuracyMeters = 6.5, fixTime, note = "东侧工地围挡完好",
        };
        JsonElement first, retry;
        using (var response = await terminal.SendAsync(Post("/api/v1/checkins", token, "ci-0001", checkIn), Ct))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            first = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        }
        // The terminal did not hear the answer and sends it again.
        using (var response = await terminal.SendAsync(Post("/api/v1/checkins", token, "ci-0001", checkIn), Ct))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            retry = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        }
        Assert.Equal(first.GetProperty("seq").GetInt64(), retry.GetProperty("seq").GetInt64());
        Assert.Equal("inside", first.GetProperty("geofence").GetString());

        // A problem report with a photo, uploaded in two pieces.
        var photo = RandomNumberGenerator.GetBytes(300_000);
        var sha = await TerminalRequests.UploadAsync(terminal, token, photo, 200_000, Ct);
        var problem = new
        {
            memberId = "m-wang-li", terminalId = "t-0042", gridCode = Village, latitude = 36.651, longitude = 117.121,
            address = "north field by the canal", category = "straw_burning", description = "a burning straw pile", attachments = new[] { sha },
        };
        using (var response = await terminal.SendAsync(Post("/api/v1/problems", token, "pb-0001", problem), Ct))
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        // 4. The server comes back: everything arrives, the check-in once.
        await server.StartAsync();
        var checkIns = await WaitForAsync(server, $"/api/checkins?gateway={gw.Id}", c => c.GetProperty("items").GetArrayLength() > 0, "the check-in in the patrol ledger");
        var problems = await WaitForAsync(server, $"/api/problems?grid={Township}", p => p.GetProperty("items").GetArrayLength() > 0, "the problem in the problem ledger");
        await Eventually.True(async () =>
        {
            using var response = await http.GetAsync($"/api/attachments/{sha}", Ct);
            return response.StatusCode == HttpStatusCode.OK;
        }, "the attachment on the server", Long);
        using (var stored = await http.GetAsync($"/api/attachments/{sha}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
            Assert.Equal(photo, await stored.Content.ReadAsByteArrayAsync(Ct));
        }
        var attachments = (await server.GetJsonAsync("/api/ingest/metrics")).GetProperty("attachments");
        Assert.Equal((1, 0), (attachments.GetProperty("completed").GetInt64(), attachments.GetProperty("mismatches").GetInt64()));
        // Whatever the gateway resends after the restart, the ledger holds the check-in once: looked at once the server's
        // ack has removed it from the gateway's outbox, so the gateway resends it no more.
        await edge.WaitForAcknowledgedAsync(Streams.CheckIns, 1, Long);
        checkIns = await server.GetJsonAsync($"/api/checkins?gateway={gw.Id}");
        var item = Assert.Single(checkIns.GetProperty("items").EnumerateArray());
        Assert.Equal("ci-0001", item.GetProperty("recordId").GetString());
        Assert.Equal("m-wang-li", item.GetProperty("memberId").GetString());
        Assert.Equal("t-0042", item.GetProperty("terminalId").GetString());
        Assert.Equal(Village, item.GetProperty("gridCode").GetString());
        Assert.Equal(6.5, item.GetProperty("accuracyMeters").GetDouble());
        Assert.Equal(fixTime, item.GetProperty("fixTime").GetDateTimeOffset());
        Assert.Equal("东侧工地围挡完好", item.GetProperty("note").GetString());
        Assert.Equal("inside", item.GetProperty("geofence").GetString());
        var reported = Assert.Single(problems.GetProperty("items").EnumerateArray());
        Assert.Equal("straw_burning", reported.GetProperty("category").GetString());
        Assert.Equal("reported", reported.GetProperty("state").GetString());
    }
}
