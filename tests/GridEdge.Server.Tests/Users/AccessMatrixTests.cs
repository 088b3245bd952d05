using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Tests.Problems;
using GridEdge.Server.Tests.Support;
using GridEdge.Server.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GridEdge.Server.Tests.Users;

/// <summary>
/// For every endpoint and every role: allowed or refused (403) by the permission table, and for data of the caller's own
/// grid against data of another city's township, answered as if it did not exist (404, or a listing without it).
/// </summary>
public sealed class AccessMatrixTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Inside: 济南 / 历下区 / township A (gw-alpha) / village A1. Outside: 青岛 / 市南区 / township B (gw-beta) / village B1.
    internal const string City = "370100000000", County = "370102000000", TownA = "370102001000", VillageA = "370102001001";
    internal const string CityB = "370200000000", CountyB = "370202000000", TownB = "370202001000", VillageB = "370202001001";
    internal const string AlertA = "dust-pm10|pms-1|pm10|a", AlertB = "dust-pm10|pms-1|pm10|b";
    private static readonly string[] OutsideMarkers = [CountyB[..6], "gw-beta", "\"m-b\"", "kp-b", "e-b"];

    private enum Kind
    {
        /// <summary>One object: outside answers 404.</summary>
        Item,
        /// <summary>A listing: outside answers 200 without any object of the other grid.</summary>
        List,
        /// <summary>Not bound to a grid (users, sessions, the server's own state): only the role decides.</summary>
        Global,
    }

    private sealed record Case(string Method, string Route, Kind Kind, string Inside, string? Outside = null, Func<string, bool, object?>? Body = null, string? Raw = null,
        bool Stream = false, Func<HttpContent>? Content = null);

    private static string Future => DateTimeOffset.UtcNow.AddDays(3).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz");

    private static IReadOnlyList<Case> Cases(long problemA, long problemB, string photoA, string photoB, long complaintA, long complaintB, long submissionA,
        long submissionB) =>
    [
        new("GET", "/api/readings", Kind.List, "/api/readings", "/api/readings?gateway=gw-beta"),
        new("GET", "/api/alerts", Kind.List, "/api/alerts", "/api/alerts?gateway=gw-beta"),
        new("GET", "/api/alerts/response-times", Kind.List, "/api/alerts/response-times", "/api/alerts/response-times?gateway=gw-beta"),
        new("GET", "/api/gateways", Kind.List, "/api/gateways", "/api/gateways"),
        new("GET", "/api/gateways/{id}/gaps", Kind.Item, "/api/gateways/gw-alpha/gaps", "/api/gateways/gw-beta/gaps"),
        new("GET", "/api/gateways/{id}/monitors", Kind.Item, "/api/gateways/gw-alpha/monitors", "/api/gateways/gw-beta/monitors"),
        new("GET", "/api/gateways/{id}/commands", Kind.Item, "/api/gateways/gw-alpha/commands", "/api/gateways/gw-beta/commands"),
        new("GET", "/api/gateways/{id}/config", Kind.Item, "/api/gateways/gw-alpha/config", "/api/gateways/gw-beta/config"),
        new("GET", "/api/gateways/{id}/terminal-directory", Kind.Item, "/api/gateways/gw-alpha/terminal-directory", "/api/gateways/gw-beta/terminal-directory"),
        new("GET", "/api/gateways/{id}/tasks", Kind.Item, "/api/gateways/gw-alpha/tasks", "/api/gateways/gw-beta/tasks"),
        new("GET", "/api/tasks/{taskId}/steps", Kind.Item, $"/api/tasks/problem-{problemA}/steps", $"/api/tasks/problem-{problemB}/steps"),
        new("POST", "/api/gateways/{id}/commands", Kind.Item, "/api/gateways/gw-alpha/commands", "/api/gateways/gw-beta/commands", (_, _) => new { name = "silence" }),
        new("PUT", "/api/gateways/{id}/config/alert-rules", Kind.Item, "/api/gateways/gw-alpha/config/alert-rules?validate=false",
            "/api/gateways/gw-beta/config/alert-rules?validate=false", Raw: "{}"),
        new("POST", "/api/alerts/{gateway}/{alertId}/acknowledge", Kind.Item, $"/api/alerts/gw-alpha/{Uri.EscapeDataString(AlertA)}/acknowledge",
            $"/api/alerts/gw-beta/{Uri.EscapeDataString(AlertB)}/acknowledge", (_, _) => new { }),
        new("POST", "/api/gateways/{id}/credentials", Kind.Global, "/api/gateways/gw-gamma/credentials", Body: (_, _) => new { }),
        new("DELETE", "/api/gateways/{id}/credentials", Kind.Global, "/api/gateways/gw-gamma/credentials"),

        new("GET", "/api/grids", Kind.List, "/api/grids", "/api/grids?parent=" + TownB),
        new("GET", "/api/grids/{code}", Kind.Item, $"/api/grids/{VillageA}", $"/api/grids/{VillageB}"),
        new("POST", "/api/grids", Kind.Item, "/api/grids", "/api/grids",
            (role, inside) => new { code = (inside ? TownA[..9] : TownB[..9]) + (100 + Array.IndexOf(RoleNames, role)), name = "新村" }),
        new("PUT", "/api/grids", Kind.Item, "/api/grids", "/api/grids",
            (_, inside) => new { members = new[] { inside ? new { id = "m-a", name = "甲", grid = VillageA } : new { id = "m-b", name = "乙", grid = VillageB } } }),
        new("POST", "/api/members", Kind.Item, "/api/members", "/api/members",
            (role, inside) => new { id = $"m-{role.Replace('_', '-')}-{(inside ? "in" : "out")}", name = "新人", grid = inside ? VillageA : VillageB }),
        new("PUT", "/api/members/{id}", Kind.Item, "/api/members/m-a", "/api/members/m-b",
            (_, inside) => new { name = inside ? "甲" : "乙", grid = inside ? VillageA : VillageB }),
        new("GET", "/api/members", Kind.List, "/api/members", $"/api/members?grid={VillageB}"),
        new("GET", "/api/members/{id}", Kind.Item, "/api/members/m-a", "/api/members/m-b"),
        new("POST", "/api/terminals", Kind.Item, "/api/terminals", "/api/terminals",
            (role, inside) => new { id = $"t-{role.Replace('_', '-')}-{(inside ? "in" : "out")}", member = inside ? "m-a" : "m-b" }),
        new("POST", "/api/terminals/{id}/revoke", Kind.Item, "/api/terminals/t-a/revoke", "/api/terminals/t-b/revoke"),
        new("GET", "/api/terminals", Kind.List, "/api/terminals", $"/api/terminals?grid={VillageB}"),
        new("POST", "/api/grids/{code}/key-points", Kind.Item, $"/api/grids/{VillageA}/key-points", $"/api/grids/{VillageB}/key-points",
            (role, inside) => new { id = $"kp-{role.Replace('_', '-')}-{(inside ? "in" : "out")}", name = "点" }),
        new("GET", "/api/grids/{code}/key-points", Kind.Item, $"/api/grids/{VillageA}/key-points", $"/api/grids/{VillageB}/key-points"),
        new("POST", "/api/grids/{code}/enterprises", Kind.Item, $"/api/grids/{VillageA}/enterprises", $"/api/grids/{VillageB}/enterprises",
            (role, inside) => new { id = $"e-{role.Replace('_', '-')}-{(inside ? "in" : "out")}", name = "厂", @class = "other" }),
        new("GET", "/api/grids/{code}/enterprises", Kind.Item, $"/api/grids/{VillageA}/enterprises", $"/api/grids/{VillageB}/enterprises"),
        new("GET", "/api/grids/{code}/enterprises/{id}", Kind.Item, $"/api/grids/{VillageA}/enterprises/e-a", $"/api/grids/{VillageB}/enterprises/e-b"),

        new("POST", "/api/complaints", Kind.Item, "/api/complaints", "/api/complaints",
            (_, inside) => new { channel = "hotline", category = "dust", description = "扬尘", latitude = 36.605, longitude = inside ? 117.005 : 120.305 }),
        new("GET", "/api/complaints", Kind.List, "/api/complaints", $"/api/complaints?grid={VillageB}"),
        new("GET", "/api/complaints/{id}", Kind.Item, $"/api/complaints/{complaintA}", $"/api/complaints/{complaintB}"),
        // The reply comes first: the visit that follows it in each role's run is recorded, not refused.
        new("POST", "/api/complaints/{id}/reply", Kind.Item, $"/api/complaints/{complaintA}/reply", $"/api/complaints/{complaintB}/reply",
            (_, _) => new { text = "已安排整改", method = "phone" }),
        new("POST", "/api/complaints/{id}/visit", Kind.Item, $"/api/complaints/{complaintA}/visit", $"/api/complaints/{complaintB}/visit",
            (_, _) => new { satisfaction = "satisfied", note = "已整改" }),
        new("GET", "/api/complaints/figures", Kind.Item, $"/api/complaints/figures?grid={VillageA}", $"/api/complaints/figures?grid={VillageB}"),

        new("GET", "/api/checkins", Kind.List, "/api/checkins", $"/api/checkins?grid={VillageB}"),
        new("GET", "/api/patrols", Kind.List, "/api/patrols", $"/api/patrols?grid={VillageB}"),
        new("GET", "/api/problems", Kind.List, "/api/problems", $"/api/problems?grid={VillageB}"),
        new("GET", "/api/problems/{id}", Kind.Item, $"/api/problems/{problemA}", $"/api/problems/{problemB}"),
        new("GET", "/api/problems/completion", Kind.Item, $"/api/problems/completion?grid={VillageA}", $"/api/problems/completion?grid={VillageB}"),
        new("GET", "/api/problems/overdue", Kind.Item, $"/api/problems/overdue?grid={TownA}", $"/api/problems/overdue?grid={TownB}"),
        new("POST", "/api/problems/{id}/photos", Kind.Item, $"/api/problems/{problemA}/photos", $"/api/problems/{problemB}/photos",
            Content: () => new ByteArrayContent(ProblemPhotoTests.Png("甲村整改")) { Headers = { ContentType = new("image/png") } }),
        new("POST", "/api/problems/{id}/assign", Kind.Item, $"/api/problems/{problemA}/assign", $"/api/problems/{problemB}/assign",
            (_, _) => new { assignee = "li", deadline = Future }),
        new("POST", "/api/problems/{id}/transfer", Kind.Item, $"/api/problems/{problemA}/transfer", $"/api/problems/{problemB}/transfer",
            (_, inside) => new { department = inside ? "d-a" : "d-b", deadline = Future }),
        new("POST", "/api/problems/{id}/plan", Kind.Item, $"/api/problems/{problemA}/plan", $"/api/problems/{problemB}/plan",
            (_, _) => new { owner = "王", measures = "洒水", deadline = Future, goal = "达标" }),
        new("POST", "/api/problems/{id}/rectify", Kind.Item, $"/api/problems/{problemA}/rectify", $"/api/problems/{problemB}/rectify", (_, _) => new { result = "done" }),
        new("POST", "/api/problems/{id}/verify", Kind.Item, $"/api/problems/{problemA}/verify", $"/api/problems/{problemB}/verify", (_, _) => new { passed = true }),
        new("POST", "/api/problems/{id}/close", Kind.Item, $"/api/problems/{problemA}/close", $"/api/problems/{problemB}/close", (_, _) => new { comment = "销号" }),
        new("POST", "/api/problems/{id}/accept", Kind.Item, $"/api/problems/{problemA}/accept", $"/api/problems/{problemB}/accept", (_, _) => new { }),
        new("POST", "/api/problems/{id}/report", Kind.Item, $"/api/problems/{problemA}/report", $"/api/problems/{problemB}/report", (_, _) => new { result = "已整改" }),
        new("POST", "/api/problems/{id}/return", Kind.Item, $"/api/problems/{problemA}/return", $"/api/problems/{problemB}/return", (_, _) => new { reason = "非本部门职责" }),
        new("POST", "/api/problems/{id}/major", Kind.Item, $"/api/problems/{problemA}/major", $"/api/problems/{problemB}/major", (_, _) => new { reason = "跨界污染" }),
        new("GET", "/api/problems/escalated", Kind.List, "/api/problems/escalated", $"/api/problems/escalated?grid={VillageB}"),
        new("GET", "/api/problems/{id}/transfer-form", Kind.Item, $"/api/problems/{problemA}/transfer-form", $"/api/problems/{problemB}/transfer-form"),
        new("GET", "/api/attachments/{sha256}", Kind.Item, $"/api/attachments/{photoA}", $"/api/attachments/{photoB}"),
        new("GET", "/api/compliance", Kind.Item, $"/api/compliance?grid={TownA}", $"/api/compliance?grid={TownB}"),
        new("GET", "/api/map", Kind.Item, $"/api/map?grid={TownA}", $"/api/map?grid={TownB}"),
        new("GET", "/api/reports/weekly", Kind.Item, $"/api/reports/weekly?grid={TownA}&format=csv", $"/api/reports/weekly?grid={TownB}&format=csv"),
        new("GET", "/api/reports/{kind}", Kind.Item, $"/api/reports/month?grid={TownA}", $"/api/reports/month?grid={TownB}"),
        // Township A's week was submitted by the administrator: every role allowed is answered 409 (never 404 inside, nor anything but 404 outside).
        new("POST", "/api/reports/submissions", Kind.Item, "/api/reports/submissions", "/api/reports/submissions", (_, inside) => new { grid = inside ? TownA : TownB }),
        new("GET", "/api/reports/submissions", Kind.Item, $"/api/reports/submissions?grid={TownA}", $"/api/reports/submissions?grid={TownB}"),
        new("GET", "/api/reports/submissions/{id}", Kind.Item, $"/api/reports/submissions/{submissionA}", $"/api/reports/submissions/{submissionB}"),
        new("GET", "/api/reports/board", Kind.Item, $"/api/reports/board?grid={TownA}", $"/api/reports/board?grid={TownB}"),

        new("PUT", "/api/departments/{id}", Kind.Item, "/api/departments/d-in", "/api/departments/d-out",
            (_, inside) => new { grid = inside ? County : CountyB, name = "住建局", categories = new[] { "dust" } }),
        new("GET", "/api/departments", Kind.List, "/api/departments", $"/api/departments?grid={VillageB}"),
        new("GET", "/api/departments/route", Kind.Item, $"/api/departments/route?grid={VillageA}&category=dust", $"/api/departments/route?grid={VillageB}&category=dust"),
        new("GET", "/api/problems/{id}/chart.svg", Kind.Item, $"/api/problems/{problemA}/chart.svg", $"/api/problems/{problemB}/chart.svg"),
        new("PUT", "/api/gateways/{id}/place", Kind.Item, "/api/gateways/gw-alpha/place", "/api/gateways/gw-beta/place",
            (_, inside) => new { latitude = 36.605, longitude = inside ? 117.005 : 120.305 }),
        new("PUT", "/api/gateways/{id}/monitors/{mn}/place", Kind.Item, "/api/gateways/gw-alpha/monitors/MN001/place", "/api/gateways/gw-beta/monitors/MN001/place",
            (_, inside) => new { latitude = 36.605, longitude = inside ? 117.005 : 120.305, name = "工地" }),
        new("PUT", "/api/campaigns/{id}", Kind.Item, "/api/campaigns/c-in", "/api/campaigns/c-out",
            (_, inside) => new { kind = "straw_burning_ban", county = inside ? County : CountyB, from = "2026-05-01", to = "2026-06-30" }),
        new("GET", "/api/campaigns", Kind.List, "/api/campaigns", "/api/campaigns?kind=straw_burning_ban"),
        new("GET", "/api/campaigns/{id}/fire-points", Kind.Item, "/api/campaigns/c-in/fire-points", "/api/campaigns/c-out/fire-points"),
        new("GET", "/api/scores", Kind.Item, $"/api/scores?grid={VillageA}&period=2026-Q1", $"/api/scores?grid={VillageB}&period=2026-Q1"),
        new("GET", "/api/scores/sheets", Kind.Global, "/api/scores/sheets"),
        new("POST", "/api/scores/publish", Kind.Item, "/api/scores/publish", "/api/scores/publish",
            (_, inside) => new { grid = inside ? VillageA : VillageB, period = "2026-Q1" }),
        new("GET", "/api/scores/published", Kind.List, "/api/scores/published", $"/api/scores/published?grid={VillageB}"),
        new("POST", "/api/scores/registers/{kind}", Kind.Item, "/api/scores/registers/meeting", "/api/scores/registers/meeting",
            (_, inside) => new { date = "2026-03-01", grid = inside ? VillageA : VillageB, attendees = new[] { "王" }, minutes = "会议纪要" }),
        new("GET", "/api/scores/registers/{kind}", Kind.List, "/api/scores/registers/meeting?period=2026", $"/api/scores/registers/meeting?grid={VillageB}&period=2026"),
        new("GET", "/api/ingest/metrics", Kind.Global, "/api/ingest/metrics"),
        new("GET", "/openapi/{documentName}.json", Kind.Global, "/openapi/v1.json"),
        new("GET", "/api/access/refusals", Kind.Global, "/api/access/refusals"),
        new("GET", "/api/audit", Kind.Global, "/api/audit"),
        // A live stream: only its status is read (what it sends is scoped per event, LiveFeedTests).
        new("GET", "/api/events", Kind.Global, "/api/events", Stream: true),
        new("GET", "/api/session", Kind.Global, "/api/session"),
        new("POST", "/api/users", Kind.Global, "/api/users", Body: (role, _) => new { name = $"made-by-{role.Replace('_', '-')}", role = "auditor" }),
        new("GET", "/api/users", Kind.Global, "/api/users"),
        new("PATCH", "/api/users/{name}", Kind.Global, "/api/users/made-by-admin", Body: (_, _) => new { displayName = "审计员" }),
        new("GET", "/api/users/{name}", Kind.Global, "{self}"),
        new("POST", "/api/users/{name}/api-keys", Kind.Global, "{self}/api-keys", Body: (_, _) => new { }),
        new("DELETE", "/api/session", Kind.Global, "/api/session"),
        // Last: the caller revokes the very key it calls with.
        new("DELETE", "/api/users/{name}/api-keys/{id}", Kind.Global, "{self}/api-keys/{key}"),
    ];

    private static readonly string[] RoleNames = [.. Roles.All.Select(r => r.Role)];

    private static string? GridOf(string role) => role switch
    {
        Roles.City or Roles.Auditor => City,
        Roles.County or Roles.Department => County,
        Roles.Township => TownA,
        Roles.VillageChief or Roles.VillageMember => VillageA,
        _ => null,
    };

    [Fact(Timeout = 180_000)]
    public async Task Every_endpoint_answers_each_role_by_the_permission_table_and_nothing_outside_the_callers_grid()
    {
        // The complaint clock needs a work calendar; a fixed one stands in for the host's.
        await using var server = await RunningServer.StartAsync(extension: new Complaints.FixedResponseLimit());
        using var admin = server.Http();
        await SeedAsync(server, admin);
        await BoundariesAsync(admin);
        using var rows = new GridRows(server.LedgerPath);
        var complaintA = Complaint(rows, VillageA);
        var complaintB = Complaint(rows, VillageB);
        var problemA = rows.Problem(VillageA, DateTimeOffset.UtcNow.AddHours(-2), department: "d-a");
        var problemB = rows.Problem(VillageB, DateTimeOffset.UtcNow.AddHours(-2));
        rows.CheckIn(VillageA, "m-a", DateTimeOffset.UtcNow.AddHours(-1));
        rows.CheckIn(VillageB, "m-b", DateTimeOffset.UtcNow.AddHours(-1));
        rows.Patrol(VillageA, "m-a", DateTimeOffset.UtcNow.AddHours(-1));
        rows.Patrol(VillageB, "m-b", DateTimeOffset.UtcNow.AddHours(-1));
        // Both problems carry an alert's figures, as a problem an alert opened does: they have a chart.
        rows.Execute("UPDATE problems SET source = 'alert', alert = $1 WHERE id IN ($2, $3);", JsonSerializer.Serialize(new
        {
            gateway = "gw-alpha", alertId = AlertA, ruleId = "dust-pm10", kind = "dust", severity = "warning", sensor = "pms-1", quantity = "pm10",
            chartQuantity = "pm10", value = 180, threshold = 150, unit = "ug/m3", at = Samples.T0, values = new { mean = 180, threshold = 150 },
        }), problemA, problemB);
        foreach (var (id, county) in new[] { ("c-in", County), ("c-out", CountyB) })
            using (var put = await admin.PutAsJsonAsync($"/api/campaigns/{id}", new { kind = "straw_burning_ban", county, from = "2026-05-01", to = "2026-06-30" }, Ct))
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var photoA = Photo(server, rows, "t-a", problemA, "甲村工地"u8.ToArray());
        var photoB = Photo(server, rows, "t-b", problemB, "乙村工地"u8.ToArray());

        var users = new Dictionary<string, TestUser>();
        // The department user works for d-a, the county's department problem A is transferred to.
        var departments = server.App.Services.GetRequiredService<GridEdge.Server.Departments.IDepartmentStore>();
        await departments.SaveAsync(new GridEdge.Server.Departments.Department("d-a", County, "历下区住建局", ["dust"]), Ct);
        await departments.SaveAsync(new GridEdge.Server.Departments.Department("d-b", CountyB, "市南区住建局", ["dust"]), Ct);
        foreach (var role in RoleNames)
            users[role] = await server.UserAsync($"u-{role.Replace('_', '-')}", role, GridOf(role), department: role == Roles.Department ? "d-a" : null);

        var policies = Policies(server);
        // A submitted report in each city, by the administrator: read by id inside, 404 outside.
        var submissionA = await SubmitAsync(admin, TownA);
        var submissionB = await SubmitAsync(admin, TownB);
        var cases = Cases(problemA, problemB, photoA, photoB, complaintA, complaintB, submissionA, submissionB);
        // A new endpoint fails here until it has its row in the matrix.
        Assert.Equal(policies.Keys.Order(StringComparer.Ordinal), cases.Select(c => $"{c.Method} {c.Route}").Order(StringComparer.Ordinal));

        var wrong = new List<string>();
        foreach (var role in RoleNames)
        {
            var key = users[role];
            using var http = server.Http(key.ApiKey);
            foreach (var c in cases)
            {
                var allowed = Permissions.Table[policies[$"{c.Method} {c.Route}"]].Contains(role);
                var inside = c.Inside.Replace("{self}", $"/api/users/{key.Name}").Replace("{key}", key.ApiKeyId);
                var (status, body) = await SendAsync(http, c, inside, role, inside: true);
                if (!allowed && status != HttpStatusCode.Forbidden) wrong.Add($"{role} {c.Method} {inside}: {(int)status}, expected 403");
                if (allowed && (status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized || c.Kind != Kind.Global && status == HttpStatusCode.NotFound))
                    wrong.Add($"{role} {c.Method} {inside}: {(int)status}, expected allowed: {Trim(body)}");

                if (c.Kind == Kind.Global || c.Outside is null) continue;
                (status, body) = await SendAsync(http, c, c.Outside, role, inside: false);
                if (!allowed) { if (status != HttpStatusCode.Forbidden) wrong.Add($"{role} {c.Method} {c.Outside}: {(int)status}, expected 403"); continue; }
                if (GridOf(role) is null)
                {
                    if (status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound) wrong.Add($"{role} {c.Method} {c.Outside}: {(int)status}, expected allowed everywhere");
                }
                else if (c.Kind == Kind.Item && status != HttpStatusCode.NotFound) wrong.Add($"{role} {c.Method} {c.Outside}: {(int)status}, expected 404: {Trim(body)}");
                else if (c.Kind == Kind.List && (status != HttpStatusCode.OK || OutsideMarkers.FirstOrDefault(body.Contains) is { } marker))
                    wrong.Add($"{role} {c.Method} {c.Outside}: {(int)status}, expected 200 without the other grid's records: {Trim(body)}");
            }
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} wrong answers:\n" + string.Join("\n", wrong));

        // Each refusal for another grid was counted.
        var refusals = await admin.GetFromJsonAsync<JsonElement>("/api/access/refusals", Ct);
        Assert.True(refusals.GetProperty("refusals").GetProperty(AccessFailures.OutsideGridReason).GetInt64() > 50);
        Assert.True(refusals.GetProperty("refusals").GetProperty(AccessFailures.RoleReason).GetInt64() > 50);
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, Case c, string url, string role, bool inside)
    {
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), url);
        if (c.Content is not null) request.Content = c.Content();
        else if (c.Raw is not null) request.Content = new StringContent(c.Raw, Encoding.UTF8, "application/json");
        else if (c.Body is not null) request.Content = JsonContent.Create(c.Body(role, inside));
        using var response = await http.SendAsync(request, c.Stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, Ct);
        return (response.StatusCode, c.Stream ? "" : await response.Content.ReadAsStringAsync(Ct));
    }

    private static string Trim(string body) => body.Length > 200 ? body[..200] + "…" : body;

    private static Dictionary<string, string> Policies(RunningServer server)
    {
        var policies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var endpoint in server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null) continue;
            var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).Single(p => p is not null && Permissions.Table.ContainsKey(p))!;
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                policies[$"{method} {endpoint.RoutePattern.RawText}"] = policy;
        }
        return policies;
    }

    /// <summary>Two cities, each with a county, a township with its gateway, a village, a member, a key point, an enterprise and a terminal; a reading batch and a raised alert per gateway.</summary>
    internal static async Task SeedAsync(RunningServer server, HttpClient admin)
    {
        var document = new
        {
            grids = new object[]
            {
                new { code = City, name = "济南市" }, new { code = County, name = "历下区" }, new { code = TownA, name = "甲镇", gateway = "gw-alpha" },
                new { code = VillageA, name = "甲村" },
                new { code = CityB, name = "青岛市" }, new { code = CountyB, name = "市南区" }, new { code = TownB, name = "乙镇", gateway = "gw-beta" },
                new { code = VillageB, name = "乙村" },
            },
            members = new[] { new { id = "m-a", name = "甲", grid = VillageA }, new { id = "m-b", name = "乙", grid = VillageB } },
            keyPoints = new[] { new { id = "kp-a", name = "甲点", grid = VillageA }, new { id = "kp-b", name = "乙点", grid = VillageB } },
            enterprises = new[] { new { id = "e-a", name = "甲厂", @class = "other", grid = VillageA }, new { id = "e-b", name = "乙厂", @class = "other", grid = VillageB } },
        };
        using (var put = await admin.PutAsJsonAsync("/api/grids", document, Ct)) Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync(Ct));
        foreach (var (id, member) in new[] { ("t-a", "m-a"), ("t-b", "m-b") })
            using (var issued = await admin.PostAsJsonAsync("/api/terminals", new { id, member }, Ct)) Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        foreach (var (gateway, alert) in new[] { ("gw-alpha", AlertA), ("gw-beta", AlertB) })
        {
            await server.Ledger.Readings.CommitBatchAsync(Samples.Readings(gateway, 1, 3), Ct);
            await server.Ledger.Alerts.CommitAlertsAsync(new Batch(gateway, Streams.Alerts, 1,
            [
                new Alert(alert, "dust-pm10", AlertKind.Dust, AlertState.Raised, AlertSeverity.Warning, "pms-1", Quantities.Pm10,
                    [new AlertValue("mean", 180)], Samples.T0, ClockQuality.NetworkSynced),
            ]), Ct);
        }
    }

    // Village A around (117.00, 36.60), village B around (120.30, 36.60): a complaint's point routes into one of them.
    private static async Task BoundariesAsync(HttpClient admin)
    {
        static object Square(double lon, double lat) => new
        {
            type = "Polygon",
            coordinates = new[] { new[] { new[] { lon, lat }, new[] { lon + 0.01, lat }, new[] { lon + 0.01, lat + 0.01 }, new[] { lon, lat + 0.01 }, new[] { lon, lat } } },
        };
        var document = new { grids = new[] { new { code = VillageA, name = "甲村", boundary = Square(117.00, 36.60) }, new { code = VillageB, name = "乙村", boundary = Square(120.30, 36.60) } } };
        using var put = await admin.PutAsJsonAsync("/api/grids", document, Ct);
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<long> SubmitAsync(HttpClient admin, string grid)
    {
        using var posted = await admin.PostAsJsonAsync("/api/reports/submissions", new { grid }, Ct);
        Assert.True(posted.StatusCode == HttpStatusCode.Created, await posted.Content.ReadAsStringAsync(Ct));
        return (await posted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
    }

    private static long Complaint(GridRows rows, string grid) => (long)rows.Scalar("""
        INSERT INTO complaints (received_at, channel, category, description, contact_name, contact_phone, grid, received_by, created_at)
        VALUES ($1, 'phone', 1, '扬尘', '王', '138', $2, 'admin', $1) RETURNING id;
        """, DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds(), grid)!;

    // A complete photo as the ingest leaves it: the row, the verified file beside the ledger, and the problem that carries it.
    private static string Photo(RunningServer server, GridRows rows, string terminal, long problem, byte[] bytes)
    {
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var folder = Path.Combine(Path.GetDirectoryName(server.LedgerPath)!, "attachments");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, sha), bytes);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        rows.Execute("INSERT INTO attachments (sha256, content_type, size, terminal, gateway, received, complete_at, first_at) VALUES ($1, 'image/jpeg', $2, $3, 'gw-alpha', $2, $4, $4);",
            sha, bytes.Length, terminal, now);
        rows.Execute("UPDATE problems SET terminal = $1, attachments = $2 WHERE id = $3;", terminal, $"[\"{sha}\"]", problem);
        return sha;
    }
}
