using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Testing;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(GridEdge.Console.Tests.DemoConsole))]

namespace GridEdge.Console.Tests;

/// <summary>
/// The real server with its demo data (the demo program, as a process on loopback ports of its own) and Debian's
/// chromium driven by Playwright, headless; both started once for the test assembly and stopped after it.
/// </summary>
public sealed class DemoConsole : IAsyncLifetime
{
    /// <summary>Where the browser is: GRIDEDGE_CHROMIUM, or Debian's package (tests/run.sh installs it).</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("GRIDEDGE_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    private readonly TempDirectory _dir = new("console-tests");
    private HostProcess? _demo;
    private IPlaywright? _playwright;

    public int HttpPort { get; } = Loopback.FreePort();
    public string BaseUrl => $"http://127.0.0.1:{HttpPort}";
    public IBrowser Browser { get; private set; } = null!;
    public IReadOnlyList<DemoUser> Users { get; private set; } = [];
    /// <summary>Where the run's screenshots go: TestResults/console-screenshots beside the test project's output, or GRIDEDGE_SCREENSHOTS.</summary>
    public string Screenshots { get; } = Environment.GetEnvironmentVariable("GRIDEDGE_SCREENSHOTS") is { Length: > 0 } s ? s
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public DemoUser User(string role) => Users.Single(u => u.Role == role);

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"no browser at {ChromiumPath}: install Debian's chromium and fonts-noto-cjk (tests/run.sh does), or set GRIDEDGE_CHROMIUM");
        var mqtt = Loopback.FreePort();
        _demo = HostProcess.StartDotnet("demo", Loopback.HostDll("demo", "GridEdge.Demo"),
            [$"--Server:Http:Url={BaseUrl}", $"--Server:Broker:Port={mqtt}"], null, _dir.Path);
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(5) };
        var demoFile = Path.Combine(_dir.Path, "data", "demo.json");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (_demo.HasExited) throw new InvalidOperationException("the demo exited: " + string.Join("\n", _demo.Lines.TakeLast(20)));
            if (File.Exists(demoFile) && await Healthy(http))
            {
                try
                {
                    using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(demoFile));
                    if (doc.RootElement.TryGetProperty("users", out var users) && users.GetArrayLength() > 0)
                    {
                        Users = [.. users.EnumerateArray().Select(u => new DemoUser(u.GetProperty("name").GetString()!, u.GetProperty("role").GetString()!,
                            u.GetProperty("grid").ValueKind == JsonValueKind.String ? u.GetProperty("grid").GetString() : null,
                            u.GetProperty("password").GetString()!, u.GetProperty("apiKey").GetString()!))];
                        break;
                    }
                }
                catch (Exception e) when (e is JsonException or IOException) { /* being written */ }
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the demo did not answer /health with its users within 90 s: " + string.Join("\n", _demo.Lines.TakeLast(20)));
            await Task.Delay(200);
        }
        Directory.CreateDirectory(Screenshots);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // As root (CI containers) chromium needs --no-sandbox.
            Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
        });
    }

    private static async Task<bool> Healthy(HttpClient http)
    {
        try { using var r = await http.GetAsync("/health"); return r.IsSuccessStatusCode; }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; }
    }

    /// <summary>An API client of a demo user (its key), for setting up and checking what the page did.</summary>
    public HttpClient Api(string role)
    {
        var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", User(role).ApiKey);
        return http;
    }

    private readonly Dictionary<string, string> _sessions = [];
    private readonly SemaphoreSlim _signIn = new(1, 1);

    /// <summary>
    /// A fresh browser context and page signed in as the demo user of <paramref name="role"/>, in Chinese unless told.
    /// Each role signs in through the form once per run and its session cookie is reused (the server allows an address
    /// 10 sign-ins a minute); a test that signs out must sign in for itself (<see cref="NewPageAsync"/>).
    /// </summary>
    public async Task<IPage> SignInAsync(string role, string language = "zh-CN", ViewportSize? viewport = null)
    {
        await _signIn.WaitAsync();
        try
        {
            _sessions.TryGetValue(role, out var state);
            var page = await NewPageAsync(language, viewport, state);
            await page.GotoAsync("/");
            if (state is null)
            {
                var user = User(role);
                await page.Locator("input[name=name]").FillAsync(user.Name);
                await page.Locator("input[name=password]").FillAsync(user.Password);
                await page.Locator("form button[type=submit]").ClickAsync();
            }
            await page.Locator("nav.nav a").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
            if (state is null) _sessions[role] = await page.Context.StorageStateAsync();
            return page;
        }
        finally { _signIn.Release(); }
    }

    /// <summary>A page in a fresh browser context (no session unless <paramref name="storageState"/> carries one).</summary>
    public async Task<IPage> NewPageAsync(string language = "zh-CN", ViewportSize? viewport = null, string? storageState = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl, Locale = language, TimezoneId = "Asia/Shanghai", StorageState = storageState,
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 860 },
        });
        await context.AddInitScriptAsync($"localStorage.setItem('gridedge.lang', '{language}');");
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        _demo?.Dispose();
        _dir.Dispose();
    }
}

/// <summary>A demo user from data/demo.json.</summary>
public sealed record DemoUser(string Name, string Role, string? Grid, string Password, string ApiKey);
