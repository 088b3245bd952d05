using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridEdge.Protocol.Alerts;
using GridEdge.Protocol.Records;
using Microsoft.Playwright;

namespace GridEdge.Console.Tests;

/// <summary>
/// An alert a demo gateway raises shows on the open alerts page without a reload; acknowledged in the page, the gateway's
/// answer shows there and the alert ledger records the signed-in user.
/// </summary>
public sealed class AlertPageTests(DemoConsole demo)
{
    [Fact(Timeout = 180_000)]
    public async Task A_new_alert_appears_live_and_is_acknowledged_from_the_page_by_the_signed_in_user()
    {
        var page = await demo.SignInAsync("township");
        await page.GotoAsync("/#/alerts");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("告警");
        var before = await page.Locator("table.list tbody tr").CountAsync();

        // Rules under which the township's gateway raises a PM2.5 alert on the air it measures now (the demo's air is
        // tens of µg/m³): through the API, as a county official would change them.
        var rules = AlertRules.Defaults().Accelerated(60);
        var pm25 = rules.Dust.Single(r => r.Quantity == Quantities.Pm2_5);
        pm25.Id = "test_pm2_5_now";
        pm25.Levels = [new AlertLevel { Severity = AlertSeverity.Warning, Raise = 0.5 }];
        pm25.Clear = 0.1;
        pm25.WindowSeconds = 10;
        pm25.SustainSeconds = 2;
        using var county = demo.Api("county");
        using (var put = await county.PutAsync("/api/gateways/gw-demo-1/config/alert-rules", new StringContent(rules.ToJson(), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.Accepted, put.StatusCode);

        // Without a reload: the row of the new alert appears (by its rule: the demo's own alerts may be open beside it).
        var row = page.Locator("table.list tbody tr", new() { HasText = "gw-demo-1" }).Filter(new() { HasText = "报警中" }).Filter(new() { HasText = "test_pm2_5_now" });
        await Assertions.Expect(row.First).ToBeVisibleAsync(new() { Timeout = 90_000 });
        Assert.Equal("/#/alerts", new Uri(page.Url).PathAndQuery + new Uri(page.Url).Fragment);

        await row.First.ClickAsync();
        await page.Locator("[data-action=acknowledge]").ClickAsync();
        await Assertions.Expect(page.Locator(".answer .badge")).ToHaveTextAsync("已执行", new() { Timeout = 30_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(demo.Screenshots, "alerts-desktop.png"), FullPage = true });

        var alerts = await county.GetFromJsonAsync<JsonElement>("/api/alerts?gateway=gw-demo-1&state=all&limit=100", TestContext.Current.CancellationToken);
        var acknowledged = alerts.GetProperty("items").EnumerateArray()
            .Where(a => a.GetProperty("rule").GetString() == "test_pm2_5_now" && a.GetProperty("acknowledgedBy").ValueKind == JsonValueKind.String).ToList();
        Assert.Contains(acknowledged, a => a.GetProperty("acknowledgedBy").GetString() == demo.User("township").Name);
        await page.Context.CloseAsync();
    }
}
