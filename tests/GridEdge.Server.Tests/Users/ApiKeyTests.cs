using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Server.Tests.Support;
using GridEdge.Server.Users;

namespace GridEdge.Server.Tests.Users;

/// <summary>API keys as <c>Authorization: Bearer</c>, anonymous callers, and roles without a permission.</summary>
public sealed class ApiKeyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_valid_key_reads_and_a_revoked_key_or_a_disabled_users_key_gets_401()
    {
        await using var server = await RunningServer.StartAsync();
        var kept = await server.UserAsync("platform", Roles.City, null);
        var revoked = await server.UserAsync("old-script", Roles.City, null);
        var disabled = await server.UserAsync("left", Roles.Auditor, null);
        using var admin = server.Http();
        using var revoke = await admin.DeleteAsync($"/api/users/old-script/api-keys/{revoked.ApiKeyId}", Ct);
        using var disable = await admin.PatchAsJsonAsync("/api/users/left", new { disabled = true }, Ct);

        using var ok = await server.Http(kept.ApiKey).GetAsync("/api/readings", Ct);
        using var afterRevoke = await server.Http(revoked.ApiKey).GetAsync("/api/readings", Ct);
        using var afterDisable = await server.Http(disabled.ApiKey).GetAsync("/api/readings", Ct);
        using var madeUp = await server.Http("not-a-key").GetAsync("/api/readings", Ct);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.OK), (revoke.StatusCode, disable.StatusCode));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        Assert.Contains("revoked API key", (await afterRevoke.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, afterDisable.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, madeUp.StatusCode);
        Assert.DoesNotContain(kept.ApiKey, string.Join("\n", (await admin.GetFromJsonAsync<JsonElement>("/api/users/platform", Ct)).GetRawText()));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("GET", "/api/readings")]
    [InlineData("GET", "/api/problems")]
    [InlineData("GET", "/api/attachments/0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("POST", "/api/terminals")]
    [InlineData("PUT", "/api/grids")]
    [InlineData("POST", "/api/problems/1/close")]
    [InlineData("GET", "/api/users")]
    [InlineData("GET", "/api/no-such-endpoint")]
    public async Task An_anonymous_caller_gets_401(string method, string path)
    {
        await using var server = await RunningServer.StartAsync();
        using var http = server.Anonymous();

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
        using var health = await http.GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(Roles.Auditor, null, "POST", "/api/problems/1/assign", HttpStatusCode.Forbidden)]
    [InlineData(Roles.VillageChief, "370102001001", "POST", "/api/problems/1/close", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Township, "370102001000", "POST", "/api/problems/1/close", HttpStatusCode.NotFound)]
    [InlineData(Roles.Township, "370102001000", "PUT", "/api/grids", HttpStatusCode.Forbidden)]
    [InlineData(Roles.VillageMember, "370102001001", "POST", "/api/terminals", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Department, null, "PUT", "/api/gateways/gw-alpha/config/alert-rules", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Township, "370102001000", "GET", "/api/users", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Auditor, null, "GET", "/api/readings", HttpStatusCode.OK)]
    public async Task A_role_gets_403_for_what_it_may_not_do(string role, string? grid, string method, string path, HttpStatusCode expected)
    {
        await using var server = await RunningServer.StartAsync();
        var user = await server.UserAsync("someone", role, grid);
        using var http = server.Http(user.ApiKey);

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET") request.Content = JsonContent.Create(new { by = "someone" });
        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.Forbidden) return;
        var refusal = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(("role", role), (refusal.GetProperty("field").GetString(), refusal.GetProperty("value").GetString()));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_user_manages_its_own_keys_but_not_another_users()
    {
        await using var server = await RunningServer.StartAsync();
        var me = await server.UserAsync("me", Roles.Township, "370102001000");
        await server.UserAsync("other", Roles.Township, "370102002000");
        await server.GridsAsync("370102001001");
        using var http = server.Http(me.ApiKey);

        using var mine = await http.PostAsync("/api/users/me/api-keys", null, Ct);
        var key = await mine.Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var theirs = await http.PostAsync("/api/users/other/api-keys", null, Ct);
        using var revokeMine = await http.DeleteAsync($"/api/users/me/api-keys/{key.GetProperty("id").GetString()}", Ct);
        using var created = await server.Http().PostAsJsonAsync("/api/users", new { name = "new.one", role = "village_chief", grid = "370102001001", password = "a long enough password" }, Ct);
        using var badRole = await server.Http().PostAsJsonAsync("/api/users", new { name = "new.two", role = "mayor" }, Ct);

        Assert.Equal(HttpStatusCode.Created, mine.StatusCode);
        Assert.False(string.IsNullOrEmpty(key.GetProperty("key").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revokeMine.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("网格长", (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("roleName").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.Equal("role", (await badRole.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("field").GetString());
    }
}
