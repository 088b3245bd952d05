using GridEdge.Server.Tests.Support;
using GridEdge.Server.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GridEdge.Server.Tests.Users;

/// <summary>Every endpoint of the server declares who may call it: a permission policy, or anonymous for /health and the sign-in only.</summary>
public sealed class EndpointPolicyTests
{
    // The health check, the sign-in, and the console's page (public like any sign-in page; its data comes from the API).
    private static readonly string[] Anonymous = ["GET /health", "POST /api/session", "GET /", "GET /{**path:regex(^(?!(api|openapi|app)/)[^.]*$)}"];

    [Fact(Timeout = 60_000)]
    public async Task Every_endpoint_declares_a_permission_policy_or_is_one_of_the_two_anonymous_ones()
    {
        await using var server = await RunningServer.StartAsync();
        var endpoints = server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        var undeclared = new List<string>();
        var anonymous = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"];
            foreach (var method in methods)
            {
                var route = $"{method} {endpoint.RoutePattern.RawText}";
                if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null) anonymous.Add(route);
                else if (!endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is { } p && Permissions.Table.ContainsKey(p))) undeclared.Add(route);
            }
        }

        Assert.True(endpoints.Count > 40, $"only {endpoints.Count} endpoints found");
        Assert.Empty(undeclared);
        Assert.Equal(Anonymous.Order(), anonymous.Order());
    }

    [Fact]
    public void Every_role_has_a_chinese_name_and_every_permission_names_only_known_roles()
    {
        Assert.All(Roles.All, r => Assert.False(string.IsNullOrWhiteSpace(r.Chinese)));
        Assert.All(Permissions.Table.Values.SelectMany(r => r), r => Assert.True(Roles.IsKnown(r), r));
        Assert.Equal(Permissions.Table.Keys.Order(), Permissions.Of(Roles.Admin).Except([Permissions.ReadAudit]).Append(Permissions.ReadAudit).Order());
        Assert.Equal([Permissions.SignedIn, Permissions.ReadLedgers, Permissions.ReadAudit], Permissions.Of(Roles.Auditor));
    }
}
