using Microsoft.Playwright;

namespace GridEdge.Console.Tests;

/// <summary>台账管理 in the page: a township official issues a terminal (its token shown once) and revokes it; the users page is the administrator's.</summary>
public sealed class RegistryPageTests(DemoConsole demo)
{
    [Fact(Timeout = 120_000)]
    public async Task A_terminal_is_issued_with_its_token_shown_once_and_revoked()
    {
        var page = await demo.SignInAsync("township");
        await page.GotoAsync("/#/registry/terminals");
        var id = "t-page-" + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("form[data-form=terminals] input[name=id]").FillAsync(id);
        await page.Locator("form[data-form=terminals] button[type=submit]").ClickAsync();
        var token = page.Locator("[data-token]");
        await Assertions.Expect(token).ToBeVisibleAsync();
        Assert.True((await token.TextContentAsync())!.Trim().Length >= 32);
        var row = page.Locator("table.list tbody tr", new() { HasText = id });
        await Assertions.Expect(row).ToContainTextAsync("使用中");
        await page.ScreenshotAsync(new() { Path = Path.Combine(demo.Screenshots, "registry-desktop.png"), FullPage = true });

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await row.Locator("[data-action=revoke]").ClickAsync();
        await Assertions.Expect(page.Locator("table.list tbody tr", new() { HasText = id })).ToContainTextAsync("已吊销");
        // Another visit never shows the token again.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("table.list")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("[data-token]").CountAsync());
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task The_users_page_is_in_the_administrators_menu_only_and_lists_every_role()
    {
        var admin = await demo.SignInAsync("admin");
        await admin.Locator("nav.nav a[data-route=users]").ClickAsync();
        await Assertions.Expect(admin.Locator("table.list tbody tr")).ToHaveCountAsync(await CountUsersAsync(), new() { Timeout = 10_000 });
        await Assertions.Expect(admin.Locator("table.list")).ToContainTextAsync("网格长");
        await admin.Context.CloseAsync();

        var township = await demo.SignInAsync("township");
        Assert.Equal(0, await township.Locator("nav.nav a[data-route=users]").CountAsync());
        await township.GotoAsync("/#/users");
        await Assertions.Expect(township.Locator("main h1")).ToHaveTextAsync("未找到（不存在或不在您的网格范围内）");
        await township.Context.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_department_user_created_on_the_users_page_is_bound_to_the_department_chosen()
    {
        var name = "dept-" + Guid.NewGuid().ToString("N")[..8];
        var admin = await demo.SignInAsync("admin");
        await admin.Locator("nav.nav a[data-route=users]").ClickAsync();
        var form = admin.Locator("form[data-form=users]");
        // The department is asked only of a department user.
        await Assertions.Expect(form.Locator("select[name=department]")).Not.ToBeVisibleAsync();
        await form.Locator("input[name=name]").FillAsync(name);
        await form.Locator("select[name=role]").SelectOptionAsync("department");
        await form.Locator("select[name=department]").SelectOptionAsync("demo-zhujian");
        await form.Locator("input[name=password]").FillAsync("correct horse battery");
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(admin.Locator("table.list tbody tr", new() { HasText = name })).ToContainTextAsync("区住房城乡建设局");
        await admin.Context.CloseAsync();

        using var api = demo.Api("admin");
        var users = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(api, "/api/users?limit=1000",
            TestContext.Current.CancellationToken);
        var user = users.EnumerateArray().Single(u => u.GetProperty("name").GetString() == name);
        Assert.Equal("demo-zhujian", user.GetProperty("department").GetString());
    }

    private async Task<int> CountUsersAsync()
    {
        using var api = demo.Api("admin");
        var users = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(api, "/api/users?limit=1000");
        return users.GetArrayLength();
    }
}
