using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;

namespace GridEdge.Server.Tests.Storage;

/// <summary>
/// A demo ledger (tests/testdata/ledger-v0) moved into PostgreSQL with <c>ledger copy</c>: a server on the copy answers
/// exactly as a server on the SQLite file for readings, alerts, check-ins, patrols, problems, photos and compliance.
/// </summary>
public sealed class LedgerCopyApiTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 180_000)]
    public async Task The_api_answers_the_same_on_the_postgres_copy_of_a_demo_ledger()
    {
        using var old = LedgerUpgradeTests.OldLedger.Load();
        var connection = await (await postgres.ClusterAsync()).CreateDatabaseAsync("copy");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await LedgerCommand.RunAsync(old.Path, connection, stdout, stderr, Ct);

        Assert.True(exit == 0, $"ledger copy exited {exit}: {stderr}\n{stdout}");
        Assert.Contains("photos: 3 complete, 3 copied now", stdout.ToString(), StringComparison.Ordinal);
        Dictionary<string, string> onSqlite, onPostgres;
        await using (var sqlite = await old.StartAsync())
            onSqlite = await AnswersAsync(sqlite);
        await using (var copy = await RunningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Server:Ledger:Provider"] = "postgres",
            ["Server:Ledger:ConnectionString"] = connection,
        }))
            onPostgres = await AnswersAsync(copy);

        Assert.Equal(onSqlite.Keys, onPostgres.Keys);
        foreach (var (what, answer) in onSqlite)
            Assert.True(answer == onPostgres[what], $"{what} differs:\nSQLite:     {Cut(answer)}\nPostgreSQL: {Cut(onPostgres[what])}");
        Assert.StartsWith("[{\"id\":", onSqlite["/api/problems?limit=1000"], StringComparison.Ordinal); // the comparison saw problems
    }

    private static string Cut(string text) => text.Length <= 600 ? text : text[..600] + "…";

    private static async Task<Dictionary<string, string>> AnswersAsync(RunningServer server)
    {
        using var http = server.Http();
        var answers = new Dictionary<string, string>();
        foreach (var list in new[] { "/api/readings?limit=1000", "/api/alerts?state=all&limit=1000", "/api/checkins?limit=1000", "/api/patrols?limit=1000", "/api/problems?limit=1000" })
            answers[list] = JsonSerializer.Serialize(await LedgerUpgradeTests.AllPagesAsync(http, list));
        answers["/api/compliance"] = await http.GetStringAsync("/api/compliance?grid=370100000000&week=2026-W50", Ct);
        var problems = await LedgerUpgradeTests.AllPagesAsync(http, "/api/problems?limit=1000");
        foreach (var sha in problems.SelectMany(p => p.GetProperty("attachments").EnumerateArray()).Select(a => a.GetString()!).Distinct().Order(StringComparer.Ordinal))
            answers[$"/api/attachments/{sha}"] = Convert.ToHexString(await http.GetByteArrayAsync($"/api/attachments/{sha}", Ct));
        var gateways = await http.GetFromJsonAsync<JsonElement>("/api/gateways", Ct);
        // Online state and last contact are the live server's, not the ledger's.
        answers["/api/gateways (ids, streams)"] = string.Join(";", gateways.EnumerateArray().Select(g => $"{g.GetProperty("id")}:{g.GetProperty("streams")}"));
        return answers;
    }
}
