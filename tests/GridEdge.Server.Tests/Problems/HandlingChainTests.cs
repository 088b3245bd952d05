using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Server.Tests.Support;

namespace GridEdge.Server.Tests.Problems;

/// <summary>
/// The handling chain of 001 over HTTP on the real host: a transfer to a department of the register, accepted, returned or
/// reported back by the department user, closed by both sides (双销号); the transfer form; the major flag's escalation.
/// </summary>
public sealed class HandlingChainTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string County = "370102000000", Township = "370102001000", Village = "370102001001";
    private static string Future(int days = 3) => DateTimeOffset.UtcNow.AddDays(days).ToOffset(GridRows.Cst).ToString("yyyy-MM-dd'T'HH:mm:sszzz");

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient http, long id, string action, object body)
    {
        using var response = await http.PostAsJsonAsync($"/api/problems/{id}/{action}", body, Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }

    private sealed record Chain(RunningServer Server, GridRows Rows, HttpClient Department, HttpClient Township, HttpClient Chief) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Department.Dispose();
            Township.Dispose();
            Chief.Dispose();
            Rows.Dispose();
            await Server.DisposeAsync();
        }
    }

    // A county with its housing bureau (住建, dust routed to it), a department user of it, a township official and a village chief.
    private static async Task<Chain> StartAsync()
    {
        var server = await RunningServer.StartAsync();
        var rows = new GridRows(server.LedgerPath);
        await server.GridsAsync(Village);
        await ProblemLifecycleTests.DepartmentAsync(server, "zhujian", "区住房城乡建设局", "dust");
        var department = server.Http((await server.UserAsync("zhao.min", "department", null, department: "zhujian")).ApiKey);
        var township = server.Http((await server.UserAsync("town-zhang", "township", Township)).ApiKey);
        var chief = server.Http((await server.UserAsync("chief-wang", "village_chief", Village)).ApiKey);
        return new Chain(server, rows, department, township, chief);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_transfer_accepted_and_reported_back_by_the_department_is_closed_only_when_the_township_and_the_department_have_both_closed()
    {
        await using var chain = await StartAsync();
        var id = chain.Rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-2));
        var other = chain.Rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-1));

        // No department named: the category's routed one (dust → 住建).
        var (status, body) = await PostAsync(chain.Township, id, "transfer", new { deadline = Future(), note = "建筑工地扬尘" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("zhujian", body.GetProperty("department").GetString());

        // The department sees what was transferred to it, and nothing else of the ledger.
        var listed = await chain.Department.GetFromJsonAsync<JsonElement>("/api/problems", Ct);
        Assert.Equal([id], listed.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()));
        using (var hidden = await chain.Department.GetAsync($"/api/problems/{other}", Ct)) Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(chain.Department, other, "accept", new { })).Status);

        (status, body) = await PostAsync(chain.Department, id, "report", new { result = "已责令停工整改" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("has not accepted it yet", body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(chain.Department, id, "accept", new { note = "已受理" })).Status);
        (status, body) = await PostAsync(chain.Department, id, "accept", new { });
        Assert.Equal(HttpStatusCode.Conflict, status);
        var photo = new string('a', 64);
        (status, body) = await PostAsync(chain.Department, id, "report", new { result = "已责令停工整改，覆盖裸土", attachments = new[] { photo } });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("rectified", body.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(chain.Chief, id, "verify", new { passed = true })).Status);

        // 双销号: the township's close leaves it verified until the department closes its part.
        (status, body) = await PostAsync(chain.Township, id, "close", new { comment = "乡镇销号" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("verified", body.GetProperty("state").GetString());
        Assert.Equal("township", body.GetProperty("event").GetProperty("detail").GetProperty("part").GetString());
        (status, body) = await PostAsync(chain.Township, id, "close", new { });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("the department has not closed its part yet", body.GetProperty("error").GetString());
        Assert.Contains("the department has not closed its part yet", body.GetProperty("expected").GetString());
        (status, body) = await PostAsync(chain.Department, id, "close", new { comment = "部门销号" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("closed", body.GetProperty("state").GetString());
        Assert.NotNull(body.GetProperty("handling").GetProperty("townshipClosedAt").GetString());
        Assert.NotNull(body.GetProperty("handling").GetProperty("departmentClosedAt").GetString());

        var problem = await chain.Township.GetFromJsonAsync<JsonElement>($"/api/problems/{id}", Ct);
        var events = problem.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["reported", "transfer", "accept", "report", "verify", "close", "close"], events.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(["m1", "town-zhang", "zhao.min", "zhao.min", "chief-wang", "town-zhang", "zhao.min"], events.Select(e => e.GetProperty("by").GetString()));
        Assert.Equal(photo, events[3].GetProperty("detail").GetProperty("attachments")[0].GetString());
        Assert.Equal("已销号", problem.GetProperty("stateName").GetString());
        Assert.Equal("扬尘", problem.GetProperty("categoryName").GetString());

        var audit = await chain.Server.Http().GetFromJsonAsync<JsonElement>($"/api/audit?actor=zhao.min", Ct);
        Assert.Equal(["problem.accept", "problem.close", "problem.report"],
            audit.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("action").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_returned_transfer_goes_back_to_be_assigned_in_the_grid_and_a_named_department_must_serve_the_problems_county()
    {
        await using var chain = await StartAsync();
        var id = chain.Rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-2));
        await chain.Server.GridsAsync("370202001001");
        await chain.Server.App.Services.GetRequiredService<GridEdge.Server.Departments.IDepartmentStore>()
            .SaveAsync(new GridEdge.Server.Departments.Department("shinan", "370202000000", "市南区住建局", ["dust"]), Ct);

        foreach (var wrong in new[] { "no-such", "shinan" })
        {
            var (refused, error) = await PostAsync(chain.Township, id, "transfer", new { department = wrong, deadline = Future() });
            Assert.Equal(HttpStatusCode.BadRequest, refused);
            Assert.Equal(("department", wrong), (error.GetProperty("field").GetString(), error.GetProperty("value").GetString()));
        }
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(chain.Township, id, "transfer", new { department = "zhujian", deadline = Future() })).Status);

        var (status, body) = await PostAsync(chain.Department, id, "return", new { });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("reason", body.GetProperty("field").GetString());
        (status, body) = await PostAsync(chain.Department, id, "return", new { reason = "属农业农村部门职责" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("reported", body.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("department").ValueKind);
        Assert.Equal("zhujian", body.GetProperty("event").GetProperty("detail").GetProperty("department").GetString());

        // Gone from the department's ledger; its transfer form stays readable to it; the grid assigns it.
        using (var gone = await chain.Department.GetAsync($"/api/problems/{id}", Ct)) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using (var form = await chain.Department.GetAsync($"/api/problems/{id}/transfer-form", Ct)) Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(chain.Chief, id, "assign", new { assignee = "member-li", deadline = Future() })).Status);
        // A department user may not act in the grid.
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(chain.Department, id, "assign", new { assignee = "x", deadline = Future() })).Status);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_transfer_form_is_a_printable_page_with_every_field_escaped_and_no_external_resource()
    {
        await using var chain = await StartAsync();
        var id = chain.Rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-2));
        chain.Rows.Execute("UPDATE problems SET description = $1, address = $2 WHERE id = $3;", "工地<script>alert(1)</script>扬尘", "历山路&1号", id);
        using (var none = await chain.Township.GetAsync($"/api/problems/{id}/transfer-form", Ct)) Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(chain.Township, id, "transfer", new { deadline = Future(), note = "请依法查处" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(chain.Department, id, "accept", new { })).Status);

        using var response = await chain.Department.GetAsync($"/api/problems/{id}/transfer-form", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<h1>问题移送表</h1>", html);
        Assert.Contains("@page { size: A4;", html);
        Assert.Contains("区住房城乡建设局", html);
        Assert.Contains("扬尘", html);
        Assert.Contains("请依法查处", html);
        Assert.Contains("town-zhang", html);
        Assert.Contains("zhao.min", html);
        Assert.Contains("工地&lt;script&gt;alert(1)&lt;/script&gt;扬尘", html);
        Assert.Contains("历山路&amp;1号", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("src=", html);
        Assert.DoesNotContain("href=", html);
        Assert.DoesNotContain("url(", html);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_problem_flagged_major_is_on_the_countys_escalation_list_at_once_and_nowhere_outside_it()
    {
        await using var chain = await StartAsync();
        var major = chain.Rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-2));
        var minor = chain.Rows.Problem(Village, DateTimeOffset.UtcNow.AddHours(-1));
        using var county = chain.Server.Http((await chain.Server.UserAsync("county-li", "county", County)).ApiKey);
        using var otherCounty = chain.Server.Http((await chain.Server.UserAsync("county-qd", "county", "370202000000")).ApiKey);
        using var member = chain.Server.Http((await chain.Server.UserAsync("member-li", "village_member", Village)).ApiKey);

        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(member, major, "major", new { reason = "x" })).Status);
        var (status, body) = await PostAsync(chain.Chief, major, "major", new { });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("reason", body.GetProperty("field").GetString());
        (status, body) = await PostAsync(chain.Chief, major, "major", new { reason = "饮用水源地上游大面积倾倒" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("handling").GetProperty("major").GetBoolean());
        Assert.Equal("reported", body.GetProperty("state").GetString());
        (status, body) = await PostAsync(chain.Chief, major, "major", new { reason = "again" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("already flagged major", body.GetProperty("error").GetString());

        static long[] Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetInt64())];
        Assert.Equal([major], Ids(await county.GetFromJsonAsync<JsonElement>("/api/problems/escalated", Ct)));
        Assert.Equal([major], Ids(await county.GetFromJsonAsync<JsonElement>("/api/problems?major=true", Ct)));
        Assert.Equal([minor], Ids(await county.GetFromJsonAsync<JsonElement>("/api/problems?major=false", Ct)));
        Assert.Empty(Ids(await otherCounty.GetFromJsonAsync<JsonElement>("/api/problems/escalated", Ct)));
        using (var bad = await county.GetAsync("/api/problems?major=yes", Ct)) Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var audit = await chain.Server.Http().GetFromJsonAsync<JsonElement>("/api/audit?action=problem.major", Ct);
        Assert.Equal("chief-wang", audit.GetProperty("items")[0].GetProperty("actor").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_department_user_is_bound_to_a_department_of_the_register_and_works_in_its_county()
    {
        await using var chain = await StartAsync();
        using var admin = chain.Server.Http();

        async Task<(HttpStatusCode, JsonElement)> CreateAsync(object body)
        {
            using var response = await admin.PostAsJsonAsync("/api/users", body, Ct);
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
        }
        var (status, body) = await CreateAsync(new { name = "dep.none", role = "department" });
        Assert.Equal((HttpStatusCode.BadRequest, "department"), (status, body.GetProperty("field").GetString()));
        (status, body) = await CreateAsync(new { name = "dep.unknown", role = "department", department = "no-such" });
        Assert.Equal((HttpStatusCode.BadRequest, "department", "no-such"), (status, body.GetProperty("field").GetString(), body.GetProperty("value").GetString()));
        (status, body) = await CreateAsync(new { name = "town.dep", role = "township", grid = Township, department = "zhujian" });
        Assert.Equal((HttpStatusCode.BadRequest, "department"), (status, body.GetProperty("field").GetString()));
        (status, body) = await CreateAsync(new { name = "dep.ok", role = "department", department = "zhujian" });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(("zhujian", County), (body.GetProperty("department").GetString(), body.GetProperty("grid").GetString()));
    }
}
