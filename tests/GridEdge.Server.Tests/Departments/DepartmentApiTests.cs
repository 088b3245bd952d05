using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Server.Tests.Support;
using GridEdge.Server.Tests.Users;

namespace GridEdge.Server.Tests.Departments;

/// <summary>
/// The department register: a county official registers its departments with the categories routed to each; a
/// village's problem of a category is routed to its county's department; another county's register is not reachable.
/// </summary>
public sealed class DepartmentApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_county_registers_its_departments_and_a_villages_dust_goes_to_housing_and_livestock_waste_to_agriculture()
    {
        await using var server = await RunningServer.StartAsync();
        using var admin = server.Http();
        await AccessMatrixTests.SeedAsync(server, admin);
        using var county = server.Http((await server.UserAsync("county-dep", "county", AccessMatrixTests.County)).ApiKey);
        using var township = server.Http((await server.UserAsync("town-dep", "township", "370102001000")).ApiKey);

        foreach (var (id, name, categories) in new[] { ("zhujian", "县住房城乡建设局", new[] { "dust", "catering_fumes" }), ("nongye", "县农业农村局", new[] { "livestock_waste", "straw_burning" }) })
            using (var put = await county.PutAsJsonAsync($"/api/departments/{id}", new { grid = AccessMatrixTests.County, name, categories }, Ct))
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        async Task<string?> RouteAsync(HttpClient http, string category)
        {
            using var response = await http.GetAsync($"/api/departments/route?grid=370102001001&category={category}", Ct);
            return response.StatusCode == HttpStatusCode.OK ? (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("name").GetString() : null;
        }
        Assert.Equal("县住房城乡建设局", await RouteAsync(township, "dust"));
        Assert.Equal("县农业农村局", await RouteAsync(township, "livestock_waste"));
        Assert.Null(await RouteAsync(township, "medical_waste"));

        var listed = await township.GetFromJsonAsync<JsonElement>("/api/departments", Ct);
        Assert.Equal(["nongye", "zhujian"], listed.EnumerateArray().Select(d => d.GetProperty("id").GetString()).Order());

        // A township official may not change the register; a county official not another county's; a wrong category is named.
        using (var refused = await township.PutAsJsonAsync("/api/departments/x", new { grid = AccessMatrixTests.County, name = "局", categories = new[] { "dust" } }, Ct))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using (var outside = await county.PutAsJsonAsync("/api/departments/y", new { grid = AccessMatrixTests.CountyB, name = "局", categories = new[] { "dust" } }, Ct))
            Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
        using (var bad = await county.PutAsJsonAsync("/api/departments/z", new { grid = AccessMatrixTests.County, name = "局", categories = new[] { "dust", "smog" } }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("categories[1]", (await bad.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("field").GetString());
        }
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/audit?action=department", Ct);
        Assert.Equal(2, audit.GetProperty("items").GetArrayLength());
    }
}
