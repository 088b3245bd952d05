using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using static GridEdge.Console.Tests.LedgerPages;

namespace GridEdge.Console.Tests;

/// <summary>巡查台账: the township's check-ins and patrols, a patrol's track on its map, and the CSV export of the shown rows.</summary>
public sealed class PatrolTests(DemoConsole demo)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string[] Mine, string[] Others)> MemberNamesAsync()
    {
        using var http = demo.Api("county");
        var members = (await http.GetFromJsonAsync<JsonElement>("/api/members?limit=1000", Ct)).GetProperty("items").EnumerateArray().ToList();
        string[] Of(string town) => [.. members.Where(m => m.GetProperty("grid").GetString()!.StartsWith(town[..9], StringComparison.Ordinal)).Select(m => m.GetProperty("name").GetString()!)];
        return (Of(TownA), Of(TownB));
    }

    [Fact(Timeout = 300_000)]
    public async Task The_township_sees_its_members_check_ins_with_geofence_verdicts_in_words_and_exports_them_as_csv_excel_reads()
    {
        var (mine, others) = await MemberNamesAsync();
        using var http = demo.Api("township");
        // The demo's members check in every few seconds: wait for the first of the township's.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await http.GetFromJsonAsync<JsonElement>("/api/checkins?limit=1", Ct)).GetProperty("items").GetArrayLength() == 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("no check-in of the township within 2 minutes");
            await Task.Delay(1000, Ct);
        }
        var page = await demo.SignInAsync("township");
        await OpenAsync(page, "#/patrols");
        var rows = page.Locator("table.list").Nth(1).Locator("tbody tr");
        await Assertions.Expect(rows.First.Locator("td").Nth(1)).Not.ToBeEmptyAsync();
        var names = (await rows.Locator("td:nth-child(2)").AllInnerTextsAsync()).Distinct().ToList();
        Assert.All(names, n => Assert.Contains(n, mine));
        Assert.DoesNotContain(names, others.Contains);
        var verdicts = (await rows.Locator("td:nth-child(6)").AllInnerTextsAsync()).Distinct();
        Assert.All(verdicts, x => Assert.Contains(x, new[] { "在网格内", "在网格外", "定位不准", "无网格边界" }));

        var shown = await rows.CountAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("button[data-action=export]").ClickAsync());
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync(), Ct);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("时间,网格员,网格,坐标,精度,电子围栏,备注", lines[0]);
        Assert.Equal(shown, lines.Length - 1);
        Assert.Contains(lines[1].Split(',')[1], mine);

        // A patrol's track on its map, with the village boundary (a round of the demo takes a few minutes).
        deadline = DateTime.UtcNow.AddMinutes(4);
        while ((await http.GetFromJsonAsync<JsonElement>("/api/patrols?limit=1", Ct)).GetProperty("items").GetArrayLength() == 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("no patrol of the township within 4 minutes");
            await Task.Delay(1000, Ct);
        }
        await page.Locator("button[data-tab=patrols]").ClickAsync();
        var patrolRows = page.Locator("table.list").Nth(1).Locator("tbody tr.clickable");
        await Assertions.Expect(patrolRows.First).ToBeVisibleAsync();
        await patrolRows.First.ClickAsync();
        await Assertions.Expect(page.Locator("svg.track polyline.route")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("svg.track polygon.boundary").First).ToBeAttachedAsync();
        await ScreenshotsAsync(demo, page, "patrols", p => Assertions.Expect(p.Locator("svg.track")).ToBeVisibleAsync());
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 300_000)]
    public async Task Every_label_of_the_patrol_ledger_is_english_in_english()
    {
        var page = await demo.SignInAsync("township", "en");
        await OpenAsync(page, "#/patrols");
        await Assertions.Expect(page.Locator("table.list").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("p.muted", new() { HasText = "Loading" })).ToHaveCountAsync(0);
        Assert.Empty(await UntranslatedAsync(page));
        await page.Locator("button[data-tab=patrols]").ClickAsync();
        await Assertions.Expect(page.Locator("p.muted", new() { HasText = "Loading" })).ToHaveCountAsync(0);
        Assert.Empty(await UntranslatedAsync(page));
        await page.Context.CloseAsync();
    }
}
