using Microsoft.Playwright;

namespace GridEdge.Console.Tests;

/// <summary>
/// Every page of the county official's and the administrator's menus on a desktop and on a phone screen: it draws
/// without an error, nothing is wider than the phone's screen but tables (which scroll), and a screenshot of each is
/// saved (demo.Screenshots; the README shows the main ones from docs/screenshots).
/// </summary>
public sealed class ScreenshotTests(DemoConsole demo)
{
    public static TheoryData<string, int, int> Screens => new()
    {
        { "desktop", 1280, 860 },
        { "phone", 390, 844 },
    };

    [Theory(Timeout = 240_000)]
    [MemberData(nameof(Screens))]
    public async Task Each_page_draws_on_the_screen_without_an_error(string screen, int width, int height)
    {
        var problems = new List<string>();
        foreach (var role in new[] { "county", "admin" })
        {
            var page = await demo.SignInAsync(role, viewport: new ViewportSize { Width = width, Height = height });
            page.PageError += (_, error) => problems.Add($"{role} script error: {error}");
            var routes = await page.Locator("nav.nav a").EvaluateAllAsync<string[]>("links => links.map(a => a.dataset.route)");
            foreach (var route in routes)
            {
                await page.GotoAsync("/#/" + route);
                await page.Locator("main[data-ready=true]").WaitForAsync();
                var errors = await page.Locator("main p.error").AllTextContentsAsync();
                problems.AddRange(errors.Where(e => e.Length > 0).Select(e => $"{role} #{route}: {e}"));
                // On a phone nothing but a scrolling table may be wider than the screen.
                var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
                if (overflow) problems.Add($"{role} #{route}: the page is wider than the {screen} screen");
                await page.ScreenshotAsync(new() { Path = Path.Combine(demo.Screenshots, $"{route}-{screen}.png") });
            }
            await page.Context.CloseAsync();
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
