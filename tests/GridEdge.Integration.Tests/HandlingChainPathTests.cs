using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Testing;

namespace GridEdge.Integration.Tests;

/// <summary>
/// The handling chain through real processes (issue 15): complaints received on the server become tasks on the gateway's
/// terminal API, which a member still sees with the uplink down; the member's check-in and arrival steps then settle each
/// complaint's response clock by the work calendar (a working day, a Saturday evening, a holiday from the calendar's
/// files); a straw-burning alert at the gateway opens a problem in its village that appears as the village's task, and a
/// step the lifecycle refuses comes back onto the task.
/// </summary>
public class HandlingChainPathTests(ITestOutputHelper output)
{
    private const string Township = OneVillageGrid.Township, Village = OneVillageGrid.Village;
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }

    /// <summary>The dates the clock is tried on, all in the past and within the gateway's window of record times (30 days).</summary>
    private sealed record Days(DateTimeOffset WorkDay, DateTimeOffset Saturday, DateTimeOffset Holiday);

    private static Days PickDays(DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.ToOffset(China).Date, China);
        DateTimeOffset Last(Func<DateTimeOffset, bool> fits, DateTimeOffset from)
        {
            for (var day = from; day > today.AddDays(-25); day = day.AddDays(-1))
                if (fits(day)) return day;
            throw new InvalidOperationException("no such day in the last 25 days");
        }
        bool Weekday(DateTimeOffset d) => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
        var workDay = Last(d => Weekday(d) && d.AddHours(10).AddMinutes(30) < now.AddMinutes(-5), today);
        var saturday = Last(d => d.DayOfWeek == DayOfWeek.Saturday && d.AddHours(20).AddMinutes(10) < now.AddMinutes(-5), today);
        var holiday = Last(Weekday, workDay.AddDays(-1));
        return new Days(workDay, saturday, holiday);
    }

    /// <summary>An administrator's calendar folder: the holiday declared, for every year the days touch.</summary>
    private static string WriteCalendar(TempDirectory dir, Days days)
    {
        var folder = dir.File("calendar");
        Directory.CreateDirectory(folder);
        foreach (var year in new[] { days.WorkDay.Year, days.Saturday.Year, days.Holiday.Year }.Distinct())
        {
            var holidays = days.Holiday.Year == year
                ? new[] { new { name = "测试假日", from = days.Holiday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to = days.Holiday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) } }
                : [];
            File.WriteAllText(Path.Combine(folder, $"test-{year}.json"),
                JsonSerializer.Serialize(new { year, source = "a test's own holiday", holidays, workdays = Array.Empty<string>() }));
        }
        return folder;
    }

    private static string StrawRule(TempDirectory dir)
    {
        // A straw-burning rule on the load sensor's pm2_5 alone, with no sustain: the load values cross 100 early.
        var path = dir.File("rules.json");
        File.WriteAllText(path, """
            {
              "dust": [],
              "straw_burning": [ { "id": "load-straw", "severity": "critical", "sustain_seconds": 0, "hold_seconds": 0,
                                   "conditions": [ { "quantity": "pm2_5", "measure": "mean", "window_seconds": 1, "raise": 100, "clear": 50 } ] } ],
              "sensor_fault": []
            }
            """);
        return path;
    }

    private static async Task<long> ComplaintAsync(HttpClient http, DateTimeOffset receivedAt, string description)
    {
        using var response = await http.PostAsJsonAsync("/api/complaints", new
        {
            receivedAt, channel = "hotline", latitude = 36.65, longitude = 117.12, category = "dust", description,
            contact = new { name = "王先生", phone = "13800000000" },
        }, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        Assert.Equal(Village, body.GetProperty("grid").GetString());
        return body.GetProperty("id").GetInt64();
    }

    private static async Task<JsonElement> TasksAsync(HttpClient terminal, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tasks");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await terminal.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static IEnumerable<string> TaskIds(JsonElement tasks) => tasks.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("taskId").GetString()!);

    private static async Task PostAsync(HttpClient terminal, string path, string token, string key, object body)
    {
        using var response = await terminal.SendAsync(TerminalRequests.Post(path, token, key, body), Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static object Step(string step, DateTimeOffset fixTime, string? note = null) => new
    {
        memberId = "m-wang-li", terminalId = "t-0042", gridCode = Village, step, latitude = 36.65, longitude = 117.12, accuracyMeters = 5, fixTime, note,
        attachments = Array.Empty<string>(),
    };

    [Fact(Timeout = 300_000)]
    public async Task Complaints_and_an_alarm_become_tasks_the_member_acts_on_offline_and_the_response_clock_follows_the_calendar()
    {
        using var dir = new TempDirectory("handling-chain");
        var days = PickDays(DateTimeOffset.UtcNow);
        Log($"working day {days.WorkDay:yyyy-MM-dd}, Saturday {days.Saturday:yyyy-MM-dd}, holiday {days.Holiday:yyyy-MM-dd}");
        var gw = new GatewayAccount("gw-chain-1", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        using var server = new ServerHost(dir.File("server"), [gw], Log)
        {
            ExtraArgs = [$"--Server:Calendar:Directory={WriteCalendar(dir, days)}", "--Server:Tasks:IntervalMilliseconds=500"],
        };
        Directory.CreateDirectory(server.DataDirectory);
        await server.StartAsync();
        using var http = server.Http();

        // 1. The village with its member and terminal; the gateway stands in the village.
        var token = await OneVillageGrid.RegisterMemberWithTerminalAsync(http, gw.Id, Ct);
        using (var place = await http.PutAsJsonAsync($"/api/gateways/{gw.Id}/place", new { latitude = 36.65, longitude = 117.12, name = "东村村委会" }, Ct))
            Assert.True(place.IsSuccessStatusCode, await place.Content.ReadAsStringAsync(Ct));

        // 2. Three complaints from the hotline: 10:00 on a working day, 19:00 on a Saturday, 10:00 on the calendar's holiday.
        var onWorkDay = await ComplaintAsync(http, days.WorkDay.AddHours(10), "工地夜间扬尘");
        var onSaturday = await ComplaintAsync(http, days.Saturday.AddHours(19), "周六晚工地扬尘");
        var onHoliday = await ComplaintAsync(http, days.Holiday.AddHours(10), "假日工地扬尘");

        // 3. The gateway starts; its straw-burning rule fires on the load values and opens a problem in its village.
        using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, Log);
        edge.Start(300, "load-x", $"--Edge:Alerts:RulesFile={StrawRule(dir)}", "--Edge:Alerts:TickSeconds=3600");
        var problems = await server.WaitForJsonAsync($"/api/problems?grid={Township}",
            p => p.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("source").GetString() == "alert"), "the problem the alarm opened", Long, Ct);
        var opened = problems.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("source").GetString() == "alert");
        Assert.Equal(("straw_burning", Village, "reported"), (opened.GetProperty("category").GetString(), opened.GetProperty("gridCode").GetString(),
            opened.GetProperty("state").GetString()));
        var problemTask = $"problem-{opened.GetProperty("id").GetInt64()}";

        // 4. The member's terminal sees all four tasks on the gateway.
        using var terminal = new HttpClient { BaseAddress = edge.TerminalApi, Timeout = TimeSpan.FromSeconds(10) };
        string[] expected = [problemTask, $"complaint-{onWorkDay}", $"complaint-{onSaturday}", $"complaint-{onHoliday}"];
        await Eventually.True(async () => expected.All(TaskIds(await TasksAsync(terminal, token)).Contains), "the four tasks on the gateway's terminal API", Long);

        // 5. The uplink goes down: the list stays, and the member acts on it.
        server.Kill();
        var offline = await TasksAsync(terminal, token);
        Assert.Subset(TaskIds(offline).ToHashSet(), expected.ToHashSet());
        var saturdayTask = offline.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("taskId").GetString() == $"complaint-{onSaturday}");
        Assert.Equal(days.Saturday.AddHours(20), saturdayTask.GetProperty("deadline").GetDateTimeOffset());
        Assert.Equal("arrive", saturdayTask.GetProperty("steps")[0].GetString());

        // A plain check-in inside the village at 10:20 on the working day; arrival steps on the other two; a verification
        // the alarm's problem cannot take yet (it was never rectified).
        await PostAsync(terminal, "/api/v1/checkins", token, "ci-workday", new
        {
            memberId = "m-wang-li", terminalId = "t-0042", gridCode = Village, latitude = 36.65, longitude = 117.12, accuracyMeters = 5,
            fixTime = days.WorkDay.AddHours(10).AddMinutes(20), note = "到达投诉现场",
        });
        await PostAsync(terminal, $"/api/v1/tasks/complaint-{onSaturday}/steps", token, "arrive-sat", Step("arrive", days.Saturday.AddHours(20).AddMinutes(10)));
        await PostAsync(terminal, $"/api/v1/tasks/complaint-{onHoliday}/steps", token, "arrive-hol", Step("arrive", days.Holiday.AddHours(10).AddMinutes(50)));
        var now = DateTimeOffset.UtcNow.AddSeconds(-5).ToOffset(China);
        await PostAsync(terminal, $"/api/v1/tasks/{problemTask}/steps", token, "verify-early", Step("verify", now));
        var sent = (await TasksAsync(terminal, token)).GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("taskId").GetString() == problemTask);
        Assert.Equal("verify", sent.GetProperty("sentSteps")[0].GetProperty("step").GetString());

        // 6. The server returns: 10:20 against 10:30 is met; 20:10 against 20:00 (evening, non-working) is missed; 10:50 on the
        //    holiday against its 60-minute limit is met (it would be missed on a working day).
        await server.StartAsync();
        async Task<string> ResponseAsync(long id) => (await server.GetJsonAsync($"/api/complaints/{id}")).GetProperty("response").GetString()!;
        await Eventually.True(async () => await ResponseAsync(onWorkDay) == "met" && await ResponseAsync(onSaturday) == "missed" && await ResponseAsync(onHoliday) == "met",
            "the three response clocks settled", Long);
        var holiday = await server.GetJsonAsync($"/api/complaints/{onHoliday}");
        Assert.Equal(days.Holiday.AddHours(11), holiday.GetProperty("dueAt").GetDateTimeOffset());

        // 7. The refused verification is on the member's task, with the lifecycle's reason.
        var refused = default(JsonElement);
        await Eventually.True(async () =>
        {
            var task = (await TasksAsync(terminal, token)).GetProperty("tasks").EnumerateArray().SingleOrDefault(t => t.GetProperty("taskId").GetString() == problemTask);
            return task.ValueKind == JsonValueKind.Object && task.TryGetProperty("refused", out refused);
        }, "the refusal on the task", Long);
        Assert.Equal(("verify", "verify-early"), (refused.GetProperty("step").GetString(), refused.GetProperty("recordId").GetString()));
        Assert.Contains("must be rectified first", refused.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // 8. Rectified from the terminal: the problem moves, with the member as the actor.
        await PostAsync(terminal, $"/api/v1/tasks/{problemTask}/steps", token, "rectify-1", Step("rectify", DateTimeOffset.UtcNow.AddSeconds(-2).ToOffset(China), "火已扑灭，秸秆已清运"));
        var rectified = await server.WaitForJsonAsync($"/api/problems/{opened.GetProperty("id").GetInt64()}",
            p => p.GetProperty("state").GetString() == "rectified", "the problem rectified from the terminal", Long, Ct);
        var last = rectified.GetProperty("events").EnumerateArray().Last();
        Assert.Equal(("rectify", "m-wang-li"), (last.GetProperty("action").GetString(), last.GetProperty("by").GetString()));
    }
}
