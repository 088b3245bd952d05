using Microsoft.Playwright;

namespace GridEdge.Console.Tests;

/// <summary>The grid map (网格作战图): the user's villages and gateways only, a village's details, both townships for the county.</summary>
public sealed class MapTests(DemoConsole demo)
{
    [Fact(Timeout = 180_000)]
    public async Task The_township_user_sees_its_own_villages_and_gateway_and_a_village_opens_its_members()
    {
        var page = await demo.SignInAsync("township");
        // The map is the home page.
        var villages = page.Locator("svg.map path.village");
        await Assertions.Expect(villages).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("path.village[data-code='370102001001']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("path.village[data-code='370102001002']")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("path.village[data-code^='370102002']").CountAsync());
        await Assertions.Expect(page.Locator("g.gateway[data-gateway='gw-demo-1']")).ToHaveCountAsync(1);
        Assert.Equal(0, await page.Locator("g.gateway[data-gateway='gw-demo-2']").CountAsync());
        Assert.Equal("网格作战图", await page.Locator("nav.nav a").First.TextContentAsync());

        // A gateway's or an alert's marker may lie over the village's middle: the village's own click.
        await page.Locator("path.village[data-code='370102001001']").DispatchEventAsync("click");
        var panel = page.Locator(".map-panel");
        await Assertions.Expect(panel).ToContainTextAsync("demo village 1-1");
        await Assertions.Expect(panel).ToContainTextAsync("网格长");
        await Assertions.Expect(panel).ToContainTextAsync("demo member 1-1-1");
        await Assertions.Expect(panel).ToContainTextAsync("demo member 1-1-2");
        await Assertions.Expect(panel).ToContainTextAsync("key point 1 of 370102001001");
        await MonitoringPages.ScreenshotsAsync(demo, page, "map", "path.village");
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 180_000)]
    public async Task The_county_user_sees_both_townships_and_every_label_is_english_in_english()
    {
        var page = await demo.SignInAsync("county", "en");
        await Assertions.Expect(page.Locator("svg.map path.village")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("g.gateway")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("path.village[data-code='370102002002']")).ToBeVisibleAsync();
        await page.Locator("path.village[data-code='370102002001']").DispatchEventAsync("click");
        await Assertions.Expect(page.Locator(".map-panel")).ToContainTextAsync("demo member 2-1-1");
        await Assertions.Expect(page.Locator(".map-panel")).ToContainTextAsync("Grid chief");
        Assert.Empty(await MonitoringPages.UntranslatedAsync(page));
        await page.Context.CloseAsync();
    }
}
