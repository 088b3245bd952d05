using Microsoft.Playwright;

namespace GridEdge.Console.Tests;

/// <summary>The gateways page (网关): health, streams and gaps, monitors and commands of the user's gateways.</summary>
public sealed class GatewaysTests(DemoConsole demo)
{
    [Fact(Timeout = 180_000)]
    public async Task The_township_user_sees_gw_demo_1_online_with_its_streams_and_monitors_and_not_gw_demo_2()
    {
        var page = await demo.SignInAsync("township");
        await page.GotoAsync("/#/gateways");
        var row = page.Locator("table.list tbody tr", new() { Has = page.Locator("[data-gateway='gw-demo-1']") });
        await Assertions.Expect(row).ToContainTextAsync("在线", new() { Timeout = 30_000 });
        Assert.Equal(0, await page.Locator("[data-gateway='gw-demo-2']").CountAsync());

        await row.ClickAsync();
        var detail = page.Locator("[data-detail='gw-demo-1']");
        await Assertions.Expect(detail).ToContainTextAsync("签到"); // the check-ins stream
        await Assertions.Expect(detail.Locator("td").GetByText("DEMO01DUST0001")).ToBeVisibleAsync(); // its HJ 212 monitor
        await MonitoringPages.ScreenshotsAsync(demo, page, "gateways", "[data-detail='gw-demo-1']");

        await page.Locator("button[data-lang='en']").ClickAsync();
        await Assertions.Expect(page.Locator("table.list tbody tr", new() { Has = page.Locator("[data-gateway='gw-demo-1']") })).ToContainTextAsync("Online");
        Assert.Empty(await MonitoringPages.UntranslatedAsync(page));
        await page.Context.CloseAsync();
    }
}
