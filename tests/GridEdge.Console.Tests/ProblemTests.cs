using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static GridEdge.Console.Tests.LedgerPages;

namespace GridEdge.Console.Tests;

/// <summary>问题台账: the ledger's filters and paging, a problem's page, and its lifecycle carried out from the page.</summary>
public sealed class ProblemTests(DemoConsole demo)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task SubmitAsync(IPage page, string action, Func<ILocator, Task>? fill = null)
    {
        var form = page.Locator($"form[data-form={action}]");
        if (fill is not null) await fill(form);
        await form.Locator($"button[data-action={action}]").ClickAsync();
        // The page shows the problem again once the server recorded the transition: this form is gone or the state changed.
        await Assertions.Expect(page.Locator(".events tbody tr").Last).ToContainTextAsync(action switch
        {
            "assign" => "交办", "rectify" => "整改", "verify" => "核查", _ => "销号",
        });
    }

    [Fact(Timeout = 300_000)]
    public async Task A_reported_problem_is_assigned_rectified_with_a_photo_verified_and_closed_from_its_page_each_step_signed_by_its_user()
    {
        var id = await DemoProblemAsync(demo, "village_chief", VillageA1);
        var chief = demo.User("village_chief");
        var township = demo.User("township");
        var page = await demo.SignInAsync("village_chief");
        await OpenAsync(page, $"#/problems/{id}");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("已上报");

        await SubmitAsync(page, "assign", f => f.Locator("input[name=assignee]").FillAsync("李四"));
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("已交办");
        var photo = Png("整改后 " + Guid.NewGuid());
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(photo));
        await SubmitAsync(page, "rectify", async f =>
        {
            await f.Locator("textarea[name=result]").FillAsync("已覆盖防尘网，洒水降尘");
            await f.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "rectified.png", MimeType = "image/png", Buffer = photo });
        });
        // The photo is shown from the server (a loaded image has its natural size).
        var img = page.Locator($".photos img[data-sha256='{sha}']");
        await Assertions.Expect(img).ToBeVisibleAsync();
        await page.WaitForFunctionAsync($"() => document.querySelector(\".photos img[data-sha256='{sha}']\")?.naturalWidth === 1");
        await SubmitAsync(page, "verify");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("已核查");
        // 销号 is for the township and above: the village chief has no such form.
        await Assertions.Expect(page.Locator("form[data-form=close]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();

        page = await demo.SignInAsync("township");
        await OpenAsync(page, $"#/problems/{id}");
        await SubmitAsync(page, "close", f => f.Locator("textarea[name=comment]").FillAsync("整改到位，同意销号"));
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("已销号");
        var byColumn = await page.Locator(".events tbody tr td:nth-child(2)").AllInnerTextsAsync();
        Assert.Equal([chief.Name, chief.Name, chief.Name, township.Name], byColumn.Skip(1));
        await ScreenshotsAsync(demo, page, "problem", p => Assertions.Expect(p.Locator(".events tbody tr")).ToHaveCountAsync(5));
        await page.Context.CloseAsync();

        using var http = demo.Api("township");
        var stored = await http.GetFromJsonAsync<JsonElement>($"/api/problems/{id}", Ct);
        Assert.Equal("closed", stored.GetProperty("state").GetString());
        var events = stored.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["reported", "assign", "rectify", "verify", "close"], events.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal([chief.Name, chief.Name, chief.Name, township.Name], events.Skip(1).Select(e => e.GetProperty("by").GetString()));
        Assert.Equal(sha, events[2].GetProperty("detail").GetProperty("attachments")[0].GetString());
    }

    [Fact(Timeout = 300_000)]
    public async Task Another_townships_problem_opened_by_its_address_shows_not_found()
    {
        var elsewhere = await DemoProblemAsync(demo, "county", TownB);
        var page = await demo.SignInAsync("township");
        await OpenAsync(page, $"#/problems/{elsewhere}");
        await Assertions.Expect(page.Locator("h1.error")).ToHaveTextAsync("未找到（不存在或不在您的网格范围内）");
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 300_000)]
    public async Task The_ledger_filters_the_townships_problems_by_category_label_and_shows_only_english_labels_in_english()
    {
        await DemoProblemAsync(demo, "township", TownA);
        var page = await demo.SignInAsync("township", "en");
        await OpenAsync(page, "#/problems");
        await Assertions.Expect(page.Locator(".problem-list tbody tr.clickable").First).ToBeVisibleAsync();
        var categories = await page.Locator("select[name=category] option").AllInnerTextsAsync();
        // The seeds' thirteen categories by their labels, never numbers.
        Assert.Equal(["All", "Straw burning", "Dust", "Restaurant fumes", "Open burning", "Neighbourhood noise", "Livestock waste", "Illegal discharge",
            "Garbage dumping", "Small polluting or unlicensed workshop", "Drinking-water source", "Black, malodorous water", "Medical waste", "Other"], categories);
        Assert.Empty(await UntranslatedAsync(page));

        // Filtering by a category shows only problems of its label.
        using var http = demo.Api("township");
        var all = await http.GetFromJsonAsync<JsonElement>($"/api/problems?limit=1000", Ct);
        var category = all.GetProperty("items")[0].GetProperty("category").GetString()!;
        var label = await page.Locator($"select[name=category] option[value={category}]").InnerTextAsync();
        await page.Locator("select[name=category]").SelectOptionAsync(category);
        await Assertions.Expect(page.Locator(".problem-list tbody tr.clickable").First).ToBeVisibleAsync();
        var shown = await page.Locator(".problem-list tbody tr.clickable td:nth-child(3)").AllInnerTextsAsync();
        Assert.All(shown, c => Assert.Equal(label, c));

        // Opening a row shows its page; every label there is English too.
        await page.Locator(".problem-list tbody tr.clickable").First.ClickAsync();
        await Assertions.Expect(page.Locator(".events tbody tr").First).ToContainTextAsync("Reported");
        Assert.Empty(await UntranslatedAsync(page));
        await page.Context.CloseAsync();

        page = await demo.SignInAsync("township");
        await OpenAsync(page, "#/problems");
        await ScreenshotsAsync(demo, page, "problems", p => Assertions.Expect(p.Locator(".problem-list tbody tr.clickable").First).ToBeVisibleAsync());
        await page.Context.CloseAsync();
    }
}
