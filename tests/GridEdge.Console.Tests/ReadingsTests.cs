using Microsoft.Playwright;

namespace GridEdge.Console.Tests;

/// <summary>The readings page (监测数据): a station's chart of minute averages under the HJ 633 bands.</summary>
public sealed class ReadingsTests(DemoConsole demo)
{
    [Fact(Timeout = 300_000)]
    public async Task The_chart_of_gw_demo_1_pm2_5_is_drawn_with_its_aqi_bands()
    {
        await MonitoringPages.WaitForReadingsAsync(demo, "gw-demo-1", "pm2_5");
        // The line is drawn (just after the demo starts it may be a single point, which has no size to be visible).
        var page = await demo.SignInAsync("township");
        await page.GotoAsync("/#/readings/gw-demo-1/pm2_5");
        await page.Locator("svg.chart polyline").First.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        await Assertions.Expect(page.Locator("select[name=gateway]")).ToHaveValueAsync("gw-demo-1");
        await Assertions.Expect(page.Locator("select[name=quantity]")).ToHaveValueAsync("pm2_5");
        Assert.True(await page.Locator("svg.chart rect").CountAsync() >= 1); // at least the 优 band under the line
        await Assertions.Expect(page.Locator(".aqi-legend")).ToContainTextAsync("轻度污染");

        await page.Locator("button[data-range='7d']").ClickAsync();
        await Assertions.Expect(page.Locator("button[data-range='7d']")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.Locator("svg.chart polyline").First.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        await page.Locator("button[data-range='24h']").ClickAsync();
        await page.Locator("svg.chart polyline").First.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        // A line of one point has no size: the drawn chart, not the line, is what must be visible.
        await MonitoringPages.ScreenshotsAsync(demo, page, "readings", "svg.chart");
        await page.Context.CloseAsync();
    }
}
