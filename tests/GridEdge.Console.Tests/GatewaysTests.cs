using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace GridEdge.Console.Tests;

/// <summary>The gateways page (网关): health, streams and gaps, monitors, the terminals' tasks and commands of the user's gateways.</summary>
public sealed class GatewaysTests(DemoConsole demo)
{
    [Fact(Timeout = 180_000)]
    public async Task The_township_user_sees_gw_demo_1_online_with_its_streams_and_monitors_and_not_gw_demo_2()
    {
        var page = await demo.SignInAsync("township");
        await page.GotoAsync("/#/gateways");
        var row = page.Locator("table.list tbody tr", new() { Has = page.Locator("[data-gateway='gw-demo-1']") });
        await Assertions.Expect(row).ToContainTextAsync("在线", new() { Timeout = 30_000 });
        Assert.Equal(0, await page.Locator("[data-gateway='gw-demo-2']").CountAsync());

        await row.ClickAsync();
        var detail = page.Locator("[data-detail='gw-demo-1']");
        await Assertions.Expect(detail).ToContainTextAsync("签到"); // the check-ins stream
        await Assertions.Expect(detail.Locator("td").GetByText("DEMO01DUST0001")).ToBeVisibleAsync(); // its HJ 212 monitor
        await MonitoringPages.ScreenshotsAsync(demo, page, "gateways", "[data-detail='gw-demo-1']");

        await page.Locator("button[data-lang='en']").ClickAsync();
        await Assertions.Expect(page.Locator("table.list tbody tr", new() { Has = page.Locator("[data-gateway='gw-demo-1']") })).ToContainTextAsync("Online");
        Assert.Empty(await MonitoringPages.UntranslatedAsync(page));
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 300_000)]
    public async Task The_gateways_task_section_lists_the_tasks_its_terminals_get()
    {
        using var http = demo.Api("township");
        var deadline = DateTime.UtcNow.AddMinutes(3);
        string taskId;
        while (true)
        {
            var tasks = await http.GetFromJsonAsync<JsonElement>("/api/gateways/gw-demo-1/tasks", TestContext.Current.CancellationToken);
            if (tasks.GetProperty("tasks").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } first)
            {
                taskId = first.GetProperty("taskId").GetString()!;
                break;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("gw-demo-1's terminals got no task within 3 minutes");
            await Task.Delay(1000, TestContext.Current.CancellationToken);
        }
        var page = await demo.SignInAsync("township");
        await page.GotoAsync("/#/gateways/gw-demo-1");
        var section = page.Locator("[data-detail='gw-demo-1'] .gateway-tasks");
        await Assertions.Expect(section.Locator($"[data-task='{taskId}']")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // A task opens its problem or complaint.
        await section.Locator($"[data-task='{taskId}']").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/(problems|complaints)/" + taskId.Split('-')[1] + "$"));
        await page.Context.CloseAsync();
    }
}
