using Microsoft.Playwright;

namespace GridEdge.Console.Tests;

/// <summary>The readings page (监测数据): a station's chart of minute averages under the HJ 633 bands.</summary>
public sealed class ReadingsTests(DemoConsole demo)
{
    [Fact(Timeout = 300_000)]
    public async Task The_chart_of_gw_demo_1_pm2_5_is_drawn_with_its_aqi_bands()
    {
        await MonitoringPages.WaitForReadingsAsync(demo, "gw-demo-1", "pm2_5");
        var page = await demo.SignInAsync("township");
        await page.GotoAsync("/#/readings/gw-demo-1/pm2_5");
        await Assertions.Expect(page.Locator("svg.chart polyline").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("select[name=gateway]")).ToHaveValueAsync("gw-demo-1");
        await Assertions.Expect(page.Locator("select[name=quantity]")).ToHaveValueAsync("pm2_5");
        Assert.True(await page.Locator("svg.chart rect").CountAsync() >= 1); // at least the 优 band under the line
        await Assertions.Expect(page.Locator(".aqi-legend")).ToContainTextAsync("轻度污染");

        await page.Locator("button[data-range='7d']").ClickAsync();
        await Assertions.Expect(page.Locator("button[data-range='7d']")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(page.Locator("svg.chart polyline").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.Locator("button[data-range='24h']").ClickAsync();
        await Assertions.Expect(page.Locator("svg.chart polyline").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await MonitoringPages.ScreenshotsAsync(demo, page, "readings", "svg.chart polyline");
        await page.Context.CloseAsync();
    }
}
