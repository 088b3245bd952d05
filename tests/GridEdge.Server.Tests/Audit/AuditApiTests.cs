using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Server.Audit;
using GridEdge.Server.Tests.Broker;
using GridEdge.Server.Tests.Support;
using GridEdge.Server.Users;
using Microsoft.Extensions.DependencyInjection;

namespace GridEdge.Server.Tests.Audit;

/// <summary>GET /api/audit over the real server: what changes leave behind, who may read it, a reader's grid as its scope, no secret in any entry.</summary>
public sealed class AuditApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(string Raw, JsonElement[] Items)> AuditAsync(HttpClient http, string query = "")
    {
        using var response = await http.GetAsync("/api/audit" + query, Ct);
        var raw = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, raw);
        return (raw, [.. JsonDocument.Parse(raw).RootElement.GetProperty("items").EnumerateArray()]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Creating_changing_and_keying_a_user_leaves_entries_naming_the_administrator_and_no_secret()
    {
        await using var server = await RunningServer.StartAsync();
        await server.GridsAsync("370102001000");
        using var http = server.Http();

        using var created = await http.PostAsJsonAsync("/api/users", new { name = "li.wei", role = "township", grid = "370102001000", password = "the first long password" }, Ct);
        using var changed = await http.PatchAsJsonAsync("/api/users/li.wei", new { role = "county", grid = "370102000000", password = "the second long password" }, Ct);
        using var keyed = await http.PostAsync("/api/users/li.wei/api-keys", null, Ct);
        var key = await keyed.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var keyId = key.GetProperty("id").GetString()!;
        using var revoked = await http.DeleteAsync($"/api/users/li.wei/api-keys/{keyId}", Ct);
        using var revokedAgain = await http.DeleteAsync($"/api/users/li.wei/api-keys/{keyId}", Ct);
        var (raw, items) = await AuditAsync(http);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent),
            (created.StatusCode, changed.StatusCode, keyed.StatusCode, revoked.StatusCode));
        Assert.Equal([AuditActions.ApiKeyRevoke, AuditActions.ApiKeyCreate, AuditActions.UserChange, AuditActions.UserCreate], items.Select(e => e.GetProperty("action").GetString()));
        Assert.All(items, e => Assert.Equal((server.Administrator, Roles.Admin), (e.GetProperty("actor").GetString(), e.GetProperty("role").GetString())));
        Assert.All(items, e => Assert.StartsWith("api-key:key-", e.GetProperty("via").GetString()));
        var (revoke, create, change, make) = (items[0], items[1], items[2], items[3]);
        Assert.Equal(JsonValueKind.Null, make.GetProperty("before").ValueKind);
        Assert.Equal(("li.wei", "township", true), (make.GetProperty("after").GetProperty("name").GetString(),
            make.GetProperty("after").GetProperty("role").GetString(), make.GetProperty("after").GetProperty("hasPassword").GetBoolean()));
        Assert.Equal(("township", "county", true), (change.GetProperty("before").GetProperty("role").GetString(),
            change.GetProperty("after").GetProperty("role").GetString(), change.GetProperty("after").GetProperty("passwordChanged").GetBoolean()));
        Assert.Equal(("370102000000", "api-key", keyId), (change.GetProperty("grid").GetString(), create.GetProperty("objectKind").GetString(), create.GetProperty("objectId").GetString()));
        Assert.Equal(JsonValueKind.Null, revoke.GetProperty("before").GetProperty("revokedAt").ValueKind);
        Assert.Equal(JsonValueKind.String, revoke.GetProperty("after").GetProperty("revokedAt").ValueKind);
        foreach (var secret in new[] { "the first long password", "the second long password", key.GetProperty("key").GetString()!, "PBKDF2", "sha256", "Hash" })
            Assert.DoesNotContain(secret, raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_auditor_reads_the_log_a_township_user_is_refused_and_an_unknown_parameter_is_named()
    {
        await using var server = await RunningServer.StartAsync();
        var auditor = await server.UserAsync("shen.ji", Roles.Auditor, null);
        var township = await server.UserAsync("li.wei", Roles.Township, "370102001000");
        await server.App.Services.GetRequiredService<IAuditLog>().AppendAsync(
            AuditEntry.For(new AuditActor("zhang.san", Roles.Township, "session"), "problem.close", "problem", "7", "370102001001", null, new { state = "closed" }), Ct);

        var (_, items) = await AuditAsync(server.Http(auditor.ApiKey), "?action=problem&objectKind=problem&objectId=7&actor=zhang.san&limit=10");
        using var refused = await server.Http(township.ApiKey).GetAsync("/api/audit", Ct);
        using var unknown = await server.Http(auditor.ApiKey).GetAsync("/api/audit?objectType=user", Ct);
        var error = await unknown.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal("closed", Assert.Single(items).GetProperty("after").GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal((HttpStatusCode.BadRequest, "objectType"), (unknown.StatusCode, error.GetProperty("field").GetString()));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_scoped_auditor_sees_only_entries_under_its_grid()
    {
        await using var server = await RunningServer.StartAsync();
        await server.GridsAsync("370102001001", "370102002000");
        using var http = server.Http();
        foreach (var (name, role, grid) in new[] { ("in.village", "village_chief", (string?)"370102001001"), ("next.door", "township", "370102002000"), ("city.wide", "city", null) })
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/users", new { name, role, grid }, Ct)).StatusCode);
        var scoped = await server.UserAsync("town.auditor", Roles.Auditor, "370102001000");
        var unscoped = await server.UserAsync("city.auditor", Roles.Auditor, null);

        var (_, mine) = await AuditAsync(server.Http(scoped.ApiKey));
        var (_, all) = await AuditAsync(server.Http(unscoped.ApiKey));

        Assert.Equal(["in.village"], mine.Select(e => e.GetProperty("objectId").GetString()));
        Assert.Equal(["city.wide", "next.door", "in.village"], all.Select(e => e.GetProperty("objectId").GetString()));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_user_whose_grid_is_not_in_the_registry_is_refused_naming_grid_and_leaves_no_entry()
    {
        await using var server = await RunningServer.StartAsync();
        await server.UserAsync("li.wei", Roles.Township, "370102001000");
        using var http = server.Http();

        using var create = await http.PostAsJsonAsync("/api/users", new { name = "wang.fang", role = "township", grid = "370102009000" }, Ct);
        using var change = await http.PatchAsJsonAsync("/api/users/li.wei", new { grid = "370102009000" }, Ct);
        var (_, items) = await AuditAsync(http);

        foreach (var response in new[] { create, change })
        {
            var error = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal((HttpStatusCode.BadRequest, "grid", "370102009000", UserStore.GridInRegistry),
                (response.StatusCode, error.GetProperty("field").GetString(), error.GetProperty("value").GetString(), error.GetProperty("expected").GetString()));
        }
        Assert.Empty(items);
    }

    [Fact(Timeout = 60_000)]
    public async Task Gateway_credentials_issued_rotated_and_revoked_over_http_or_by_command_are_audited_without_a_password()
    {
        await using var server = await RunningServer.StartAsync();
        using var http = server.Http();
        string[] ledger = [$"--Server:Ledger:Path={server.LedgerPath}", $"--Server:Logs:Directory={Path.GetDirectoryName(server.LedgerPath)}/cli-logs"];

        var passwords = new List<string>();
        foreach (var _ in new[] { "issue", "rotate" })
        {
            using var issued = await http.PostAsync("/api/gateways/gw-370102-001/credentials?township=370102001000", null, Ct);
            passwords.Add((await issued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("password").GetString()!);
        }
        using var revoked = await http.DeleteAsync("/api/gateways/gw-370102-001/credentials", Ct);
        using var revokedAgain = await http.DeleteAsync("/api/gateways/gw-370102-001/credentials", Ct);
        var (addStatus, addOut, _) = IssuedGatewayAccountTests.Run(["gateways", "add", "gw-370102-002", "--township", "370102002000", .. ledger]);
        var (raw, items) = await AuditAsync(http, "?action=gateway.credentials");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, 0), (revoked.StatusCode, revokedAgain.StatusCode, addStatus));
        Assert.Equal(["gateway.credentials.issue", "gateway.credentials.revoke", "gateway.credentials.rotate", "gateway.credentials.issue"],
            items.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal([AuditActor.CommandLine, server.Administrator, server.Administrator, server.Administrator],
            items.Select(e => e.GetProperty("actor").GetString() == server.Administrator ? server.Administrator : e.GetProperty("via").GetString()));
        Assert.Equal(["370102002000", "370102001000", "370102001000", "370102001000"], items.Select(e => e.GetProperty("grid").GetString()));
        Assert.Equal(JsonValueKind.String, items[1].GetProperty("after").GetProperty("revokedAt").ValueKind);
        passwords.Add(addOut.Split("Password (shown only now): ")[1].Split('\n')[0].Trim());
        foreach (var secret in passwords.Append("$7$").Append("hash"))
            Assert.DoesNotContain(secret, raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact(Timeout = 60_000)]
    public async Task Users_add_at_the_command_line_is_audited_as_the_command_line_and_refuses_a_grid_not_in_the_registry()
    {
        await using var server = await RunningServer.StartAsync();
        string[] ledger = [$"--Server:Ledger:Path={server.LedgerPath}", $"--Server:Logs:Directory={Path.GetDirectoryName(server.LedgerPath)}/cli-logs"];
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var added = await UsersCommand.AddAsync(new NewUser("ops", null, Roles.Admin, null, null), true, ledger, stdout, stderr, Ct);
        var unknownGrid = await UsersCommand.AddAsync(new NewUser("li.wei", null, Roles.Township, "370102001000", null), true, ledger, stdout, stderr, Ct);
        var (raw, items) = await AuditAsync(server.Http());

        Assert.Equal((0, 2), (added, unknownGrid));
        Assert.Contains($"--grid is '370102001000': expected {UserStore.GridInRegistry}", stderr.ToString());
        Assert.Equal([AuditActions.ApiKeyCreate, AuditActions.UserCreate], items.Select(e => e.GetProperty("action").GetString()));
        Assert.All(items, e => Assert.Equal((AuditActor.CommandLine, AuditActor.CommandLine), (e.GetProperty("role").GetString(), e.GetProperty("via").GetString())));
        Assert.DoesNotContain(stdout.ToString().TrimEnd().Split('\n')[^1].Trim(), raw);
    }
}
