using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using GridEdge.Protocol.Wire;
using GridEdge.Testing;
using Npgsql;
using Xunit;

namespace GridEdge.Integration.Tests;

/// <summary>
/// Two server nodes on one PostgreSQL ledger behind Mosquitto's shared subscription, as a city runs them: a node killed
/// mid-stream loses nothing, duplicates nothing, and its duties move to the survivor: a photo the dead node took in is
/// served by the survivor, and a terminal registered after the kill reaches the gateway.
/// </summary>
public sealed class MultiNodeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(180);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void Log(string line)
    {
        try { output.WriteLine(line); }
        catch (InvalidOperationException) { }
    }

    [Fact(Timeout = 420_000)]
    public async Task Killing_one_of_two_nodes_mid_stream_stores_every_record_once_and_the_survivor_takes_its_duties()
    {
        using var dir = new TempDirectory("two-nodes");
        await using var postgres = await PostgresCluster.StartAsync(log: Log);
        var ledger = await postgres.CreateDatabaseAsync("ledger");
        GatewayAccount[] gateways = [new("gw-node-1", "pw-" + Guid.NewGuid().ToString("N")[..10]), new("gw-node-2", "pw-" + Guid.NewGuid().ToString("N")[..10])];
        using var broker = await ExternalBroker.StartAsync(dir, gateways, Log);
        using var a = new ServerHost(dir.File("node-a"), gateways, Log, broker) { ExtraArgs = [.. ServerHost.Postgres(ledger), "--Server:Broker:ClientId=gridedge-ingest-a"] };
        using var b = new ServerHost(dir.File("node-b"), gateways, Log, broker) { ExtraArgs = [.. ServerHost.Postgres(ledger), "--Server:Broker:ClientId=gridedge-ingest-b"] };
        foreach (var node in new[] { a, b }) Directory.CreateDirectory(node.DataDirectory);
        await a.StartAsync();
        await b.StartAsync();
        const int each = 25_000;
        var edges = gateways.Select(g => new EdgeHost(dir.File($"edge-{g.Id}"), g, broker.Port, Log)).ToList();
        using var httpA = a.Http();
        // The grid of gateway 1 with a member and her terminal, registered on node A.
        var token = await OneVillageGrid.RegisterMemberWithTerminalAsync(httpA, gateways[0].Id, Ct);
        try
        {
            foreach (var edge in edges) edge.Start(each, "load-" + edge.DataDirectory[^1], "--Edge:Load:Concurrency=16");
            await a.WaitForJsonAsync($"/api/gateways/{gateways[0].Id}/terminal-directory", d => d.GetProperty("upToDate").GetBoolean(), "the directory applied on gateway 1", Long, Ct);

            // Check-ins and a problem with a photo among the readings.
            using var terminal = new HttpClient { BaseAddress = edges[0].TerminalApi, Timeout = TimeSpan.FromSeconds(10) };
            var fixTime = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()).ToOffset(TimeSpan.FromHours(8));
            for (var i = 0; i < 20; i++)
            {
                using var response = await terminal.SendAsync(TerminalRequests.Post("/api/v1/checkins", token, $"ci-{i}", new
                {
                    memberId = "m-wang-li", terminalId = "t-0042", gridCode = OneVillageGrid.Village, latitude = 36.65, longitude = 117.12,
                    accuracyMeters = 5.0, fixTime = fixTime.AddSeconds(i),
                }), Ct);
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }
            var photo = RandomNumberGenerator.GetBytes(400_000);
            var sha = await TerminalRequests.UploadAsync(terminal, token, photo, 150_000, Ct);
            using (var problem = await terminal.SendAsync(TerminalRequests.Post("/api/v1/problems", token, "pb-1", new
            {
                memberId = "m-wang-li", terminalId = "t-0042", gridCode = OneVillageGrid.Village, latitude = 36.651, longitude = 117.121,
                category = "straw_burning", description = "秸秆焚烧", attachments = new[] { sha },
            }), Ct))
                Assert.Equal(HttpStatusCode.Created, problem.StatusCode);
            await Eventually.True(async () => (await httpA.GetAsync($"/api/attachments/{sha}", Ct)).StatusCode == HttpStatusCode.OK, "the photo in the ledger", Long);

            // Both nodes ingest (the shared subscription splits the batches); node A, holding the duties, is killed.
            await Eventually.True(async () => await CountAsync(ledger) >= 10_000, "10,000 readings stored", Long);
            await Eventually.True(async () => (await HoldersAsync(ledger)).Count > 0, "a node holds the duties", Long);
            var holder = (await HoldersAsync(ledger)).First();
            var (victim, survivor) = holder.Contains($"-{a.Process.Id}-", StringComparison.Ordinal) ? (a, b) : (b, a);
            var killedWith = await CountAsync(ledger);
            var inFlight = gateways.Select((g, i) => (g.Id, Seq: PublishedUpTo(edges[i]))).ToList();
            victim.Kill();
            var killedAt = Stopwatch.StartNew();
            Log($"killed the duty holder with {killedWith} readings stored");

            await Eventually.True(async () => (await HoldersAsync(ledger)).All(h => h.Contains($"-{survivor.Process.Id}-", StringComparison.Ordinal)),
                "the survivor takes every duty", TimeSpan.FromSeconds(15));
            var moved = killedAt.Elapsed;
            // What the gateways had published when the node died is in the ledger once they resend it to the survivor.
            await Eventually.True(async () =>
            {
                foreach (var (id, seq) in inFlight) if (await CountUpToAsync(ledger, id, seq) < seq) return false;
                return true;
            }, "every batch in flight at the kill stored", Long);
            Log($"every batch in flight at the kill ({string.Join(", ", inFlight.Select(f => $"{f.Id} up to {f.Seq}"))}) stored {killedAt.Elapsed.TotalSeconds:0.0} s after it");
            foreach (var edge in edges) await edge.Process.WaitForLineAsync(l => l.StartsWith("LOAD DONE"), Long);
            foreach (var edge in edges) await edge.WaitForAcknowledgedAsync(Streams.Readings, each, Long);
            Log($"duties moved {moved.TotalSeconds:0.0} s after the kill; every batch acknowledged {killedAt.Elapsed.TotalSeconds:0.0} s after it");

            Assert.True(moved < TimeSpan.FromSeconds(10), $"the duties moved after {moved.TotalSeconds:0.0} s");

            // The photo from the survivor, byte for byte; the check-ins once each.
            using var http = survivor.Http();
            Assert.Equal(photo, await http.GetByteArrayAsync($"/api/attachments/{sha}", Ct));
            await survivor.WaitForJsonAsync($"/api/checkins?gateway={gateways[0].Id}&limit=100", c => c.GetProperty("items").GetArrayLength() == 20, "20 check-ins once each", Long, Ct);

            // A terminal registered on the survivor after the kill reaches the gateway (the survivor now publishes directories).
            var resultsAcked = AckedCommandResults(edges[0]);
            using (var issue = await http.PostAsJsonAsync("/api/terminals", new { id = "t-0043", member = "m-wang-li" }, Ct))
                Assert.Equal(HttpStatusCode.Created, issue.StatusCode);
            await survivor.WaitForJsonAsync($"/api/gateways/{gateways[0].Id}/terminal-directory",
                d => d.GetProperty("upToDate").GetBoolean() && d.GetProperty("terminals").GetInt32() == 2, "the new terminal applied on gateway 1", Long, Ct);
            // The gateway's answer to that configuration is acknowledged too before its outbox is looked at.
            await Eventually.True(() => AckedCommandResults(edges[0]) > resultsAcked, "the gateway's command result acknowledged", Long);
            foreach (var g in gateways)
            {
                var (rows, distinct, max) = await SeqsAsync(ledger, g.Id);
                Assert.Equal((each, each, each), (rows, distinct, max));
            }
            foreach (var edge in edges)
            {
                await edge.Process.StopAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(0, OutboxProbe.Backlog(edge.DataDirectory));
            }
            var readings = await survivor.GetJsonAsync($"/api/readings?gateway={gateways[0].Id}&limit=1");
            Assert.Equal(1, readings.GetProperty("items").GetArrayLength());
        }
        finally
        {
            foreach (var edge in edges) edge.Dispose();
        }
    }

    private static long PublishedUpTo(EdgeHost edge) =>
        edge.Process.Lines.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"Publishing readings \d+-(\d+) "))
            .Where(m => m.Success).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();

    private static async Task<long> CountUpToAsync(string ledger, string gateway, long seq)
    {
        await using var connection = new NpgsqlConnection(ledger);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM readings WHERE gateway = @g AND stream = 'readings' AND seq <= @s;", connection);
        command.Parameters.AddWithValue("g", gateway);
        command.Parameters.AddWithValue("s", seq);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static int AckedCommandResults(EdgeHost edge) =>
        edge.Process.Lines.Count(l => l.Contains($"Server acknowledged {Streams.CommandResults} ", StringComparison.Ordinal));

    private static async Task<long> CountAsync(string ledger)
    {
        await using var connection = new NpgsqlConnection(ledger);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM readings;", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<(long Rows, long Distinct, long Max)> SeqsAsync(string ledger, string gateway)
    {
        await using var connection = new NpgsqlConnection(ledger);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*), COUNT(DISTINCT seq), COALESCE(MAX(seq), 0) FROM readings WHERE gateway = @g AND stream = 'readings';", connection);
        command.Parameters.AddWithValue("g", gateway);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static async Task<List<string>> HoldersAsync(string ledger)
    {
        await using var connection = new NpgsqlConnection(ledger);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT holder FROM duty_leases WHERE expires_at > (extract(epoch from now()) * 1000)::bigint;", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var holders = new List<string>();
        while (await reader.ReadAsync()) holders.Add(reader.GetString(0));
        return holders;
    }
}
