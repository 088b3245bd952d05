using System.Globalization;
using GridEdge.Server.Users;
using GridEdge.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace GridEdge.Load;

/// <summary>
/// The console timed in a real browser (Debian's chromium, headless) against the real server on the city ledger of
/// <c>report</c> (5,209 villages with boundaries, 5,000 problems): the grid map's first load for a township official and
/// for the whole city (time from navigation to a drawn map, bytes transferred), and the first rows of the city's
/// problem list. Each figure is the median of <c>runs</c> loads in fresh browser contexts, against the same browser's
/// load of the bare sign-in page in the same run.
/// </summary>
internal static class ConsoleLoad
{
    public static async Task<int> RunAsync(string? ledger, int runs, string chromium)
    {
        using var dir = new TempDirectory("console-load");
        var ledgerPath = await CityReport.EnsureLedgerAsync(ledger is not null ? Path.GetFullPath(ledger) : dir.File("ledger.db"), 200_000);
        SqliteConnection.ClearAllPools();
        var (httpPort, mqttPort) = (Loopback.FreePort(), Loopback.FreePort());
        await using var server = GridEdge.Server.ServerHost.Build([], new Dictionary<string, string?>
        {
            ["Server:Http:Url"] = $"http://127.0.0.1:{httpPort}",
            ["Server:Broker:Port"] = mqttPort.ToString(CultureInfo.InvariantCulture),
            ["Server:Ledger:Path"] = ledgerPath,
            ["Server:Logs:Directory"] = dir.File("logs"),
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        await server.StartAsync();
        var users = server.Services.GetRequiredService<IUserStore>();
        const string Password = "a long enough password";
        foreach (var (name, role, grid) in new[] { ($"city-{httpPort}", Roles.City, "370100000000"), ($"township-{httpPort}", Roles.Township, "370102001000") })
            if ((await users.CreateAsync(new NewUser(name, null, role, grid, Password))).User is null) throw new InvalidOperationException($"user {name} not created");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium, Headless = true, Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
        });
        var baseUrl = $"http://127.0.0.1:{httpPort}";

        async Task<string> SessionAsync(string name)
        {
            await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl });
            var page = await context.NewPageAsync();
            await page.GotoAsync("/");
            await page.Locator("input[name=name]").FillAsync(name);
            await page.Locator("input[name=password]").FillAsync(Password);
            await page.Locator("form button[type=submit]").ClickAsync();
            await page.Locator("nav.nav a").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
            return await context.StorageStateAsync();
        }
        var city = await SessionAsync($"city-{httpPort}");
        var township = await SessionAsync($"township-{httpPort}");

        // One load in a fresh context (cold cache): milliseconds from navigation start until ready(page) holds, and the bytes transferred.
        async Task<(double Ms, long Bytes, int Items)> LoadAsync(string? state, string hash, Func<IPage, Task<int>> ready)
        {
            await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, StorageState = state, ViewportSize = new() { Width = 1280, Height = 860 } });
            var page = await context.NewPageAsync();
            long bytes = 0;
            page.RequestFinished += async (_, request) =>
            {
                try { var sizes = await request.SizesAsync(); Interlocked.Add(ref bytes, sizes.ResponseBodySize + sizes.ResponseHeadersSize); } catch (PlaywrightException) { /* the page went on */ }
            };
            await page.GotoAsync("/" + hash);
            var items = await ready(page);
            // The browser's own clock from the start of navigation: what the user waits, without the driver's round trips.
            var ms = await page.EvaluateAsync<double>("() => performance.getEntriesByName('gridedge:first')[0]?.startTime ?? performance.now()");
            if (Environment.GetEnvironmentVariable("GRIDEDGE_TRACE") == "1")
                Console.WriteLine(await page.EvaluateAsync<string>("() => performance.getEntriesByType('resource').map(e => `${e.startTime.toFixed(0)}-${e.responseEnd.toFixed(0)} ${e.name.replace(location.origin, '')}`).join('\\n')"));
            await Task.Delay(200); // the last RequestFinished events
            return (ms, Interlocked.Read(ref bytes), items);
        }

        async Task<(double Ms, long Bytes, int Items)> MedianAsync(string? state, string hash, Func<IPage, Task<int>> ready)
        {
            var results = new List<(double Ms, long Bytes, int Items)>();
            for (var i = 0; i < runs; i++) results.Add(await LoadAsync(state, hash, ready));
            return results.OrderBy(r => r.Ms).ElementAt(results.Count / 2);
        }

        static async Task<int> DrawnMap(IPage page)
        {
            await page.Locator("main[data-ready=true]").WaitForAsync(new() { Timeout = 60_000 });
            await page.EvaluateAsync("() => performance.mark('gridedge:first')");
            var drawn = await page.Locator("main svg path.village").CountAsync();
            if (drawn == 0) throw new InvalidOperationException("no village drawn: " + await page.Locator("main").InnerTextAsync());
            return drawn;
        }
        static async Task<int> FirstRows(IPage page)
        {
            await page.Locator("main table.list tbody tr").First.WaitForAsync(new() { Timeout = 60_000 });
            await page.EvaluateAsync("() => performance.mark('gridedge:first')");
            return await page.Locator("main table.list tbody tr").CountAsync();
        }

        var baseline = await MedianAsync(null, "", async p =>
        {
            await p.Locator("input[name=password]").WaitForAsync();
            await p.EvaluateAsync("() => performance.mark('gridedge:first')");
            return 1;
        });
        var townshipMap = await MedianAsync(township, "#/map", DrawnMap);
        var cityMap = await MedianAsync(city, "#/map", DrawnMap);
        var problems = await MedianAsync(city, "#/problems", FirstRows);

        Console.WriteLine($"console: medians of {runs} cold loads in headless chromium, real server on the city ledger ({CityReport.VillageRows:N0} villages)");
        void Line(string what, (double Ms, long Bytes, int Items) r, string items, string target) =>
            Console.WriteLine($"  {what,-38} {r.Ms,7:F0} ms = {r.Ms / baseline.Ms,5:F1} x sign-in page; {r.Bytes / 1024.0,8:N0} KiB; {r.Items:N0} {items} ({target})");
        Line("sign-in page (baseline)", baseline, "form", "baseline");
        Line("grid map, township", townshipMap, "paths drawn", "target <= 1,000 ms");
        Line("grid map, whole city", cityMap, "paths drawn", "target <= 3,000 ms");
        Line("problem list, city (first rows)", problems, "rows", "target <= 500 ms");
        await server.StopAsync();
        return 0;
    }
}
