using System.Net;
using GridEdge.Server.Tests.Support;

namespace GridEdge.Server.Tests.Web;

/// <summary>The console's page and files as the server serves them: public, under a strict policy, compressed; nothing else public.</summary>
public sealed class ConsoleEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task The_page_and_its_scripts_are_public_under_a_strict_policy_and_every_other_path_still_needs_a_caller()
    {
        await using var server = await RunningServer.StartAsync();
        using var http = server.Anonymous();

        foreach (var path in new[] { "/", "/dashboard", "/map/370102001001" })
        {
            using var page = await http.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            var policy = page.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self'", policy);
            Assert.Contains("frame-ancestors 'none'", policy);
            Assert.Contains("<script type=\"module\" src=\"/app/app.js\">", await page.Content.ReadAsStringAsync(Ct));
        }
        using (var script = await http.GetAsync("/app/app.js", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.Equal("nosniff", script.Headers.GetValues("X-Content-Type-Options").Single());
        }
        // Not pages: files that are not the console's, unknown API paths, the API itself.
        foreach (var path in new[] { "/app/../appsettings.json", "/favicon.ico", "/api/nothing", "/api/readings", "/appsettings.json" })
        {
            using var response = await http.GetAsync(path, Ct);
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
            Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Scripts_and_json_are_compressed_for_a_browser_that_asks()
    {
        await using var server = await RunningServer.StartAsync();
        using var handler = new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None };
        using var http = new HttpClient(handler) { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/app/app.js");
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
    }
}
