using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Server.Tests.Problems;
using GridEdge.Server.Tests.Support;
using static GridEdge.Server.Tests.Compliance.ComplianceScenario;

namespace GridEdge.Server.Tests.Reports;

/// <summary>Submitted reports (审定上报): frozen snapshots signed by the user, late flags, one per grid and period, the board, amendments next period.</summary>
public sealed class SubmissionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string TownshipA2 = "370102002000";

    [Fact(Timeout = 120_000)]
    public async Task A_submission_freezes_the_report_and_a_record_arriving_after_it_shows_as_an_amendment_next_week()
    {
        // Tuesday 2026-12-08 10:00 China time: 2026-W49 is due tomorrow at 12:00.
        var clock = new ManualClock(GridRows.Cn(2026, 12, 8, 10));
        await using var server = await RunningServer.StartAsync(extension: clock);
        using (var rows = new GridRows(server.LedgerPath)) Seed(rows);
        var township = await server.UserAsync("zhen", "township", TownshipA);
        using var http = server.Http(township.ApiKey);

        using var posted = await http.PostAsJsonAsync("/api/reports/submissions", new { period = Week }, Ct);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var submission = await posted.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal((TownshipA, Week, "week", "zhen", false), (submission.GetProperty("grid").GetString(), submission.GetProperty("period").GetString(),
            submission.GetProperty("kind").GetString(), submission.GetProperty("submittedBy").GetString(), submission.GetProperty("late").GetBoolean()));
        var id = submission.GetProperty("id").GetInt64();
        var frozen = (await http.GetFromJsonAsync<JsonElement>($"/api/reports/submissions/{id}", Ct)).GetProperty("snapshot");
        // Township A's own patrols and its villages': 5 counted of 9 recorded (ComplianceTests).
        Assert.Equal((5, 9), (frozen.GetProperty("compliance").GetProperty("totals").GetProperty("patrols").GetInt32(),
            frozen.GetProperty("compliance").GetProperty("totals").GetProperty("patrolsRecorded").GetInt32()));

        // A patrol of W49 uploaded after the submission: the snapshot stays as it was, the next week's report carries the amendment.
        using (var rows = new GridRows(server.LedgerPath)) rows.Patrol(A, "a1", GridRows.Cn(2026, 12, 5, 15, 0), 60, true, 1, GridRows.Cn(2026, 12, 8, 11, 0));
        clock.Time.Advance(TimeSpan.FromHours(2));
        var again = (await http.GetFromJsonAsync<JsonElement>($"/api/reports/submissions/{id}", Ct)).GetProperty("snapshot");
        Assert.Equal(frozen.GetRawText(), again.GetRawText());
        var now = await http.GetFromJsonAsync<JsonElement>($"/api/reports/week?period=2026-W49", Ct);
        Assert.Equal(6, now.GetProperty("compliance").GetProperty("totals").GetProperty("patrols").GetInt32());
        Assert.Empty(now.GetProperty("amendments").EnumerateArray());
        var next = await http.GetFromJsonAsync<JsonElement>($"/api/reports/week?period=2026-W50", Ct);
        var amendments = next.GetProperty("amendments").EnumerateArray().ToDictionary(a => a.GetProperty("figure").GetString()!);
        var patrols = amendments["patrols"];
        Assert.Equal((Week, TownshipA, id, 5, 6), (patrols.GetProperty("period").GetString(), patrols.GetProperty("grid").GetString(),
            patrols.GetProperty("submission").GetInt64(), patrols.GetProperty("submitted").GetInt32(), patrols.GetProperty("now").GetInt32()));
        Assert.Equal((9, 10), (amendments["patrolsRecorded"].GetProperty("submitted").GetInt32(), amendments["patrolsRecorded"].GetProperty("now").GetInt32()));
        Assert.Equal(["patrols", "patrolsRecorded"], amendments.Keys.Order(StringComparer.Ordinal));

        // A second submission of the same grid and period is refused, naming the one that stands.
        using var second = await http.PostAsJsonAsync("/api/reports/submissions", new { grid = TownshipA, period = Week }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var refused = await second.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(("period", id, "zhen"), (refused.GetProperty("field").GetString(), refused.GetProperty("existing").GetProperty("id").GetInt64(),
            refused.GetProperty("existing").GetProperty("submittedBy").GetString()));
    }

    [Fact(Timeout = 120_000)]
    public async Task The_board_shows_who_submitted_on_time_late_or_not_at_all_and_another_townships_grid_does_not_exist()
    {
        var clock = new ManualClock(GridRows.Cn(2026, 12, 9, 11));
        await using var server = await RunningServer.StartAsync(extension: clock);
        using (var rows = new GridRows(server.LedgerPath))
        {
            Seed(rows);
            rows.Grid(TownshipA2, 3, "乙镇", CountyA);
        }
        var township = await server.UserAsync("zhen", "township", TownshipA);
        var county = await server.UserAsync("qu", "county", CountyA);
        using var zhen = server.Http(township.ApiKey);
        using var qu = server.Http(county.ApiKey);

        using (var onTime = await zhen.PostAsJsonAsync("/api/reports/submissions", new { period = Week }, Ct))
            Assert.Equal(HttpStatusCode.Created, onTime.StatusCode);
        var before = await qu.GetFromJsonAsync<JsonElement>($"/api/reports/board?period={Week}", Ct);
        Assert.Equal(("2026-12-09T12:00:00+08:00", false), (before.GetProperty("dueAt").GetString(), before.GetProperty("pastDue").GetBoolean()));
        Assert.Equal(["missing", "submitted", "missing"], before.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("state").GetString()));

        // Past Wednesday 12:00 the county submits: late; township 乙镇 has not: overdue.
        clock.Time.Advance(TimeSpan.FromHours(2));
        using (var late = await qu.PostAsJsonAsync("/api/reports/submissions", new { period = Week }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, late.StatusCode);
            Assert.True((await late.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("late").GetBoolean());
        }
        var board = await qu.GetFromJsonAsync<JsonElement>($"/api/reports/board?grid={CountyA}&period={Week}", Ct);
        var rows2 = board.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("grid").GetString()!);
        Assert.Equal([CountyA, TownshipA, TownshipA2], rows2.Keys);
        Assert.Equal(("submitted", "qu", true), (rows2[CountyA].GetProperty("state").GetString(), rows2[CountyA].GetProperty("submittedBy").GetString(),
            rows2[CountyA].GetProperty("late").GetBoolean()));
        Assert.Equal(("submitted", "zhen", false), (rows2[TownshipA].GetProperty("state").GetString(), rows2[TownshipA].GetProperty("submittedBy").GetString(),
            rows2[TownshipA].GetProperty("late").GetBoolean()));
        Assert.Equal("overdue", rows2[TownshipA2].GetProperty("state").GetString());
        Assert.Equal((2, 1, true), (board.GetProperty("submitted").GetInt32(), board.GetProperty("missing").GetInt32(), board.GetProperty("pastDue").GetBoolean()));
        var listed = await qu.GetFromJsonAsync<JsonElement>($"/api/reports/submissions?period={Week}", Ct);
        Assert.Equal([CountyA, TownshipA], listed.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("grid").GetString()));

        // The township sees nothing of another township, nor of the county's own submission.
        var countySubmission = rows2[CountyA].GetProperty("submission").GetInt64();
        using (var other = await zhen.PostAsJsonAsync("/api/reports/submissions", new { grid = TownshipC, period = Week }, Ct))
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        using (var sibling = await zhen.PostAsJsonAsync("/api/reports/submissions", new { grid = TownshipA2, period = Week }, Ct))
            Assert.Equal(HttpStatusCode.NotFound, sibling.StatusCode);
        using (var read = await zhen.GetAsync($"/api/reports/submissions/{countySubmission}", Ct)) Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        using (var otherBoard = await zhen.GetAsync($"/api/reports/board?grid={TownshipC}", Ct)) Assert.Equal(HttpStatusCode.NotFound, otherBoard.StatusCode);
        // A village is reported in its township's report; a future period cannot be submitted; a village member may not submit.
        using (var village = await zhen.PostAsJsonAsync("/api/reports/submissions", new { grid = A, period = Week }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, village.StatusCode);
            Assert.Equal("grid", (await village.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("field").GetString());
        }
        using (var future = await zhen.PostAsJsonAsync("/api/reports/submissions", new { period = "2027-W02" }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
            Assert.Equal("period", (await future.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("field").GetString());
        }
        var member = await server.UserAsync("cun", "village_member", A);
        using var cun = server.Http(member.ApiKey);
        using (var refused = await cun.PostAsJsonAsync("/api/reports/submissions", new { period = Week }, Ct)) Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // Each submission is in the audit log, signed by its user.
        using var admin = server.Http();
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/audit?action=report.submit", Ct);
        Assert.Equal(["qu", "zhen"], audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("actor").GetString()));
    }
}
