using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static GridEdge.Console.Tests.LedgerPages;

namespace GridEdge.Console.Tests;

/// <summary>考核计分: a period's ranking and one village's deductions with their records, a register entry kept from the page, and publishing a past quarter.</summary>
public sealed class ScoreTests(DemoConsole demo)
{
    private const string County = "370102000000", TownA = "370102001000";

    private static string Quarter(int back)
    {
        var now = DateTime.UtcNow.AddHours(8);
        var q = (now.Year * 4 + (now.Month - 1) / 3) - back;
        return $"{q / 4}-Q{q % 4 + 1}";
    }

    [Fact(Timeout = 180_000)]
    public async Task The_ranking_and_a_villages_deductions_show_what_the_api_computes_and_a_register_entry_is_kept_from_the_page()
    {
        var ct = TestContext.Current.CancellationToken;
        var page = await demo.SignInAsync("county");
        await OpenAsync(page, $"#/scores//{Quarter(0)}/village-002");
        await page.Locator("main[data-ready=true]").WaitForAsync();

        using var http = demo.Api("county");
        var scores = await http.GetFromJsonAsync<JsonElement>($"/api/scores?grid={County}&period={Quarter(0)}&sheet=village-002", ct);
        var villages = scores.GetProperty("ranking").EnumerateArray().Select(r => r.GetProperty("grid").GetString()!).ToList();
        Assert.True(villages.Count >= 4);
        foreach (var village in villages)
            await Assertions.Expect(page.Locator($"[data-total='{village}']")).ToHaveCountAsync(1);

        // One village's items (002's four) with the weeks it did not patrol traced as records.
        await page.Locator($"[data-grid='{villages[0]}']").ClickAsync();
        var detail = page.Locator($"[data-score='{villages[0]}']");
        foreach (var item in new[] { "patrol", "handling", "burning", "grid" })
            await Assertions.Expect(detail.Locator($"[data-item='{item}']")).ToHaveCountAsync(1);
        var missed = scores.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("grid").GetString() == villages[0]).GetProperty("items")
            .EnumerateArray().Single(i => i.GetProperty("id").GetString() == "patrol").GetProperty("rules")[0].GetProperty("records");
        if (missed.GetArrayLength() > 0)
            await Assertions.Expect(detail.Locator($"[data-record='grid-week:{missed[0].GetProperty("id").GetString()}']")).ToHaveCountAsync(1);
        var problem = scores.GetProperty("rows").EnumerateArray().SelectMany(r => r.GetProperty("items").EnumerateArray()).SelectMany(i => i.GetProperty("rules").EnumerateArray())
            .SelectMany(r => r.GetProperty("records").EnumerateArray()).FirstOrDefault(r => r.GetProperty("type").GetString() == "problem");
        if (problem.ValueKind == JsonValueKind.Object)
        {
            await page.Locator($"[data-grid='{problem.GetProperty("grid").GetString()}']").ClickAsync();
            await Assertions.Expect(page.Locator($"a[data-record='problem:{problem.GetProperty("id").GetString()}']").First)
                .ToHaveAttributeAsync("href", "#/problems/" + problem.GetProperty("id").GetString());
        }

        // A joint meeting of the township registered from the page.
        var minutes = "联席会议 " + Guid.NewGuid().ToString("N")[..6];
        var form = page.Locator("form[data-form=register]");
        await form.Locator("select[name=kind]").SelectOptionAsync("meeting");
        await form.Locator("select[name=grid]").SelectOptionAsync(TownA);
        await form.Locator("input[name=attendees]").FillAsync("王镇长、李站长");
        await form.Locator("textarea[name=minutes]").FillAsync(minutes);
        await form.Locator("input[name=photo]").SetInputFilesAsync(new FilePayload { Name = "meeting.png", MimeType = "image/png", Buffer = Png(minutes) });
        await form.Locator("button[data-action=register]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-register]", new() { HasText = minutes })).ToHaveCountAsync(1);
        var kept = await http.GetFromJsonAsync<JsonElement>($"/api/scores/registers/meeting?grid={TownA}&period={Quarter(0)}", ct);
        var entry = kept.EnumerateArray().Single(e => e.GetProperty("minutes").GetString() == minutes);
        Assert.Equal(["王镇长", "李站长"], entry.GetProperty("attendees").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Png(minutes))), entry.GetProperty("photoSha256").GetString());

        await ScreenshotsAsync(demo, page, "scores", p => Assertions.Expect(p.Locator("[data-score]")).ToBeVisibleAsync());
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_county_official_publishes_last_quarter_from_the_page_and_the_english_page_has_no_chinese_label()
    {
        var page = await demo.SignInAsync("county", "en");
        await OpenAsync(page, $"#/scores//{Quarter(1)}/village-002");
        await page.Locator("main[data-ready=true]").WaitForAsync();
        Assert.Empty(await UntranslatedAsync(page));
        await page.Locator("button[data-action=publish]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-published]")).ToBeVisibleAsync();

        using var http = demo.Api("county");
        var published = await http.GetFromJsonAsync<JsonElement>("/api/scores/published", TestContext.Current.CancellationToken);
        var sha = await page.Locator("[data-published]").GetAttributeAsync("data-published");
        Assert.Contains(published.EnumerateArray(), p => p.GetProperty("period").GetString() == Quarter(1) && p.GetProperty("sha256").GetString() == sha);
        Assert.Empty(await UntranslatedAsync(page));
        await page.Context.CloseAsync();
    }
}
