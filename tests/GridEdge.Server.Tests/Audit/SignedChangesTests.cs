using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridEdge.Server.Tests.Problems;
using GridEdge.Server.Tests.Support;
using GridEdge.Server.Tests.Users;

namespace GridEdge.Server.Tests.Audit;

/// <summary>
/// Every state change through the API leaves an audit entry naming the signed-in user who made it, with the object and
/// its grid: problem transitions, acknowledgements, commands, rule changes, registry changes, terminals.
/// </summary>
public sealed class SignedChangesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string TownA = "370102001000", VillageA = "370102001001";

    [Fact(Timeout = 90_000)]
    public async Task Each_change_is_in_the_audit_log_under_the_user_who_made_it()
    {
        await using var server = await RunningServer.StartAsync();
        using var admin = server.Http();
        await AccessMatrixTests.SeedAsync(server, admin);
        long problem;
        using (var rows = new GridRows(server.LedgerPath)) problem = rows.Problem(VillageA, DateTimeOffset.UtcNow.AddHours(-1));
        using var county = server.Http((await server.UserAsync("county-liu", "county", "370102000000")).ApiKey);
        using var township = server.Http((await server.UserAsync("town-zhao", "township", TownA)).ApiKey);
        using var chief = server.Http((await server.UserAsync("chief-sun", "village_chief", VillageA)).ApiKey);
        var deadline = DateTimeOffset.UtcNow.AddDays(2).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz");

        await ExpectAsync(county.PutAsJsonAsync("/api/grids", new { members = new[] { new { id = "m-new", name = "新", grid = VillageA } } }, Ct), HttpStatusCode.OK);
        await ExpectAsync(county.PutAsJsonAsync("/api/members/m-new", new { name = "新人", grid = VillageA }, Ct), HttpStatusCode.OK);
        await ExpectAsync(township.PostAsJsonAsync("/api/terminals", new { id = "t-new", member = "m-new" }, Ct), HttpStatusCode.Created);
        await ExpectAsync(township.PostAsync("/api/terminals/t-new/revoke", null, Ct), HttpStatusCode.OK);
        await ExpectAsync(township.PostAsJsonAsync("/api/gateways/gw-alpha/commands", new { name = "silence" }, Ct), HttpStatusCode.Accepted);
        await ExpectAsync(township.PostAsJsonAsync($"/api/alerts/gw-alpha/{Uri.EscapeDataString(AccessMatrixTests.AlertA)}/acknowledge", new { }, Ct), HttpStatusCode.Accepted);
        await ExpectAsync(township.PutAsync("/api/gateways/gw-alpha/config/alert-rules?validate=false", new StringContent("{}", Encoding.UTF8, "application/json"), Ct),
            HttpStatusCode.Accepted);
        await ExpectAsync(chief.PostAsJsonAsync($"/api/problems/{problem}/assign", new { assignee = "m-a", deadline }, Ct), HttpStatusCode.OK);

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/audit?limit=100", Ct);
        var entries = audit.GetProperty("items").EnumerateArray()
            .Select(e => (Action: e.GetProperty("action").GetString(), Actor: e.GetProperty("actor").GetString(), Id: e.GetProperty("objectId").GetString(),
                Grid: e.TryGetProperty("grid", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() : null))
            .ToList();
        Assert.Contains(("grid.import", "county-liu", "import", "370102000000"), entries);
        Assert.Contains(("member.change", "county-liu", "m-new", VillageA), entries);
        Assert.Contains(("terminal.issue", "town-zhao", "t-new", VillageA), entries);
        Assert.Contains(("terminal.revoke", "town-zhao", "t-new", VillageA), entries);
        Assert.Contains(("gateway.command.silence", "town-zhao", "gw-alpha", TownA), entries);
        Assert.Contains(("alert.acknowledge", "town-zhao", $"gw-alpha/{AccessMatrixTests.AlertA}", TownA), entries);
        Assert.Contains(("gateway.alert-rules", "town-zhao", "gw-alpha", TownA), entries);
        Assert.Contains(("problem.assign", "chief-sun", problem.ToString(System.Globalization.CultureInfo.InvariantCulture), VillageA), entries);

        // The problem's own event names the same user: the ledger's signature and the audit entry agree.
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/problems/{problem}", Ct);
        Assert.Equal("chief-sun", detail.GetProperty("events").EnumerateArray().Last().GetProperty("by").GetString());
        // No token of the issued terminal in any entry.
        Assert.DoesNotContain("token\"", audit.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    private static async Task ExpectAsync(Task<HttpResponseMessage> send, HttpStatusCode status)
    {
        using var response = await send;
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} " +
            await response.Content.ReadAsStringAsync(Ct));
    }
}
