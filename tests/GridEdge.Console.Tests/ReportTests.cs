using System.IO.Compression;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using static GridEdge.Console.Tests.LedgerPages;

namespace GridEdge.Console.Tests;

/// <summary>报表: the weekly report of the user's grid on the page, and its XLSX and CSV downloaded from the page.</summary>
public sealed class ReportTests(DemoConsole demo)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 180_000)]
    public async Task The_weekly_report_of_the_township_shows_its_villages_and_downloads_as_csv_and_xlsx_that_open()
    {
        using var http = demo.Api("township");
        var villages = (await http.GetFromJsonAsync<JsonElement>($"/api/grids?parent={TownA}", Ct)).GetProperty("items").EnumerateArray()
            .Select(g => g.GetProperty("name").GetString()!).ToList();
        Assert.NotEmpty(villages);
        // The township's own row (its own members and patrols) beside its villages', then the totals.
        var township = (await http.GetFromJsonAsync<JsonElement>($"/api/grids/{TownA}", Ct)).GetProperty("name").GetString()!;
        var page = await demo.SignInAsync("township");
        await OpenAsync(page, "#/reports");
        var rows = page.Locator(".figures table.list tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(villages.Count + 2);
        Assert.Equal(villages.Append(township).Order(), (await rows.Locator("td:first-child").AllInnerTextsAsync()).SkipLast(1).Order());
        Assert.Equal(await page.EvaluateAsync<string>("() => document.querySelector('input[name=week]').value"),
            await page.EvaluateAsync<string>("async () => (await import('/app/time.js')).isoWeek()"));

        var csv = await page.RunAndWaitForDownloadAsync(() => page.Locator("a[data-format=csv]").ClickAsync());
        Assert.EndsWith(".csv", csv.SuggestedFilename);
        var text = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(await csv.PathAsync(), Ct));
        Assert.All(villages, v => Assert.Contains(v, text));

        var xlsx = await page.RunAndWaitForDownloadAsync(() => page.Locator("a[data-format=xlsx]").ClickAsync());
        Assert.EndsWith(".xlsx", xlsx.SuggestedFilename);
        using (var zip = ZipFile.OpenRead(await xlsx.PathAsync()))
        {
            Assert.NotNull(zip.GetEntry("xl/workbook.xml"));
            var strings = string.Join("", zip.Entries.Where(e => e.FullName.StartsWith("xl/", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal))
                .Select(e => { using var r = new StreamReader(e.Open()); return r.ReadToEnd(); }));
            Assert.All(villages, v => Assert.Contains(v, strings));
        }
        await ScreenshotsAsync(demo, page, "reports", p => Assertions.Expect(p.Locator(".figures table.list tbody tr.totals")).ToBeVisibleAsync());
        await page.Context.CloseAsync();

        page = await demo.SignInAsync("township", "en");
        await OpenAsync(page, "#/reports");
        await Assertions.Expect(page.Locator(".figures table.list tbody tr.totals")).ToBeVisibleAsync();
        Assert.Empty(await UntranslatedAsync(page));
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 180_000)]
    public async Task The_township_submits_its_weeks_report_from_the_page_and_the_board_shows_it_submitted_by_that_user()
    {
        var user = demo.User("township");
        using var http = demo.Api("township");
        var page = await demo.SignInAsync("township");
        await OpenAsync(page, "#/reports");
        var row = page.Locator(".board table.list tbody tr").Filter(new() { HasText = await TownshipNameAsync() });
        await Assertions.Expect(row.Locator("[data-state]")).ToHaveAttributeAsync("data-state", new System.Text.RegularExpressions.Regex("^(missing|overdue)$"));

        await page.Locator("button[name=submit]").ClickAsync();

        await Assertions.Expect(row.Locator("[data-state]")).ToHaveAttributeAsync("data-state", "submitted");
        await Assertions.Expect(row).ToContainTextAsync(user.Name);
        var week = await page.EvaluateAsync<string>("() => document.querySelector('input[name=week]').value");
        var listed = await http.GetFromJsonAsync<JsonElement>($"/api/reports/submissions?period={week}", Ct);
        var submission = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal((TownA, user.Name), (submission.GetProperty("grid").GetString(), submission.GetProperty("submittedBy").GetString()));
        await page.Context.CloseAsync();

        async Task<string> TownshipNameAsync() => (await http.GetFromJsonAsync<JsonElement>($"/api/grids/{TownA}", Ct)).GetProperty("name").GetString()!;
    }
}
