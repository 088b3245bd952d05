using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static GridEdge.Console.Tests.LedgerPages;

namespace GridEdge.Console.Tests;

/// <summary>职能部门: the county's register of departments, a department added with its categories from the page.</summary>
public sealed class DepartmentTests(DemoConsole demo)
{
    [Fact(Timeout = 120_000)]
    public async Task A_department_created_with_two_categories_is_listed_and_routed_those_categories()
    {
        var id = "eco-" + Guid.NewGuid().ToString("N")[..8];
        var page = await demo.SignInAsync("county");
        await OpenAsync(page, "#/departments");
        await page.Locator("main[data-ready=true]").WaitForAsync();
        // The demo's housing and construction bureau is listed.
        await Assertions.Expect(page.Locator("[data-department=demo-zhujian]")).ToHaveTextAsync("区住房城乡建设局");
        var form = page.Locator("form[data-form=department]");
        await form.Locator("input[name=id]").FillAsync(id);
        await form.Locator("input[name=name]").FillAsync("区农业农村局 " + id);
        await form.Locator("select[name=grid]").SelectOptionAsync("370102000000");
        await form.Locator("input[name=categories][value=straw_burning]").CheckAsync();
        await form.Locator("input[name=categories][value=livestock_waste]").CheckAsync();
        await form.Locator("button[data-action=save]").ClickAsync();

        var row = page.Locator(".department-list tbody tr", new() { Has = page.Locator($"[data-department='{id}']") });
        await Assertions.Expect(row).ToContainTextAsync("区农业农村局 " + id);
        await Assertions.Expect(row).ToContainTextAsync("秸秆焚烧");
        await Assertions.Expect(row).ToContainTextAsync("畜禽养殖粪污");

        using var http = demo.Api("county");
        var departments = await http.GetFromJsonAsync<JsonElement>("/api/departments", TestContext.Current.CancellationToken);
        var saved = departments.EnumerateArray().Single(d => d.GetProperty("id").GetString() == id);
        Assert.Equal("370102000000", saved.GetProperty("grid").GetString());
        Assert.Equal(["livestock_waste", "straw_burning"], saved.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).Order());

        // Picking it from the list fills the form for changing it.
        await row.ClickAsync();
        await Assertions.Expect(form.Locator("input[name=id]")).ToHaveValueAsync(id);
        await Assertions.Expect(form.Locator("input[name=categories][value=livestock_waste]")).ToBeCheckedAsync();
        await Assertions.Expect(form.Locator("input[name=categories][value=dust]")).Not.ToBeCheckedAsync();
        await ScreenshotsAsync(demo, page, "departments", p => Assertions.Expect(p.Locator(".department-list tbody tr").First).ToBeVisibleAsync());
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_township_official_has_no_departments_page_in_the_menu()
    {
        var page = await demo.SignInAsync("township");
        await Assertions.Expect(page.Locator("nav.nav a[data-route=problems]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("nav.nav a[data-route=departments]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
