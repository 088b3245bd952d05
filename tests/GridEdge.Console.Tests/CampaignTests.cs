using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static GridEdge.Console.Tests.LedgerPages;

namespace GridEdge.Console.Tests;

/// <summary>专项时段: a straw-burning ban declared from the page and its fire points per township and village.</summary>
public sealed class CampaignTests(DemoConsole demo)
{
    [Fact(Timeout = 120_000)]
    public async Task A_straw_burning_ban_declared_from_the_page_shows_its_fire_points_per_township_and_village_as_the_api_counts_them()
    {
        var id = "ban-" + Guid.NewGuid().ToString("N")[..8];
        var page = await demo.SignInAsync("county");
        await OpenAsync(page, "#/campaigns");
        await page.Locator("main[data-ready=true]").WaitForAsync();
        var form = page.Locator("form[data-form=campaign]");
        await form.Locator("input[name=id]").FillAsync(id);
        await form.Locator("select[name=kind]").SelectOptionAsync("straw_burning_ban");
        await form.Locator("select[name=county]").SelectOptionAsync("370102000000");
        await form.Locator("input[name=name]").FillAsync("夏季秸秆禁烧 " + id);
        await form.Locator("button[data-action=declare]").ClickAsync();

        var name = page.Locator($"[data-campaign='{id}']");
        await Assertions.Expect(name).ToHaveTextAsync("夏季秸秆禁烧 " + id);
        await name.ClickAsync();
        var points = page.Locator($"[data-fire-points='{id}']");
        await Assertions.Expect(points).ToContainTextAsync("秸秆禁烧期");

        using var http = demo.Api("county");
        var counted = await http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/fire-points", TestContext.Current.CancellationToken);
        var township = counted.GetProperty("townships").EnumerateArray().Single(t => t.GetProperty("township").GetString() == TownA);
        // Every village of the township has its row, named as the registry names it.
        foreach (var village in township.GetProperty("villages").EnumerateArray())
            await Assertions.Expect(points.Locator($"[data-village='{village.GetProperty("village").GetString()}']"))
                .ToHaveTextAsync(village.GetProperty("name").GetString()!);
        Assert.True(township.GetProperty("villages").GetArrayLength() >= 2);
        // The total shown is at least what was counted when the test asked (alerts may add fire points meanwhile).
        var shown = int.Parse(await points.Locator("[data-total]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(shown, 0, counted.GetProperty("firePoints").GetInt32());
        await ScreenshotsAsync(demo, page, "campaigns", p => Assertions.Expect(p.Locator($"[data-fire-points='{id}']")).ToBeVisibleAsync());
        await page.Context.CloseAsync();
    }
}
