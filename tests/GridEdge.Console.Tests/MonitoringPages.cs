using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace GridEdge.Console.Tests;

/// <summary>What the map, readings and gateways tests share: screenshots at both sizes, the English check, waiting for demo data.</summary>
internal static class MonitoringPages
{
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    /// <summary>Saves the page as <c>{name}-desktop.png</c>, then at phone size (390x844, the menu folded) as <c>{name}-phone.png</c>.</summary>
    public static async Task ScreenshotsAsync(DemoConsole demo, IPage page, string name, string ready)
    {
        await page.ScreenshotAsync(new() { Path = Path.Combine(demo.Screenshots, $"{name}-desktop.png"), FullPage = true });
        await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
        await Assertions.Expect(page.Locator("button.menu-toggle")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(ready).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(demo.Screenshots, $"{name}-phone.png"), FullPage = true });
        await page.SetViewportSizeAsync(1280, 860);
    }

    /// <summary>The visible texts in English that are Chinese or a missing label (⟦key⟧) outside data: each must come from the dictionaries or v().</summary>
    public static Task<string[]> UntranslatedAsync(IPage page) => page.EvaluateAsync<string[]>("""
        () => {
          const bad = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const text = n.textContent.trim();
            if (!text || n.parentElement.closest('[data-v], title, script, style, .lang')) continue;
            if (/[\u4e00-\u9fff]|⟦/.test(text)) bad.push(text);
          }
          return bad;
        }
        """);

    /// <summary>
    /// Waits until the demo's ledger holds <paramref name="count"/> readings of <paramref name="quantity"/> from
    /// <paramref name="gateway"/>: a line needs two points, and the gateways send a minute's aggregate once the minute is over.
    /// </summary>
    public static async Task WaitForReadingsAsync(DemoConsole demo, string gateway, string quantity, int count = 2)
    {
        using var http = demo.Api("county");
        var deadline = DateTime.UtcNow.AddSeconds(150);
        while (true)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/api/readings?gateway={gateway}&quantity={quantity}&order=desc&limit={count}");
            if (page.GetProperty("items").GetArrayLength() >= count) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"fewer than {count} {quantity} readings from {gateway} within 150 s");
            await Task.Delay(250);
        }
    }
}
