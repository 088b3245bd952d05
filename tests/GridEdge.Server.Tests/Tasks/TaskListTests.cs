using System.Buffers;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Grid;
using GridEdge.Server.Problems;
using GridEdge.Server.Tasks;
using GridEdge.Server.Tests.Grid;
using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static GridEdge.Server.Tests.Grid.GridSamples;
using static GridEdge.Server.Tests.Grid.TerminalSamples;

namespace GridEdge.Server.Tests.Tasks;

/// <summary>
/// Gateways' task lists on the real host: what each member is handed, the steps members take from terminals applied to
/// the problem with the member as the actor (or refused, and the refusal on the task), and the list reaching the gateway
/// retained over the embedded broker.
/// </summary>
public sealed class TaskListTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static async Task<RunningServer> StartAsync(int intervalMs = 600_000)
    {
        // A long interval: the test drives the applier and publisher itself, except where it waits for the duty.
        var server = await RunningServer.StartAsync(new Dictionary<string, string?> { ["Server:Tasks:IntervalMilliseconds"] = intervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var http = server.Http();
        using var response = await http.PutAsJsonAsync("/api/grids", Document(), Web, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return server;
    }

    private static TaskStep Step(string recordId, string member, string grid, string taskId, TaskStepKind step, string? note = null, params string[] photos) =>
        new(recordId, member, "t-1", grid, taskId, step, 36.605, 117.005, 6, T0.AddMinutes(30), note, photos, GeofenceResult.Inside, T0.AddMinutes(30),
            ClockQuality.NetworkSynced);

    private static T Service<T>(RunningServer server) where T : notnull => server.App.Services.GetRequiredService<T>();

    private static async Task<long> ReportAsync(RunningServer server, long seq, string recordId, string member, string grid)
    {
        await Service<GridStore>(server).CommitAsync(Batch("gw-alpha", Streams.Uploads, seq, Problem(recordId, member, grid, T0)), Ct);
        var page = await Service<IProblemLedger>(server).QueryAsync(new ProblemQuery(Member: member), Ct);
        return page.Items.Single(p => p.RecordId == recordId).Id;
    }

    [Fact(Timeout = 60_000)]
    public async Task A_reported_problem_is_the_reporters_task_an_assigned_one_the_assignees_and_a_complaint_every_village_members()
    {
        await using var server = await StartAsync();
        var problem = await ReportAsync(server, 1, "p-1", "li.na", VillageA1);
        var builder = Service<TaskListBuilder>(server);

        var task = Assert.Single(await builder.BuildAsync("gw-alpha", Ct));
        Assert.Equal(($"problem-{problem}", "problem", VillageA1, "reported"), (task.TaskId, task.Kind, task.GridCode, task.State));
        Assert.Equal(["li.na"], task.Members);
        Assert.Equal([TaskStepKind.Arrive, TaskStepKind.Rectify], task.Steps);
        // Another township's gateway does not carry it.
        Assert.Empty(await builder.BuildAsync("gw-beta", Ct));

        using var http = server.Http();
        var deadline = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(3).ToUnixTimeSeconds());
        using (var assign = await http.PostAsJsonAsync($"/api/problems/{problem}/assign", new { assignee = "Zhao Lei", deadline }, Ct))
            Assert.True(assign.StatusCode == HttpStatusCode.OK, await assign.Content.ReadAsStringAsync(Ct));
        task = Assert.Single(await builder.BuildAsync("gw-alpha", Ct));
        Assert.Equal(["zhao.lei"], task.Members);
        Assert.Equal(("assigned", deadline), (task.State, task.Deadline));

        using (var complaint = await http.PostAsJsonAsync("/api/complaints", new
        {
            receivedAt = DateTimeOffset.UtcNow, channel = "phone", latitude = 36.605, longitude = 117.025, category = "garbage", description = "河边倾倒垃圾",
        }, Ct))
            Assert.Equal(HttpStatusCode.Created, complaint.StatusCode);
        var tasks = await builder.BuildAsync("gw-alpha", Ct);
        var complaintTask = Assert.Single(tasks, t => t.Kind == TaskKinds.Complaint);
        Assert.Equal((VillageA2, "pending"), (complaintTask.GridCode, complaintTask.State));
        Assert.Equal(["zhao.lei"], complaintTask.Members);
        Assert.Equal([TaskStepKind.Arrive], complaintTask.Steps);
        Assert.NotNull(complaintTask.Deadline);
    }

    [Fact(Timeout = 60_000)]
    public async Task Steps_from_the_terminal_move_the_problem_with_the_member_as_actor_and_a_refused_step_shows_on_the_task()
    {
        await using var server = await StartAsync();
        var problem = await ReportAsync(server, 1, "p-1", "li.na", VillageA1);
        var taskId = $"problem-{problem}";
        var store = Service<GridStore>(server);
        var applier = Service<TaskStepApplier>(server);
        var builder = Service<TaskListBuilder>(server);

        // Verify before anything was rectified: refused by the lifecycle, and the task says why.
        await store.CommitAsync(Batch("gw-alpha", Streams.Uploads, 2, Step("s-1", "li.na", VillageA1, taskId, TaskStepKind.Verify)), Ct);
        Assert.Equal(1, await applier.ApplyPendingAsync(Ct));
        var task = Assert.Single(await builder.BuildAsync("gw-alpha", Ct));
        Assert.NotNull(task.Refused);
        Assert.Equal((TaskStepKind.Verify, "s-1"), (task.Refused!.Step, task.Refused.RecordId));
        Assert.Contains("must be rectified first", task.Refused.Reason, StringComparison.Ordinal);
        Assert.Equal("reported", task.State);

        // Arrive, then rectify with a photo: both applied, by the member; the refusal is cleared by the later step.
        var photo = new string('a', 64);
        await store.CommitAsync(Batch("gw-alpha", Streams.Uploads, 3,
            Step("s-2", "li.na", VillageA1, taskId, TaskStepKind.Arrive),
            Step("s-3", "li.na", VillageA1, taskId, TaskStepKind.Rectify, "已覆盖防尘网", photo)), Ct);
        // Redelivered: stored once, applied once.
        var again = await store.CommitAsync(Batch("gw-alpha", Streams.Uploads, 3,
            Step("s-2", "li.na", VillageA1, taskId, TaskStepKind.Arrive),
            Step("s-3", "li.na", VillageA1, taskId, TaskStepKind.Rectify, "已覆盖防尘网", photo)), Ct);
        Assert.Equal((0, 2), (again.New, again.Duplicates));
        Assert.Equal(2, await applier.ApplyPendingAsync(Ct));
        Assert.Equal(0, await applier.ApplyPendingAsync(Ct));

        var events = await Service<IProblemLedger>(server).GetEventsAsync(problem, Ct) ?? throw new InvalidOperationException("no problem");
        Assert.Equal(["reported", "arrive", "rectify"], events.Select(e => e.Action));
        Assert.All(events.Skip(1), e => Assert.Equal("li.na", e.By));
        var rectified = events[^1];
        Assert.Equal(("已覆盖防尘网", photo, "t-1", "inside"), (rectified.Detail!["result"]!.GetValue<string>(), rectified.Detail["attachments"]![0]!.GetValue<string>(),
            rectified.Detail["terminal"]!.GetValue<string>(), rectified.Detail["geofence"]!.GetValue<string>()));
        task = Assert.Single(await builder.BuildAsync("gw-alpha", Ct));
        Assert.Equal(("rectified", (TaskRefusal?)null), (task.State, task.Refused));
        Assert.Equal([TaskStepKind.Verify], task.Steps);

        // The audit log names the member and the terminal it acted through.
        using var http = server.Http();
        var audit = await http.GetFromJsonAsync<JsonElement>("/api/audit?action=problem.rectify", Ct);
        var entry = audit.GetProperty("items")[0];
        Assert.Equal(("li.na", "village_member", "terminal:t-1@gw-alpha"),
            (entry.GetProperty("actor").GetString(), entry.GetProperty("role").GetString(), entry.GetProperty("via").GetString()));

        // The console reads the steps with their outcomes.
        var steps = await http.GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}/steps", Ct);
        Assert.Equal(["refused", "applied", "applied"], steps.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("outcome").GetString()));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_member_of_another_village_or_another_townships_gateway_cannot_act_on_a_task_and_a_complaint_takes_only_arrival()
    {
        await using var server = await StartAsync();
        var problem = await ReportAsync(server, 1, "p-1", "li.na", VillageA1);
        using var http = server.Http();
        using var created = await http.PostAsJsonAsync("/api/complaints", new
        {
            receivedAt = T0, channel = "phone", latitude = 36.605, longitude = 117.005, category = "dust", description = "工地扬尘",
        }, Ct);
        var complaint = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
        var store = Service<GridStore>(server);
        await store.CommitAsync(Batch("gw-alpha", Streams.Uploads, 2,
            Step("s-1", "zhao.lei", VillageA2, $"problem-{problem}", TaskStepKind.Rectify),
            Step("s-2", "li.na", VillageA1, $"complaint-{complaint}", TaskStepKind.Rectify),
            Step("s-3", "li.na", VillageA1, $"complaint-{complaint}", TaskStepKind.Arrive),
            Step("s-4", "li.na", VillageA1, "problem-9999", TaskStepKind.Arrive)), Ct);
        // Another township's gateway carrying a step for this village's member: refused, whatever the record says.
        await store.CommitAsync(Batch("gw-beta", Streams.Uploads, 1, Step("s-5", "li.na", VillageA1, $"problem-{problem}", TaskStepKind.Arrive)), Ct);
        Assert.Equal(5, await Service<TaskStepApplier>(server).ApplyPendingAsync(Ct));

        var ledger = Service<TaskStepLedger>(server);
        var onProblem = await ledger.ForTaskAsync("problem", problem, Ct);
        Assert.Equal(["refused", "refused"], onProblem.Select(s => s.Outcome));
        Assert.Contains("neither a member of the problem's grid", onProblem[0].Reason, StringComparison.Ordinal);
        Assert.Equal($"gateway 'gw-beta' does not serve the township of grid {VillageA1}", onProblem[1].Reason);
        var onComplaint = await ledger.ForTaskAsync("complaint", complaint, Ct);
        Assert.Equal(["refused", "applied"], onComplaint.Select(s => s.Outcome));
        Assert.Contains("only the arrival", onComplaint[0].Reason, StringComparison.Ordinal);
        Assert.Equal("there is no problem 9999", Assert.Single(await ledger.ForTaskAsync("problem", 9999, Ct)).Reason);
        Assert.Equal("reported", (await Service<IProblemLedger>(server).GetAsync(problem, Ct))!.State);

        // The arrival step inside the village counts for the complaint's response clock.
        var read = await http.GetFromJsonAsync<JsonElement>($"/api/complaints/{complaint}", Ct);
        Assert.Equal(T0.AddMinutes(30), read.GetProperty("arrivedAt").GetDateTimeOffset());
    }

    [Fact(Timeout = 60_000)]
    public async Task The_duty_publishes_a_changed_list_retained_and_the_gateway_connecting_later_gets_the_newest()
    {
        await using var server = await StartAsync(intervalMs: 200);
        using var gateway = await server.ConnectGatewayAsync("gw-alpha", Ct);
        Assert.Equal(MQTTnet.MqttClientSubscribeResultCode.GrantedQoS1, await gateway.SubscribeAsync(Topics.Tasks("gw-alpha"), Ct));
        var empty = TaskList.Parse(gateway.Receive(TimeSpan.FromSeconds(10)).Payload.ToArray(), out var errors);
        Assert.True(empty is not null, string.Join("; ", errors));
        Assert.Empty(empty!.Tasks);

        var problem = await ReportAsync(server, 1, "p-1", "li.na", VillageA1);
        var next = TaskList.Parse(gateway.Receive(TimeSpan.FromSeconds(10)).Payload.ToArray(), out errors)!;
        Assert.Equal([$"problem-{problem}"], next.Tasks.Select(t => t.TaskId));
        Assert.True(next.Version > empty.Version);

        // A gateway may not read another's list.
        using var beta = await server.ConnectGatewayAsync("gw-beta", Ct);
        Assert.NotEqual(MQTTnet.MqttClientSubscribeResultCode.GrantedQoS1, await beta.SubscribeAsync(Topics.Tasks("gw-alpha"), Ct));
    }
}
