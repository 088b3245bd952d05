using GridEdge.Server.Periods;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridEdge.Server.Compliance;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;

namespace GridEdge.Server.Tests.Problems;

/// <summary>
/// On-time completion per grid and week (003: 未按规定时间处理办结的，每件减1分): finished on time, finished late with its hours,
/// open past the deadline; a late finish is judged by what was stored when it was finished, also after the problem is closed.
/// </summary>
public sealed class CompletionTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string County = "370102000000", TownA = "370102001000", VillageA1 = "370102001001", VillageA2 = "370102001002", VillageB1 = "370102002001";

    private static void Finished(GridRows rows, long id, string state, DateTimeOffset deadline, DateTimeOffset finishedAt) =>
        rows.Execute("UPDATE problems SET state = $1, deadline = $2, finish_deadline = $2, finished_at = $3, late_ms = $4 WHERE id = $5;", state,
            deadline.ToUnixTimeMilliseconds(), finishedAt.ToUnixTimeMilliseconds(), Math.Max(0, (finishedAt - deadline).Ticks / TimeSpan.TicksPerMillisecond), id);

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Deadlines_in_the_week_are_read_finished_by_the_stored_finish_and_open_once_past(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        using var rows = new GridRows(db);
        var ledger = new ProblemLedger(db);
        var week = PeriodRules.Default.Week(2026, 20);
        var d = week.From.AddDays(2);

        var onTime = rows.Problem(VillageA1, d.AddDays(-3));
        Finished(rows, onTime, "verified", d, d.AddHours(-1));
        var late = rows.Problem(VillageA1, d.AddDays(-3));
        Finished(rows, late, "closed", d, d.AddHours(26));
        // Its deadline changed after it was finished: the week and the lateness it was finished with still hold.
        rows.Execute("UPDATE problems SET deadline = $1 WHERE id = $2;", d.AddDays(30).ToUnixTimeMilliseconds(), late);
        var open = rows.Problem(VillageA2, d.AddDays(-3), "assigned", d.AddHours(5), assignee: "li");
        // Finished late, then rejected at verification: open again, by its deadline now.
        var rejected = rows.Problem(VillageA2, d.AddDays(-3));
        Finished(rows, rejected, "planned", d.AddHours(1), d.AddHours(3));
        rows.Problem(VillageA1, d.AddDays(-9), "assigned", week.From.AddMinutes(-1), assignee: "li");
        rows.Problem(VillageB1, d.AddDays(-3), "assigned", d, assignee: "li");
        var transferred = rows.Problem(VillageA2, d.AddDays(-3), "transferred", d.AddHours(2), department: "zhujian");

        var found = await ledger.GetDeadlinesInAsync(TownA, week.From, week.To, week.To.AddDays(1), cancellationToken: Ct);
        Assert.Equal([onTime, late, open, rejected, transferred], found.Select(p => p.Id));
        var lateRow = found.Single(p => p.Id == late);
        Assert.Equal((d, d.AddHours(26), 26 * 3_600_000L, false), (lateRow.FinishDeadline, lateRow.FinishedAt, lateRow.LateMs, lateRow.Open));
        Assert.True(found.Single(p => p.Id == rejected).Open);

        // Before the open deadlines pass, only the finished ones count; a department sees only its own.
        Assert.Equal([onTime, late], (await ledger.GetDeadlinesInAsync(TownA, week.From, week.To, d.AddMinutes(30), cancellationToken: Ct)).Select(p => p.Id));
        Assert.Equal([transferred], (await ledger.GetDeadlinesInAsync(County, week.From, week.To, week.To, "zhujian", Ct)).Select(p => p.Id));
    }

    [Fact(Timeout = 60_000)]
    public async Task Completion_counts_on_time_late_with_hours_and_open_past_deadline_per_village_and_township_and_a_late_finish_after_closing()
    {
        await using var server = await RunningServer.StartAsync();
        using var rows = new GridRows(server.LedgerPath);
        await server.GridsAsync(VillageA1, VillageA2, VillageB1);
        using var county = server.Http((await server.UserAsync("county-li", "county", County)).ApiKey);
        using var township = server.Http((await server.UserAsync("town-zhang", "township", TownA)).ApiKey);
        var previous = PeriodRules.Default.Containing(PeriodKind.Week, DateTimeOffset.UtcNow.AddDays(-7));
        var d = previous.From.AddDays(2);

        // Late, through the lifecycle: assigned, its deadline then passed (written directly), rectified, verified and closed.
        var late = rows.Problem(VillageA1, d.AddDays(-3));
        async Task Post(string action, object body)
        {
            using var response = await township.PostAsJsonAsync($"/api/problems/{late}/{action}", body, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action}: {await response.Content.ReadAsStringAsync(Ct)}");
        }
        await Post("assign", new { assignee = "li", deadline = DateTimeOffset.UtcNow.AddDays(3).ToOffset(GridRows.Cst).ToString("yyyy-MM-dd'T'HH:mm:sszzz") });
        rows.Execute("UPDATE problems SET deadline = $1 WHERE id = $2;", d.ToUnixTimeMilliseconds(), late);
        await Post("rectify", new { result = "已洒水降尘" });
        await Post("verify", new { passed = true });
        await Post("close", new { comment = "销号" });
        var lateHours = (await township.GetFromJsonAsync<JsonElement>($"/api/problems/{late}", Ct)).GetProperty("handling").GetProperty("lateHours").GetDouble();
        Assert.True(lateHours > 24, $"late by {lateHours} hours");
        var onTime = rows.Problem(VillageA2, d.AddDays(-3));
        Finished(rows, onTime, "closed", d.AddHours(3), d.AddHours(1));
        var open = rows.Problem(VillageB1, d.AddDays(-3), "assigned", d.AddHours(1), assignee: "wang");
        rows.Problem(VillageA1, d.AddDays(-3), "assigned", previous.To.AddMinutes(1), assignee: "li");

        var report = await county.GetFromJsonAsync<JsonElement>($"/api/problems/completion?grid={County}&week={previous.Name}", Ct);
        Assert.Equal((previous.From, previous.To), (report.GetProperty("periodFrom").GetDateTimeOffset(), report.GetProperty("periodTo").GetDateTimeOffset()));
        var totals = report.GetProperty("totals");
        Assert.Equal(1, totals.GetProperty("closedOnTime").GetInt32());
        var closedLate = totals.GetProperty("closedLate");
        Assert.Equal((1, lateHours), (closedLate.GetProperty("count").GetInt32(), closedLate.GetProperty("hoursLate").GetDouble()));
        var item = closedLate.GetProperty("items").EnumerateArray().Single();
        Assert.Equal((late, VillageA1, d, lateHours, "已销号"), (item.GetProperty("id").GetInt64(), item.GetProperty("grid").GetString(),
            item.GetProperty("deadline").GetDateTimeOffset(), item.GetProperty("hoursLate").GetDouble(), item.GetProperty("stateName").GetString()));
        var pastDeadline = totals.GetProperty("openPastDeadline");
        Assert.Equal(1, pastDeadline.GetProperty("count").GetInt32());
        Assert.Equal((open, "扬尘"), (pastDeadline.GetProperty("items")[0].GetProperty("id").GetInt64(), pastDeadline.GetProperty("items")[0].GetProperty("categoryName").GetString()));

        static (string?, int, int, double, int) Row(JsonElement r) => (r.GetProperty("grid").GetString(), r.GetProperty("closedOnTime").GetInt32(),
            r.GetProperty("closedLate").GetProperty("count").GetInt32(), r.GetProperty("closedLate").GetProperty("hoursLate").GetDouble(),
            r.GetProperty("openPastDeadline").GetProperty("count").GetInt32());
        Assert.Equal([(TownA, 1, 1, lateHours, 0), ("370102002000", 0, 0, 0, 1)], report.GetProperty("townships").EnumerateArray().Select(Row));
        Assert.Equal([(VillageA1, 0, 1, lateHours, 0), (VillageA2, 1, 0, 0, 0), (VillageB1, 0, 0, 0, 1)], report.GetProperty("villages").EnumerateArray().Select(Row));
        Assert.False(report.GetProperty("villages")[0].GetProperty("closedLate").TryGetProperty("items", out _));

        // Without a grid: the caller's own; another township's village does not exist for it.
        var own = await township.GetFromJsonAsync<JsonElement>($"/api/problems/completion?week={previous.Name}", Ct);
        Assert.Equal(TownA, own.GetProperty("grid").GetString());
        Assert.Equal((1, 0), (own.GetProperty("totals").GetProperty("closedLate").GetProperty("count").GetInt32(),
            own.GetProperty("totals").GetProperty("openPastDeadline").GetProperty("count").GetInt32()));
        using (var outside = await township.GetAsync($"/api/problems/completion?grid={VillageB1}&week={previous.Name}", Ct))
            Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
        using (var badWeek = await county.GetAsync("/api/problems/completion?week=2026-49", Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badWeek.StatusCode);
            Assert.Equal("week", (await badWeek.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("field").GetString());
        }

        using var csv = await county.GetAsync($"/api/problems/completion?grid={County}&week={previous.Name}&format=csv", Ct);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var bytes = await csv.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', CompletionCsv.Headers), lines[0]);
        Assert.StartsWith($"县（区）,{County},grid {County},1,1,{lateHours.ToString(System.Globalization.CultureInfo.InvariantCulture)},1,{previous.Name},", lines[1]);
        Assert.Equal(1 + 1 + 2 + 3, lines.Length);
    }
}
