using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Server.Tests.Support;
using GridEdge.Server.Users;
using Microsoft.Extensions.DependencyInjection;

namespace GridEdge.Server.Tests.Users;

/// <summary>Signing in with a password over HTTP: the session cookie, antiforgery on unsafe requests, lock-out and the rate limit.</summary>
public sealed class SessionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> SignInAsync(HttpClient http, string name, string password) =>
        http.PostAsJsonAsync("/api/session", new { name, password }, Ct);

    [Fact(Timeout = 60_000)]
    public async Task A_signed_in_browser_needs_the_csrf_token_for_unsafe_requests_and_not_for_reads()
    {
        await using var server = await RunningServer.StartAsync();
        var user = await server.UserAsync("li.wei", Roles.Township, "370102001000");
        using var browser = server.Anonymous();

        using var signIn = await SignInAsync(browser, user.Name, user.Password);
        var session = await browser.GetFromJsonAsync<JsonElement>("/api/session", Ct);
        var token = session.GetProperty("csrfToken").GetString()!;
        using var read = await browser.GetAsync("/api/readings", Ct);
        using var withoutToken = await browser.PostAsync("/api/users/li.wei/api-keys", null, Ct);
        var refusal = await withoutToken.Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var withToken = new HttpRequestMessage(HttpMethod.Post, "/api/users/li.wei/api-keys");
        withToken.Headers.Add(UserServiceCollectionExtensions.CsrfHeader, token);
        using var accepted = await browser.SendAsync(withToken, Ct);

        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(UserServiceCollectionExtensions.SessionCookie + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(("li.wei", "township", "370102001000", "session"), (session.GetProperty("name").GetString(), session.GetProperty("role").GetString(),
            session.GetProperty("grid").GetString(), session.GetProperty("via").GetString()));
        Assert.Contains("CloseProblems", session.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal("X-CSRF-TOKEN", refusal.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_session_cookie_from_one_server_node_is_honoured_by_another_on_the_same_ledger()
    {
        await using var first = await RunningServer.StartAsync();
        var user = await first.UserAsync("li.wei", Roles.Township, "370102001000");
        using var browser = first.Anonymous();
        using var signIn = await SignInAsync(browser, user.Name, user.Password);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(UserServiceCollectionExtensions.SessionCookie + "=", StringComparison.Ordinal)).Split(';')[0];

        // A second node (or the same server after a restart) shares the key ring through the ledger.
        await using var second = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:Ledger:Path"] = first.LedgerPath });
        using var elsewhere = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = second.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/session");
        request.Headers.Add("Cookie", cookie);
        using var answer = await elsewhere.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("li.wei", (await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("name").GetString());
        // The key ring is in the ledger itself (not in a folder of one machine's home), so nodes on other machines share it.
        using var ledger = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={first.LedgerPath};Mode=ReadOnly");
        ledger.Open();
        using var keys = ledger.CreateCommand();
        keys.CommandText = "SELECT COUNT(*) FROM data_protection_keys;";
        Assert.True((long)keys.ExecuteScalar()! > 0, "no data-protection key in the ledger");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_wrong_password_and_an_unknown_name_get_the_same_answer_and_signing_out_ends_the_session()
    {
        await using var server = await RunningServer.StartAsync();
        var user = await server.UserAsync("li.wei", Roles.Auditor, null);
        using var browser = server.Anonymous();

        using var wrong = await SignInAsync(browser, user.Name, "not the password");
        using var unknown = await SignInAsync(browser, "nobody", "not the password");
        using var right = await SignInAsync(browser, user.Name, user.Password);
        var token = (await browser.GetFromJsonAsync<JsonElement>("/api/session", Ct)).GetProperty("csrfToken").GetString()!;
        using var signOut = new HttpRequestMessage(HttpMethod.Delete, "/api/session");
        signOut.Headers.Add(UserServiceCollectionExtensions.CsrfHeader, token);
        using var signedOut = await browser.SendAsync(signOut, Ct);
        using var after = await browser.GetAsync("/api/session", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(await wrong.Content.ReadAsStringAsync(Ct), await unknown.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, right.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_copy_of_the_cookie_replayed_after_sign_out_a_forged_cookie_and_one_after_a_new_password_get_401_and_are_counted()
    {
        await using var server = await RunningServer.StartAsync();
        var user = await server.UserAsync("li.wei", Roles.Auditor, null);
        using var browser = server.Anonymous();
        using var signIn = await SignInAsync(browser, user.Name, user.Password);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(UserServiceCollectionExtensions.SessionCookie + "=", StringComparison.Ordinal)).Split(';')[0];
        // What someone who copied the cookie sends, from another client with no cookie jar of its own.
        async Task<HttpStatusCode> ReplayAsync(string value)
        {
            using var thief = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = server.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/session");
            request.Headers.Add("Cookie", value);
            using var response = await thief.SendAsync(request, Ct);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await ReplayAsync(cookie));
        var forged = cookie[..^6] + (cookie[^6] == 'A' ? 'B' : 'A') + cookie[^5..];
        Assert.Equal(HttpStatusCode.Unauthorized, await ReplayAsync(forged));

        var token = (await browser.GetFromJsonAsync<JsonElement>("/api/session", Ct)).GetProperty("csrfToken").GetString()!;
        using var signOut = new HttpRequestMessage(HttpMethod.Delete, "/api/session");
        signOut.Headers.Add(UserServiceCollectionExtensions.CsrfHeader, token);
        using (var signedOut = await browser.SendAsync(signOut, Ct)) Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await ReplayAsync(cookie));

        // A new password ends every session the user had.
        using var again = await SignInAsync(browser, user.Name, user.Password);
        var second = again.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(UserServiceCollectionExtensions.SessionCookie + "=", StringComparison.Ordinal)).Split(';')[0];
        Assert.Equal(HttpStatusCode.OK, await ReplayAsync(second));
        Assert.NotNull((await server.App.Services.GetRequiredService<IUserStore>().ChangeAsync(user.Name, new UserChange(Password: "a brand new long password"), Ct)).User);
        Assert.Equal(HttpStatusCode.Unauthorized, await ReplayAsync(second));

        var counts = server.App.Services.GetRequiredService<AccessFailures>().Counts;
        Assert.True(counts["session cookie not accepted"] >= 3, string.Join(", ", counts));
        Assert.True(counts["ended session"] >= 2, string.Join(", ", counts));
    }

    [Fact(Timeout = 60_000)]
    public async Task Five_wrong_passwords_lock_the_user_and_the_answer_says_until_when()
    {
        await using var server = await RunningServer.StartAsync();
        var user = await server.UserAsync("li.wei", Roles.Township, "370102001000");
        using var browser = server.Anonymous();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < SignInLimits.MaxFailures; i++)
        {
            using var response = await SignInAsync(browser, user.Name, "wrong password " + i);
            statuses.Add(response.StatusCode);
        }
        using var right = await SignInAsync(browser, user.Name, user.Password);
        var body = await right.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, SignInLimits.MaxFailures - 1), HttpStatusCode.Locked], statuses);
        Assert.Equal(HttpStatusCode.Locked, right.StatusCode);
        var until = body.GetProperty("lockedUntil").GetDateTimeOffset();
        Assert.InRange(until - DateTimeOffset.UtcNow, SignInLimits.LockOut - TimeSpan.FromMinutes(1), SignInLimits.LockOut);
        Assert.True(server.App.Services.GetRequiredService<AccessFailures>().Counts.TryGetValue("sign-in: wrong password", out var counted) && counted == SignInLimits.MaxFailures - 1);
    }

    [Fact(Timeout = 60_000)]
    public async Task Sign_ins_from_one_address_beyond_the_limit_a_minute_get_429()
    {
        await using var server = await RunningServer.StartAsync();
        using var browser = server.Anonymous();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= SignInLimits.AttemptsPerMinute; i++)
        {
            using var response = await SignInAsync(browser, "guess-" + i, "a guessed password");
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses[..^1], s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }
}
