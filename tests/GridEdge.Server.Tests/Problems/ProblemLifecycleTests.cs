using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GridEdge.Server.Tests.Problems;

/// <summary>The problem lifecycle over HTTP on the real host: transitions, refusals, events with who and when, overdue.</summary>
public sealed class ProblemLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Village = "370102001001";
    private static string Future(int days = 3) => DateTimeOffset.UtcNow.AddDays(days).ToOffset(GridRows.Cst).ToString("yyyy-MM-dd'T'HH:mm:sszzz");

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient http, long id, string action, object body)
    {
        using var response = await http.PostAsJsonAsync($"/api/problems/{id}/{action}", body, Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }

    /// <summary>Registers a department of the village's county (a transfer names one of the register).</summary>
    internal static Task DepartmentAsync(RunningServer server, string id, string name, params string[] categories) =>
        server.App.Services.GetRequiredService<GridEdge.Server.Departments.IDepartmentStore>()
            .SaveAsync(new GridEdge.Server.Departments.Department(id, "370102000000", name, categories), Ct);

    // GET /api/problems/{id} (the grid feature's) carries the events; read them here through the lifecycle's own ledger.
    private static async Task<IReadOnlyList<ProblemEvent>> EventsAsync(RunningServer server, long id) =>
        await server.App.Services.GetRequiredService<IProblemLedger>().GetEventsAsync(id, Ct) ?? throw new InvalidOperationException($"no problem {id}");

    [Fact(Timeout = 60_000)]
    public async Task Assigned_planned_rectified_verified_problem_is_closed_with_every_event_recording_who_and_when()
    {
        await using var server = await RunningServer.StartAsync();
        using var rows = new GridRows(server.LedgerPath);
        var id = rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-2));
        rows.Grid("370102001000", 3, "解放路街道", null);
        rows.Grid(Village, 4, "一村", "370102001000");
        // Each step signed by whoever is signed in: the village chief assigns to plan and rectify, the township closes (销号).
        using var chief = server.Http((await server.UserAsync("chief-wang", "village_chief", Village)).ApiKey);
        using var township = server.Http((await server.UserAsync("town-zhang", "township", "370102001000")).ApiKey);
        var http = chief;
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var deadline = Future(5);

        var (status, body) = await PostAsync(http, id, "assign", new { assignee = "member-li", deadline = Future(2) });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("assigned", body.GetProperty("state").GetString());
        Assert.Equal("member-li", body.GetProperty("assignee").GetString());
        (status, body) = await PostAsync(http, id, "plan", new { owner = "张三", measures = "覆盖裸土，洒水降尘", deadline, goal = "无扬尘" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("planned", body.GetProperty("state").GetString());
        Assert.Equal("覆盖裸土，洒水降尘", body.GetProperty("plan").GetProperty("measures").GetString());
        Assert.Equal(DateTimeOffset.Parse(deadline), body.GetProperty("deadline").GetDateTimeOffset());
        (status, body) = await PostAsync(http, id, "rectify", new { result = "已覆盖防尘网" });
        Assert.Equal(HttpStatusCode.OK, status);
        (status, body) = await PostAsync(http, id, "verify", new { passed = true });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("verified", body.GetProperty("state").GetString());
        (status, body) = await PostAsync(township, id, "close", new { comment = "销号" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("closed", body.GetProperty("state").GetString());
        Assert.Equal(5, body.GetProperty("event").GetProperty("n").GetInt32());
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        var events = await EventsAsync(server, id);
        Assert.Equal(["reported", "assign", "plan", "rectify", "verify", "close"], events.Select(e => e.Action));
        Assert.Equal([0, 1, 2, 3, 4, 5], events.Select(e => e.N));
        Assert.Equal(["reported", "assigned", "planned", "rectified", "verified", "closed"], events.Select(e => e.ToState));
        Assert.Equal([null, "reported", "assigned", "planned", "rectified", "verified"], events.Select(e => e.FromState));
        Assert.Equal(["m1", "chief-wang", "chief-wang", "chief-wang", "chief-wang", "town-zhang"], events.Select(e => e.By));
        Assert.All(events.Skip(1), e => Assert.InRange(e.At, before, after));
        Assert.Equal("已覆盖防尘网", (string?)events[3].Detail!["result"]);
        Assert.Equal("member-li", (string?)events[1].Detail!["assignee"]);
        Assert.Equal("张三", (string?)events[2].Detail!["owner"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Transferred_problem_reported_back_by_the_department_is_rectified_and_a_spot_fix_goes_straight_to_rectified()
    {
        await using var server = await RunningServer.StartAsync();
        using var rows = new GridRows(server.LedgerPath);
        var transferred = rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-2));
        var spot = rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-1));
        using var http = server.Http();
        await DepartmentAsync(server, "zhujian", "区住建局", "dust");

        var (status, body) = await PostAsync(http, transferred, "transfer", new { department = "zhujian", deadline = Future(), note = "建筑工地扬尘" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("transferred", body.GetProperty("state").GetString());
        Assert.Equal("zhujian", body.GetProperty("department").GetString());
        (status, body) = await PostAsync(http, transferred, "rectify", new { result = "责令停工整改，已反馈" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("rectified", body.GetProperty("state").GetString());
        Assert.Equal("transferred", body.GetProperty("event").GetProperty("fromState").GetString());

        (status, body) = await PostAsync(http, spot, "rectify", new { result = "当场劝阻，已熄灭" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("rectified", body.GetProperty("state").GetString());
        Assert.Equal("reported", body.GetProperty("event").GetProperty("fromState").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Refused_transitions_are_409s_naming_the_state_and_what_is_required_and_change_nothing()
    {
        await using var server = await RunningServer.StartAsync();
        using var rows = new GridRows(server.LedgerPath);
        var rectified = rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-3), state: "rectified");
        var closed = rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-3), state: "closed");
        var assigned = rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-3), state: "assigned", deadline: DateTimeOffset.UtcNow.AddDays(1), assignee: "li");
        var reported = rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-3));
        using var http = server.Http();
        var plan = new { owner = "li", measures = "洒水", deadline = Future(), goal = "达标" };

        var (status, body) = await PostAsync(http, rectified, "close", new { });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal($"cannot close problem {rectified} in state 'rectified': it must be verified first", body.GetProperty("error").GetString());
        Assert.Equal("rectified", body.GetProperty("state").GetString());

        (status, body) = await PostAsync(http, closed, "plan", plan);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal($"cannot plan problem {closed} in state 'closed': it is closed (struck off) and can no longer change", body.GetProperty("error").GetString());

        (status, body) = await PostAsync(http, assigned, "verify", new { passed = true });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal($"cannot verify problem {assigned} in state 'assigned': it must be rectified first", body.GetProperty("error").GetString());

        (status, body) = await PostAsync(http, reported, "plan", plan);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("it must be assigned or transferred first", body.GetProperty("error").GetString());

        (status, _) = await PostAsync(http, reported, "close", new { });
        Assert.Equal(HttpStatusCode.Conflict, status);

        Assert.Equal("rectified", rows.Scalar("SELECT state FROM problems WHERE id = $1;", rectified));
        Assert.Equal(1L, rows.Scalar("SELECT COUNT(*) FROM problem_events WHERE problem_id = $1;", rectified));
        Assert.Single(await EventsAsync(server, closed));
    }

    [Fact(Timeout = 60_000)]
    public async Task Failed_verification_is_a_reject_event_back_to_the_plan_or_else_the_assignment()
    {
        await using var server = await RunningServer.StartAsync();
        using var rows = new GridRows(server.LedgerPath);
        var planned = rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-3));
        var assigned = rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-3));
        using var http = server.Http();
        await DepartmentAsync(server, "huanbao", "环保所");
        await DepartmentAsync(server, "nongye", "农业局");

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, planned, "transfer", new { department = "huanbao", deadline = Future() })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, planned, "plan", new { owner = "王", measures = "清运", deadline = Future(), goal = "清零" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, planned, "rectify", new { result = "清运一半" })).Status);
        var (status, body) = await PostAsync(http, planned, "verify", new { passed = false, comment = "仍有垃圾" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("planned", body.GetProperty("state").GetString());
        Assert.Equal("reject", body.GetProperty("event").GetProperty("action").GetString());
        Assert.Equal("仍有垃圾", body.GetProperty("event").GetProperty("detail").GetProperty("comment").GetString());

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, assigned, "transfer", new { department = "nongye", deadline = Future() })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, assigned, "assign", new { assignee = "li", deadline = Future() })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, assigned, "rectify", new { result = "done" })).Status);
        (status, body) = await PostAsync(http, assigned, "verify", new { passed = false, comment = "no" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("assigned", body.GetProperty("state").GetString());

        // A rejection must say why.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, assigned, "rectify", new { result = "again" })).Status);
        (status, body) = await PostAsync(http, assigned, "verify", new { passed = false });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("comment", body.GetProperty("field").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Of_concurrent_transitions_exactly_one_wins_over_http_and_across_two_ledger_instances()
    {
        await using var server = await RunningServer.StartAsync();
        using var rows = new GridRows(server.LedgerPath);
        var verified = rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-3), state: "verified");
        using var http = server.Http();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => PostAsync(http, verified, "close", new { })));
        Assert.Single(results, r => r.Status == HttpStatusCode.OK);
        Assert.Equal(7, results.Count(r => r.Status == HttpStatusCode.Conflict));
        Assert.Equal(1L, rows.Scalar("SELECT COUNT(*) FROM problem_events WHERE problem_id = $1 AND action = 'close';", verified));

        // Two ledgers with their own in-process locks, as two server processes would be: the conditional update decides.
        var reported = rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-3));
        await using var fileA = new SqliteLedgerDatabase(server.LedgerPath);
        await using var fileB = new SqliteLedgerDatabase(server.LedgerPath);
        var (a, b) = (new ProblemLedger(fileA), new ProblemLedger(fileB));
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).ApplyAsync(reported,
            new ProblemTransition(ProblemAction.Rectify, $"m{i}", Detail: new System.Text.Json.Nodes.JsonObject { ["result"] = "x" }), Ct), Ct)));
        Assert.Single(outcomes.OfType<TransitionOutcome.Done>());
        Assert.Equal(9, outcomes.OfType<TransitionOutcome.Refused>().Count());
        Assert.Equal(1L, rows.Scalar("SELECT COUNT(*) FROM problem_events WHERE problem_id = $1 AND action = 'rectify';", reported));
    }

    [Fact(Timeout = 60_000)]
    public async Task Bad_bodies_are_400s_naming_every_wrong_field_and_unknown_ids_404s()
    {
        await using var server = await RunningServer.StartAsync();
        using var rows = new GridRows(server.LedgerPath);
        var assigned = rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-3), state: "assigned", assignee: "li", deadline: DateTimeOffset.UtcNow.AddDays(1));
        using var http = server.Http();

        var (status, body) = await PostAsync(http, assigned, "plan",
            new { owner = "王", measures = "  ", deadline = "2020-01-01T00:00:00+08:00", goal = "达标", colour = "red" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var fields = body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["colour", "deadline", "measures"], fields);
        Assert.Contains("in the past", body.GetProperty("error").GetString());

        // Who acts is the signed-in caller: a typed name is refused, never recorded.
        (status, body) = await PostAsync(http, assigned, "rectify", new { by = "someone-else", result = "done" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("by", body.GetProperty("field").GetString());
        Assert.Contains("signed-in user", body.GetProperty("expected").GetString());

        (status, body) = await PostAsync(http, assigned, "assign", new { assignee = "li", deadline = "2030-01-01T08:00:00" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("deadline", body.GetProperty("field").GetString());
        Assert.Contains("offset", body.GetProperty("expected").GetString());

        (status, body) = await PostAsync(http, assigned, "verify", new { passed = "yes" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("passed", body.GetProperty("field").GetString());

        using (var content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"))
        using (var response = await http.PostAsync($"/api/problems/{assigned}/close", content, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("body", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("field").GetString());
        }

        (status, body) = await PostAsync(http, 999_999, "close", new { });
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("id", body.GetProperty("field").GetString());
        using (var response = await http.PostAsJsonAsync("/api/problems/abc/close", new { }, Ct)) Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("assigned", rows.Scalar("SELECT state FROM problems WHERE id = $1;", assigned));
    }

    [Fact(Timeout = 60_000)]
    public async Task Overdue_problems_are_those_past_their_deadline_and_not_yet_rectified()
    {
        await using var server = await RunningServer.StartAsync();
        using var rows = new GridRows(server.LedgerPath);
        rows.Grid("370100000000", 1, "济南市", null);
        rows.Grid("370102000000", 2, "历下区", "370100000000");
        rows.Grid("370103000000", 2, "市中区", "370100000000");
        var now = DateTimeOffset.UtcNow;
        var late = rows.Problem("370102001001", now.AddDays(-9), state: "assigned", assignee: "li", deadline: now.AddDays(-2));
        var lateTransfer = rows.Problem("370103001001", now.AddDays(-9), state: "transferred", department: "住建局", deadline: now.AddDays(-1));
        var latePlan = rows.Problem("370102001002", now.AddDays(-9), state: "planned", plan: "{}", deadline: now.AddHours(-1));
        rows.Problem("370102001001", now.AddDays(-9), state: "rectified", deadline: now.AddDays(-3));
        rows.Problem("370102001001", now.AddDays(-9), state: "closed", deadline: now.AddDays(-3));
        rows.Problem("370102001001", now.AddDays(-1), state: "assigned", assignee: "li", deadline: now.AddDays(2));
        rows.Problem("370102001001", now.AddDays(-1));
        using var http = server.Http();

        var all = await http.GetFromJsonAsync<JsonElement>("/api/problems/overdue", Ct);
        Assert.Equal([late, lateTransfer, latePlan], all.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
        Assert.All(all.GetProperty("items").EnumerateArray(), i => Assert.True(i.GetProperty("overdue").GetBoolean()));
        var county = await http.GetFromJsonAsync<JsonElement>("/api/problems/overdue?grid=370102000000", Ct);
        Assert.Equal([late, latePlan], county.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));

        using var bad = await http.GetAsync("/api/problems/overdue?grid=3701", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        // Rectifying takes a problem off the list.
        var (status, body) = await PostAsync(http, late, "rectify", new { result = "done" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.GetProperty("overdue").GetBoolean());
        var after = await http.GetFromJsonAsync<JsonElement>("/api/problems/overdue", Ct);
        Assert.Equal([lateTransfer, latePlan], after.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
    }
}
