using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace GridEdge.Console.Tests;

/// <summary>Signing in through the page, the menu a role gets, and signing out.</summary>
public sealed class SignInTests(DemoConsole demo)
{
    [Fact(Timeout = 120_000)]
    public async Task A_wrong_password_is_refused_in_chinese_and_the_right_one_opens_the_console_with_the_menu_of_the_role()
    {
        var page = await demo.NewPageAsync();
        var context = page.Context;
        await page.GotoAsync("/dashboard");
        await page.Locator("input[name=name]").FillAsync(demo.User("township").Name);
        await page.Locator("input[name=password]").FillAsync("not the password");
        await page.Locator("form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("p.error")).ToHaveTextAsync("用户名或密码错误");

        await page.Locator("input[name=password]").FillAsync(demo.User("township").Password);
        await page.Locator("form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("header .who")).ToContainTextAsync("乡镇（街道）级");
        var menu = await page.Locator("nav.nav a").AllTextContentsAsync();
        Assert.Contains("告警", menu);
        Assert.DoesNotContain("用户管理", menu);

        await page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await Assertions.Expect(page.Locator("input[name=password]")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("input[name=password]")).ToBeVisibleAsync();
        await context.CloseAsync();
    }
}
