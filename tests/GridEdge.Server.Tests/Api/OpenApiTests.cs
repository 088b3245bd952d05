using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Server.Tests.Support;

namespace GridEdge.Server.Tests.Api;

public sealed class OpenApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task The_openapi_document_describes_the_endpoints_and_how_to_authenticate_to_signed_in_callers()
    {
        await using var server = await RunningServer.StartAsync();
        using var http = server.Http();
        using var anonymous = server.Anonymous();

        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        using var refused = await anonymous.GetAsync("/openapi/v1.json", Ct);

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[] { "/api/readings", "/api/gateways", "/api/problems/{id}/close", "/api/users", "/api/session", "/api/gateways/{id}/credentials" })
            Assert.Contains(path, paths);
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("apiKey").GetProperty("scheme").GetString());
        Assert.Equal("cookie", schemes.GetProperty("session").GetProperty("in").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
