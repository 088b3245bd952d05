using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static GridEdge.Console.Tests.LedgerPages;

namespace GridEdge.Console.Tests;

/// <summary>信访举报: a complaint received in the page's form, routed to the village of its place, listed with its response clock.</summary>
public sealed class ComplaintTests(DemoConsole demo)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A point inside <paramref name="village"/>'s boundary (the mean of its outer ring) and the village's name.</summary>
    internal static async Task<(double Latitude, double Longitude, string Name)> InsideAsync(DemoConsole demo, string village)
    {
        using var http = demo.Api("township");
        var grid = await http.GetFromJsonAsync<JsonElement>($"/api/grids/{village}", Ct);
        var boundary = grid.GetProperty("boundary");
        var ring = boundary.GetProperty("type").GetString() == "MultiPolygon" ? boundary.GetProperty("coordinates")[0][0] : boundary.GetProperty("coordinates")[0];
        var points = ring.EnumerateArray().Select(p => (Lon: p[0].GetDouble(), Lat: p[1].GetDouble())).ToList();
        points.RemoveAt(points.Count - 1);
        return (points.Average(p => p.Lat), points.Average(p => p.Lon), grid.GetProperty("name").GetString()!);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_complaint_received_in_the_form_is_listed_with_its_village_and_its_response_clock_and_its_page_shows_the_contact()
    {
        var (lat, lon, villageName) = await InsideAsync(demo, VillageA1);
        var description = "村东头有人焚烧垃圾，烟很大 " + Guid.NewGuid().ToString("N")[..8];
        var page = await demo.SignInAsync("township");
        await OpenAsync(page, "#/complaints");
        await page.Locator("main[data-ready=true]").WaitForAsync();
        var form = page.Locator("form[data-form=complaint]");
        await form.Locator("select[name=channel]").SelectOptionAsync("hotline");
        await form.Locator("select[name=category]").SelectOptionAsync("open_burning");
        await form.Locator("textarea[name=description]").FillAsync(description);
        await form.Locator("input[name=latitude]").FillAsync(lat.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        await form.Locator("input[name=longitude]").FillAsync(lon.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        await form.Locator("input[name=contactName]").FillAsync("王女士");
        await form.Locator("input[name=contactPhone]").FillAsync("13800000000");
        await form.Locator("button[data-action=receive]").ClickAsync();

        // Listed, routed to the village of its place, its response clock running (a member has not arrived yet).
        var row = page.Locator(".complaint-list tbody tr", new() { HasText = description[^8..] });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator($"[data-grid='{VillageA1}']")).ToHaveTextAsync(villageName);
        // Its response clock runs: awaiting a member, or met already (the demo's members check in all the time), never late.
        await Assertions.Expect(row.Locator("td:nth-child(7) .badge").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(待到达|按时)$"));
        await Assertions.Expect(row).ToContainTextAsync("12345/12369热线转办");

        using var http = demo.Api("township");
        var listed = await http.GetFromJsonAsync<JsonElement>($"/api/complaints?grid={VillageA1}&limit=1000", Ct);
        var stored = listed.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("description").GetString() == description);
        Assert.Contains(stored.GetProperty("response").GetString(), new[] { "pending", "met" });
        Assert.Equal("open_burning", stored.GetProperty("category").GetString());

        await ScreenshotsAsync(demo, page, "complaints", p => Assertions.Expect(p.Locator(".complaint-list tbody tr").First).ToBeVisibleAsync());
        await row.ClickAsync();
        await Assertions.Expect(page.Locator("[data-complaint]")).ToContainTextAsync("王女士 13800000000");
        await Assertions.Expect(page.Locator(".task-steps")).ToBeVisibleAsync();
        await ScreenshotsAsync(demo, page, "complaint", p => Assertions.Expect(p.Locator("[data-complaint]")).ToBeVisibleAsync());

        // 回访 before 答复 is refused; the reply, then the visit, are listed as the complaint's steps.
        var visit = page.Locator("form[data-form=visit]");
        await visit.Locator("select[name=satisfaction]").SelectOptionAsync("basically_satisfied");
        await visit.Locator("button[data-action=visit]").ClickAsync();
        await Assertions.Expect(page.Locator(".toast.bad").Last).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".complaint-steps tbody td.muted")).ToHaveCountAsync(1);
        var reply = page.Locator("form[data-form=reply]");
        await reply.Locator("select[name=method]").SelectOptionAsync("phone");
        await reply.Locator("textarea[name=text]").FillAsync("已电话告知处理结果：垃圾已清运");
        await reply.Locator("button[data-action=reply]").ClickAsync();
        await Assertions.Expect(page.Locator(".complaint-steps tbody tr")).ToHaveCountAsync(1);
        visit = page.Locator("form[data-form=visit]");
        await visit.Locator("select[name=satisfaction]").SelectOptionAsync("basically_satisfied");
        await visit.Locator("button[data-action=visit]").ClickAsync();
        var steps = page.Locator(".complaint-steps tbody tr");
        await Assertions.Expect(steps).ToHaveCountAsync(2);
        await Assertions.Expect(steps.Nth(0)).ToContainTextAsync("电话");
        await Assertions.Expect(steps.Nth(1)).ToContainTextAsync("基本满意");
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_village_member_sees_the_complaints_without_the_receive_form_and_in_english_every_label_is_english()
    {
        var page = await demo.SignInAsync("village_member", "en");
        await OpenAsync(page, "#/complaints");
        await page.Locator("main[data-ready=true]").WaitForAsync();
        await Assertions.Expect(page.Locator("form[data-form=complaint]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("Complaints");
        Assert.Empty(await UntranslatedAsync(page));
        await page.Context.CloseAsync();
    }
}
