using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GridEdge.Edge.Hosting;
using GridEdge.Edge.Terminals;
using GridEdge.Edge.Tests.Time;
using GridEdge.Edge.Time;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Edge.Tests.Terminals;

/// <summary>
/// A real terminal API on a free loopback port over a real outbox in a temp folder, with two terminals in its directory.
/// The gateway's clock is a manual one, an hour after the records' times (<see cref="FixTime"/>) until a test moves it.
/// </summary>
internal sealed class TerminalApiFixture : IAsyncDisposable
{
    public const string FixTime = "2025-03-01T08:00:00+08:00";
    public static readonly DateTimeOffset GatewayNow = new(2025, 3, 1, 1, 0, 0, TimeSpan.Zero);

    public const string Grid1 = "370102001001", Grid2 = "370102001002";
    public const string Token1 = "token-of-terminal-1", Token2 = "token-of-terminal-2";

    // Grid 1: a square of about 1.8 x 2.2 km with a square hole in the middle; grid 2 has no boundary.
    public const string Boundary1 = """
        {"type":"Polygon","coordinates":[
          [[117.00,36.00],[117.02,36.00],[117.02,36.02],[117.00,36.02],[117.00,36.00]],
          [[117.008,36.008],[117.012,36.008],[117.012,36.012],[117.008,36.012],[117.008,36.008]]]}
        """;

    private readonly TempDirectory? _ownDirectory;
    private TerminalApiService? _service;

    private TerminalApiFixture(string dataDirectory, TempDirectory? own, TerminalOptions options, long? outboxQuotaBytes)
    {
        DataDirectory = dataDirectory;
        _ownDirectory = own;
        Options = options;
        Time = new GridEdge.Testing.ManualTimeProvider(GatewayNow, monotonicMs: 1_000_000);
        Clock = new GatewayClock(Time, Guid.NewGuid());
        Clock.ReportKernelSynchronised(true);
        Outbox = new EdgeOutbox(new Outbox.OutboxSettings(dataDirectory) { QuotaBytes = outboxQuotaBytes }, NullLogger<EdgeOutbox>.Instance, Clock);
        Directory = new TerminalDirectoryStore(dataDirectory);
        Tasks = new GridEdge.Edge.Tasks.TaskListStore(dataDirectory);
    }

    public string DataDirectory { get; }
    public TerminalOptions Options { get; }
    public GridEdge.Testing.ManualTimeProvider Time { get; }
    public GatewayClock Clock { get; }
    public EdgeOutbox Outbox { get; }
    public TerminalDirectoryStore Directory { get; }
    public GridEdge.Edge.Tasks.TaskListStore Tasks { get; }
    public TerminalApiService Service => _service!;
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Starts an API; with <paramref name="dataDirectory"/> over an existing gateway's data (a restart), else in a new temp folder with the two-terminal directory.</summary>
    public static async Task<TerminalApiFixture> StartAsync(Action<TerminalOptions>? configure = null, string? dataDirectory = null, bool withDirectory = true,
        long? outboxQuotaBytes = null)
    {
        var options = new TerminalOptions { Enabled = true, Url = "http://127.0.0.1:0" };
        configure?.Invoke(options);
        var own = dataDirectory is null ? new TempDirectory() : null;
        var fixture = new TerminalApiFixture(dataDirectory ?? own!.Path, own, options, outboxQuotaBytes);
        if (withDirectory && dataDirectory is null) fixture.Directory.Apply(Prepare(DirectoryJson(includeTerminal2: true)));
        await fixture.StartServiceAsync();
        return fixture;
    }

    private async Task StartServiceAsync()
    {
        _service = new TerminalApiService(Options, DataDirectory, Outbox, Clock, Directory, NullLoggerFactory.Instance, Time, Tasks);
        await _service.StartAsync(TestContext.Current.CancellationToken);
        Http = new HttpClient { BaseAddress = _service.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public static PreparedDirectory Prepare(string json) =>
        TerminalDirectoryStore.Prepare(json, out var errors) ?? throw new InvalidOperationException(string.Join("; ", errors));

    public static string Sha(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string DirectoryJson(bool includeTerminal2)
    {
        var terminals = new List<TerminalEntry> { new("term-1", "member-1", Grid1, Sha(Token1)) };
        if (includeTerminal2) terminals.Add(new TerminalEntry("term-2", "member-2", Grid2, Sha(Token2)));
        using var boundary = JsonDocument.Parse(Boundary1);
        return new TerminalDirectory(terminals, [new GridBoundary(Grid1, "Village 1", boundary.RootElement.Clone())]).ToJson();
    }

    public static string CheckInJson(double latitude = 36.004, double longitude = 117.004, double accuracy = 10, string terminal = "term-1", string member = "member-1",
        string grid = Grid1, string? note = null, string fixTime = FixTime) =>
        JsonSerializer.Serialize(new
        {
            memberId = member, terminalId = terminal, gridCode = grid, latitude, longitude, accuracyMeters = accuracy,
            fixTime, note,
        });

    public Task<HttpResponseMessage> PostAsync(string path, string json, string? token = Token1, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString("N"));
        return Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();

    public static IReadOnlyList<string> FieldsOf(JsonElement error) => [.. error.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!)];

    public long Backlog(string stream) => Outbox.Backlog(stream);

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_service is not null) await _service.DisposeAsync();
        Outbox.Dispose();
        _ownDirectory?.Dispose();
    }
}
