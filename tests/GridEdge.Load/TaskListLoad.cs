using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Testing;

namespace GridEdge.Load;

/// <summary>
/// The terminal's task list on a real gateway process: <c>tasks</c> open complaints are received on a real server, routed
/// to the village, published to the gateway as its task list; the server is then stopped (the list is served from the
/// gateway alone) and one terminal asks GET /api/v1/tasks again and again. Baseline in the same run: GET /api/v1/status
/// on the same process (authentication off, a few counters), i.e. what any answer of that Kestrel costs.
/// </summary>
internal static class TaskListLoad
{
    private const string Village = OneVillageGrid.Village;

    public static async Task<int> RunAsync(int tasks, int requests, Action<string> log)
    {
        using var dir = new TempDirectory("load-tasks");
        var gw = new GatewayAccount("gw-load-tasks", "pw-" + Guid.NewGuid().ToString("N")[..12]);
        using var server = new ServerHost(dir.File("server"), [gw], log) { ExtraArgs = ["--Server:Tasks:IntervalMilliseconds=500"] };
        Directory.CreateDirectory(server.DataDirectory);
        await server.StartAsync();
        using var api = server.Http(TimeSpan.FromSeconds(30));
        (await api.PutAsJsonAsync("/api/grids", OneVillageGrid.Document(gw.Id, [new { id = "m-001", name = "member 1", grid = Village }]))).EnsureSuccessStatusCode();
        string token;
        using (var issued = await api.PostAsJsonAsync("/api/terminals", new { id = "t-001", member = "m-001" }))
            token = (await issued.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        var received = DateTimeOffset.UtcNow.AddHours(-1);
        for (var i = 0; i < tasks; i++)
        {
            using var response = await api.PostAsJsonAsync("/api/complaints", new
            {
                receivedAt = received.AddSeconds(i), channel = "hotline", latitude = 36.641 + 0.018 * (i % 100) / 100.0, longitude = 117.111 + 0.018 * (i / 100 % 100) / 100.0,
                category = "dust", description = $"工地扬尘投诉 {i + 1}", address = $"东村 {i + 1} 号",
            });
            response.EnsureSuccessStatusCode();
        }

        using var edge = new EdgeHost(dir.File("edge"), gw, server.MqttPort, log);
        edge.Start(0, "none", "--Serilog:MinimumLevel:Default=Warning", "--Edge:Terminals:RequestsPerMinute=1000000", "--Edge:Terminals:RequestBurst=1000000");
        using var terminal = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = edge.TerminalApi, Timeout = TimeSpan.FromSeconds(30) };
        terminal.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var listed = 0;
        var wait = Stopwatch.StartNew();
        while (wait.Elapsed < TimeSpan.FromSeconds(120))
        {
            try
            {
                using var doc = JsonDocument.Parse(await terminal.GetStringAsync("/api/v1/tasks"));
                listed = doc.RootElement.GetProperty("tasks").GetArrayLength();
                if (listed >= tasks) break;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        if (listed < tasks)
        {
            Console.WriteLine($"tasks: the gateway listed {listed} of {tasks} tasks within 120 s");
            return 1;
        }
        var bytes = (await terminal.GetByteArrayAsync("/api/v1/tasks")).Length;
        // Uplink down: the list is the gateway's alone.
        server.Kill();

        async Task<List<double>> TimeAsync(string path)
        {
            for (var i = 0; i < 50; i++) (await terminal.GetAsync(path)).Dispose(); // warm-up
            var ms = new List<double>(requests);
            for (var i = 0; i < requests; i++)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await terminal.GetAsync(path);
                await response.Content.LoadIntoBufferAsync();
                response.EnsureSuccessStatusCode();
                ms.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            ms.Sort();
            return ms;
        }
        var status = await TimeAsync("/api/v1/status");
        var list = await TimeAsync("/api/v1/tasks");
        static double P(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        Console.WriteLine($"tasks: one member's {tasks} open tasks on the gateway ({bytes / 1024.0:F0} KiB of JSON), {requests} GETs each, uplink down");
        Console.WriteLine($"  GET /api/v1/status (baseline)  p50 {P(status, 0.5),7:F2} ms   p99 {P(status, 0.99),7:F2} ms   max {status[^1],7:F2} ms");
        Console.WriteLine($"  GET /api/v1/tasks              p50 {P(list, 0.5),7:F2} ms   p99 {P(list, 0.99),7:F2} ms   max {list[^1],7:F2} ms");
        Console.WriteLine($"  task list p99 = {P(list, 0.99) / P(status, 0.99):F1} x the baseline's p99 (target p99 <= 20 ms)");
        return 0;
    }
}
