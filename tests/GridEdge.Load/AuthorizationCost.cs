using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server;
using GridEdge.Server.Grid;
using GridEdge.Server.Patrols;
using GridEdge.Server.Readings;
using GridEdge.Server.Storage;
using GridEdge.Server.Users;
using GridEdge.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GridEdge.Load;

/// <summary>
/// What access control costs on a list endpoint: GET /api/readings and /api/checkins (100 rows a page) through the real
/// server as an API-key caller without a grid, one scoped to a township, and a signed-in browser session, against the
/// same query answered as the endpoints did before access control (no authentication, no authorization, no scope), in
/// the same process and run, the requests of each kind interleaved in rounds.
/// </summary>
internal static class AuthorizationCost
{
    private const string Township = "370102001000", Village = "370102001001", Gateway = "gw-370102-001";

    public static async Task<int> RunAsync(int requests, int rows)
    {
        using var dir = new TempDirectory("auth-cost");
        var (httpPort, mqttPort) = (Loopback.FreePort(), Loopback.FreePort());
        await using var server = GridEdge.Server.ServerHost.Build([], new Dictionary<string, string?>
        {
            ["Server:Http:Url"] = $"http://127.0.0.1:{httpPort}",
            ["Server:Broker:Port"] = mqttPort.ToString(CultureInfo.InvariantCulture),
            ["Server:Ledger:Path"] = dir.File("ledger.db"),
            ["Server:Logs:Directory"] = dir.File("logs"),
            ["Serilog:MinimumLevel:Default"] = "Warning",
        }, new Baseline());
        await server.StartAsync();
        await SeedAsync(server.Services, rows);

        var users = server.Services.GetRequiredService<IUserStore>();
        async Task<string> KeyAsync(string name, string role, string? grid)
        {
            var created = await users.CreateAsync(new NewUser(name, null, role, grid, "a long enough password"));
            if (created.User is null) throw new InvalidOperationException($"user {name}: {created.Error}");
            return (await users.CreateApiKeyAsync(name))!.Key;
        }
        var baseAddress = new Uri($"http://127.0.0.1:{httpPort}");
        using var anonymous = new HttpClient { BaseAddress = baseAddress };
        using var city = Client(baseAddress, await KeyAsync("bench-city", Roles.City, null));
        using var township = Client(baseAddress, await KeyAsync("bench-township", Roles.Township, Township));
        using var session = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = baseAddress };
        using (var signIn = await session.PostAsJsonAsync("/api/session", new { name = "bench-township", password = "a long enough password" }))
            signIn.EnsureSuccessStatusCode();

        Console.WriteLine($"auth-cost: {requests:N0} sequential GETs of 100 rows per variant, {rows:N0} readings and check-ins in the ledger (SQLite), interleaved in rounds of 100");
        foreach (var (list, baseline, scope) in new[]
                 {
                     ("/api/readings?limit=100", "/baseline/readings?limit=100", $"&gateway={Gateway}"),
                     ("/api/checkins?limit=100", "/baseline/checkins?limit=100", $"&grid={Township}"),
                 })
        {
            // The township's scope as the filter it adds: the same query asked for by a caller before access control.
            var variants = new (string Name, HttpClient Http, string Path, int Baseline)[]
            {
                ("before access control", anonymous, baseline, 0),
                ("before, with the township's filter", anonymous, baseline + scope, 1),
                ("API key, city-wide (no grid)", city, list, 0),
                ("API key, township-scoped", township, list, 1),
                ("session cookie, township-scoped", session, list, 1),
            };
            var micros = await MeasureAsync([.. variants.Select(v => (v.Name, v.Http, v.Path))], requests);
            Console.WriteLine($"  GET {list.Split('?')[0]}");
            for (var i = 0; i < variants.Length; i++)
                Console.WriteLine($"    {variants[i].Name,-36} {micros[i],8:F0} µs/request" + (i < 2 ? (i == 1 ? $" = {micros[1] / micros[0],5:F2} x unfiltered" : "")
                    : $" = {micros[i] / micros[variants[i].Baseline],5:F2} x {(variants[i].Baseline == 0 ? "unfiltered" : "filtered")} before (target <= 1.2x)"));
        }
        await server.StopAsync();
        return 0;
    }

    private static HttpClient Client(Uri baseAddress, string key)
    {
        var http = new HttpClient { BaseAddress = baseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    // Every variant answered once to warm up, then in rounds of 100 requests each, so drift in the machine hits them alike.
    private static async Task<double[]> MeasureAsync((string Name, HttpClient Http, string Path)[] variants, int requests)
    {
        var elapsed = new double[variants.Length];
        var counts = new int[variants.Length];
        foreach (var v in variants)
            for (var i = 0; i < 200; i++) await GetAsync(v.Http, v.Path, v.Name);
        const int Round = 100;
        for (var done = 0; done < requests; done += Round)
            for (var k = 0; k < variants.Length; k++)
            {
                var sw = Stopwatch.StartNew();
                for (var i = 0; i < Round; i++) await GetAsync(variants[k].Http, variants[k].Path, variants[k].Name);
                elapsed[k] += sw.Elapsed.TotalMicroseconds;
                counts[k] += Round;
            }
        return [.. elapsed.Select((e, k) => e / counts[k])];
    }

    private static async Task GetAsync(HttpClient http, string path, string name)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode || body.Length < 1000)
            throw new InvalidOperationException($"{name}: GET {path} answered {(int)response.StatusCode} with {body.Length} bytes");
    }

    private static async Task SeedAsync(IServiceProvider services, int rows)
    {
        var outcome = await services.GetRequiredService<IGridRegistryStore>().ImportAsync(new GridDocument(
            Grids: [new GridInput("370100000000", "济南市"), new GridInput("370102000000", "历下区"), new GridInput(Township, "甲镇", Gateway: Gateway), new GridInput(Village, "甲村")],
            Members: [new MemberInput("m-1", "甲", Village)]));
        if (outcome.Result is null) throw new InvalidOperationException("registry: " + string.Join("; ", outcome.Errors.Select(e => e.Field)));
        var readings = services.GetRequiredService<IReadingStore>();
        var t0 = DateTimeOffset.UtcNow.AddDays(-10);
        for (var seq = 1; seq <= rows; seq += 500)
            await readings.CommitBatchAsync(new Batch(Gateway, Streams.Readings, seq,
                [.. Enumerable.Range(0, Math.Min(500, rows - seq + 1)).Select(i => (Record)Reading.Instant("pms-1", Quantities.Pm2_5, 30 + i % 17, t0.AddMinutes(seq + i), ClockQuality.NetworkSynced))]));
        var patrols = services.GetRequiredService<IPatrolLedger>();
        var database = services.GetRequiredService<LedgerDatabase>();
        for (var seq = 1; seq <= rows; seq += 500)
            await database.WriteAsync(async (c, t) =>
            {
                for (var i = seq; i < Math.Min(seq + 500, rows + 1); i++)
                {
                    var at = t0.AddMinutes(i);
                    await patrols.AddCheckInAsync(c, t, Gateway, i, new CheckIn($"c{i}", "m-1", "t-1", Village, 36.6, 117.0, 5, at, null, GeofenceResult.Inside, at,
                        ClockQuality.NetworkSynced), at.ToUnixTimeMilliseconds(), default);
                }
            });
    }

    /// <summary>The two listings as they were answered before access control: parse, query, write, with nothing in front.</summary>
    private sealed class Baseline : IServerExtension, IStartupFilter
    {
        public IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

        public void AddServices(IServiceCollection services) => services.AddSingleton<IStartupFilter>(this);

        public bool Started(IServiceProvider services, string url) => false;

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                var path = context.Request.Path.Value;
                if (path == "/baseline/readings")
                {
                    var (query, error) = ReadingEndpoints.ParseReadingQuery(context.Request.Query);
                    if (error is not null) { await error.ExecuteAsync(context); return; }
                    var page = await context.RequestServices.GetRequiredService<IReadingStore>().QueryReadingsAsync(query!, context.RequestAborted);
                    await Results.Ok(new ReadingPageView([.. page.Items.Select(ReadingView.From)], page.NextCursor)).ExecuteAsync(context);
                    return;
                }
                if (path == "/baseline/checkins")
                {
                    var (query, error) = PatrolLedgerEndpoints.ParsePatrolQuery(context.Request.Query, "c");
                    if (error is not null) { await error.ExecuteAsync(context); return; }
                    await Results.Ok(await context.RequestServices.GetRequiredService<IPatrolLedger>().QueryCheckInsAsync(query!, context.RequestAborted)).ExecuteAsync(context);
                    return;
                }
                await following(context);
            });
            next(app);
        };
    }
}
