using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GridEdge.Edge.Tasks;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using static GridEdge.Edge.Tests.Terminals.TerminalApiFixture;

namespace GridEdge.Edge.Tests.Tasks;

/// <summary>
/// The terminal's task list on a real Kestrel over a real outbox: the list from the server kept on disk and served per
/// member without uplink, and steps on a task stored like check-ins (idempotent, judged against the task's village).
/// </summary>
public sealed class TerminalTaskTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static TerminalTask Task(long id, string grid, string[] members, string state = "assigned", TaskRefusal? refused = null) =>
        new(TaskKinds.Id(TaskKinds.Problem, id), TaskKinds.Problem, id, grid, members, ProblemCategory.Dust, "工地扬尘未覆盖", 36.004, 117.004, "东侧料堆",
            GatewayNow.AddDays(2), state, [], [TaskStepKind.Arrive, TaskStepKind.Rectify], refused, GatewayNow);

    internal static byte[] ListJson(long version, params TerminalTask[] tasks) =>
        Encoding.UTF8.GetBytes(new TaskList("gw-test", version, GatewayNow.AddMinutes(-5), tasks).ToJson());

    private static async Task<JsonElement> TasksAsync(Terminals.TerminalApiFixture api, string token = Token1)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tasks");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await api.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await JsonOf(response);
    }

    private static string StepJson(string step, double latitude = 36.004, double longitude = 117.004, string? note = null) => JsonSerializer.Serialize(new
    {
        memberId = "member-1", terminalId = "term-1", gridCode = Grid1, step, latitude, longitude, accuracyMeters = 8, fixTime = FixTime, note,
        attachments = Array.Empty<string>(),
    });

    [Fact(Timeout = 60_000)]
    public async Task Each_member_sees_only_the_tasks_handed_to_it_and_the_list_survives_a_restart_without_uplink()
    {
        await using var api = await StartAsync();
        Assert.Empty((await TasksAsync(api)).GetProperty("tasks").EnumerateArray());
        Assert.True(api.Tasks.Accept(ListJson(5, Task(1, Grid1, ["member-1"]), Task(2, Grid2, ["member-2"]),
            Task(3, Grid1, ["member-1", "member-2"], refused: new TaskRefusal(TaskStepKind.Verify, "s-1", "cannot verify problem 3 in state 'assigned': it must be rectified first", GatewayNow)))));

        var mine = await TasksAsync(api);
        Assert.Equal(5, mine.GetProperty("version").GetInt64());
        Assert.Equal(["problem-1", "problem-3"], mine.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("taskId").GetString()));
        var refused = mine.GetProperty("tasks")[1].GetProperty("refused");
        Assert.Equal(("verify", "s-1"), (refused.GetProperty("step").GetString(), refused.GetProperty("recordId").GetString()));
        Assert.Contains("must be rectified first", refused.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(["problem-2", "problem-3"], (await TasksAsync(api, Token2)).GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("taskId").GetString()));

        // An older or equal version is not applied; another gateway's list and garbage are refused and counted.
        Assert.False(api.Tasks.Accept(ListJson(4)));
        Assert.False(api.Tasks.Accept("{\"gatewayId\":\"gw-test\",\"version\":9,\"tasks\":[{\"taskId\":\"bad\"}]"u8));
        Assert.Equal(1, api.Tasks.Refused);
        var other = new TaskListStore(api.DataDirectory, gatewayId: "gw-other");
        Assert.Empty(other.Current.Tasks);

        // A restart with no uplink: the stored list is back.
        var reloaded = new TaskListStore(api.DataDirectory, gatewayId: "gw-test");
        Assert.Equal((5L, 2), (reloaded.Current.Version, reloaded.ForMember("member-1").Count));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_step_on_a_task_is_stored_once_in_the_uploads_stream_judged_against_the_tasks_village_and_shown_as_sent()
    {
        await using var api = await StartAsync();
        api.Tasks.Accept(ListJson(1, Task(7, Grid1, ["member-1"]), Task(8, Grid2, ["member-2"])));

        using var first = await api.PostAsync("/api/v1/tasks/problem-7/steps", StepJson("arrive"), key: "arrive-7");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var accepted = await JsonOf(first);
        Assert.Equal(("uploads", "inside"), (accepted.GetProperty("stream").GetString(), accepted.GetProperty("geofence").GetString()));
        using var retry = await api.PostAsync("/api/v1/tasks/problem-7/steps", StepJson("arrive"), key: "arrive-7");
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(accepted.GetProperty("seq").GetInt64(), (await JsonOf(retry)).GetProperty("seq").GetInt64());
        Assert.Equal(1, api.Backlog(Streams.Uploads));
        var stored = Assert.IsType<TaskStep>(api.Outbox.ReadPending(Streams.Uploads, 0, 10, 1 << 20).Single().Record);
        Assert.Equal(("problem-7", TaskStepKind.Arrive, "member-1", GeofenceResult.Inside), (stored.TaskId, stored.Step, stored.MemberId, stored.Geofence));

        // Outside the village (in the boundary's hole): stored, with the verdict the server's clock will read.
        using (var outside = await api.PostAsync("/api/v1/tasks/problem-7/steps", StepJson("rectify", 36.010, 117.010, "已覆盖"), key: "rectify-7"))
            Assert.Equal("outside", (await JsonOf(outside)).GetProperty("geofence").GetString());

        var sent = (await TasksAsync(api)).GetProperty("tasks")[0].GetProperty("sentSteps");
        Assert.Equal(["arrive", "rectify"], sent.EnumerateArray().Select(s => s.GetProperty("step").GetString()));

        // Not this member's task, no such task, and a step that is no step: refused, nothing stored.
        using (var notMine = await api.PostAsync("/api/v1/tasks/problem-8/steps", StepJson("arrive")))
        {
            Assert.Equal(HttpStatusCode.NotFound, notMine.StatusCode);
            Assert.Equal(["taskId"], FieldsOf(await JsonOf(notMine)));
        }
        using (var bad = await api.PostAsync("/api/v1/tasks/problem-x/steps", StepJson("dance")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal(["taskId", "step"], FieldsOf(await JsonOf(bad)));
        }
        Assert.Equal(2, api.Backlog(Streams.Uploads));
        Assert.Equal(2, api.Service.Counters.Snapshot().Accepted.TaskSteps);
    }
}
