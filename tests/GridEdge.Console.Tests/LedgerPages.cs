using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace GridEdge.Console.Tests;

/// <summary>What the problem, patrol and report pages' tests share: waiting for the demo's records, label checks, screenshots.</summary>
internal static class LedgerPages
{
    public const string TownA = "370102001000", VillageA1 = "370102001001", TownB = "370102002000";

    /// <summary>
    /// The first problem of <paramref name="grid"/> in <paramref name="state"/> the user of <paramref name="role"/> sees, polled
    /// until the demo's members have reported one (they report every minute or so) or 3 minutes have passed.
    /// </summary>
    public static async Task<long> DemoProblemAsync(DemoConsole demo, string role, string grid, string state = "reported")
    {
        using var http = demo.Api(role);
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/api/problems?grid={grid}&state={state}&limit=1000", TestContext.Current.CancellationToken);
            // The newest: older ones may be taken by another test already.
            if (page.GetProperty("items").EnumerateArray().LastOrDefault() is { ValueKind: JsonValueKind.Object } p) return p.GetProperty("id").GetInt64();
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the demo reported no problem in {grid} within 3 minutes");
            await Task.Delay(1000, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Visible text that is not data (outside [data-v]) and is Chinese, or a missing label (⟦key⟧): empty when every label is English.</summary>
    public static Task<string[]> UntranslatedAsync(IPage page) => page.EvaluateAsync<string[]>("""
        () => {
          const bad = [];
          const walker = document.createTreeWalker(document.getElementById('app'), NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const el = n.parentElement;
            // The language switch names each language in itself.
            if (!el || el.closest('[data-v]') || el.closest('option') || el.closest('.lang') || !el.checkVisibility()) continue;
            if (/[\u4e00-\u9fff]/.test(n.textContent) || n.textContent.includes('⟦')) bad.push(n.textContent.trim());
          }
          return bad;
        }
        """);

    /// <summary>
    /// Opens a page of the console by its hash once the page the sign-in opened has rendered (a hash changed while the
    /// first page still loads would let both render into the frame).
    /// </summary>
    public static async Task OpenAsync(IPage page, string hash)
    {
        await page.Locator("main h1").First.WaitForAsync();
        await page.EvaluateAsync("h => { location.hash = h; }", hash);
        await Assertions.Expect(page.Locator("main h1")).ToHaveCountAsync(1);
    }

    /// <summary>Saves the page as <paramref name="name"/>-desktop.png (1280x860) and <paramref name="name"/>-phone.png (390x844).</summary>
    public static async Task ScreenshotsAsync(DemoConsole demo, IPage page, string name, Func<IPage, Task> ready)
    {
        await page.SetViewportSizeAsync(1280, 860);
        await ready(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(demo.Screenshots, name + "-desktop.png") });
        await page.SetViewportSizeAsync(390, 844);
        await ready(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(demo.Screenshots, name + "-phone.png") });
        await page.SetViewportSizeAsync(1280, 860);
    }

    /// <summary>A valid 1x1 PNG with a trailer of its own (so its SHA-256 is this test's).</summary>
    public static byte[] Png(string trailer) =>
        [.. Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
            .. System.Text.Encoding.UTF8.GetBytes(trailer)];
}
