using System.Net.Http.Json;
using System.Text.Json;

namespace GridEdge.Testing;

/// <summary>A gateway's credentials as both the server (or Mosquitto) and the edge know them.</summary>
public sealed record GatewayAccount(string Id, string Password);

/// <summary>The GridEdge server as a real process on loopback, with its ledger in a folder the test owns.</summary>
public sealed class ServerHost : IDisposable
{
    private readonly Action<string>? _log;
    private HostProcess? _process;

    public ServerHost(string dataDirectory, IReadOnlyList<GatewayAccount> gateways, Action<string>? log, ExternalBroker? external = null)
    {
        DataDirectory = dataDirectory;
        Gateways = gateways;
        External = external;
        _log = log;
        HttpPort = Loopback.FreePort();
        MqttPort = external?.Port ?? Loopback.FreePort();
    }

    public string DataDirectory { get; }
    public IReadOnlyList<GatewayAccount> Gateways { get; }
    public ExternalBroker? External { get; }
    public int HttpPort { get; }
    public int MqttPort { get; }
    public string LedgerPath => Path.Combine(DataDirectory, "ledger.db");
    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");
    public HostProcess Process => _process ?? throw new InvalidOperationException("not started");

    /// <summary>More command-line settings (a PostgreSQL ledger, a node's broker client id).</summary>
    public IReadOnlyList<string> ExtraArgs { get; set; } = [];

    /// <summary>Runs the server on PostgreSQL at <paramref name="connectionString"/> instead of its SQLite file.</summary>
    public static IReadOnlyList<string> Postgres(string connectionString) =>
        ["--Server:Ledger:Provider=postgres", $"--Server:Ledger:ConnectionString={connectionString}"];

    public async Task StartAsync()
    {
        var args = new List<string>
        {
            $"--Server:Http:Url=http://127.0.0.1:{HttpPort}",
            $"--Server:Ledger:Path={LedgerPath}",
            $"--Server:Broker:Port={MqttPort}",
            "--Server:Broker:Host=127.0.0.1",
        };
        if (External is { } broker)
        {
            args.Add("--Server:Broker:Mode=external");
            args.Add($"--Server:Broker:Username={broker.IngestUser.Id}");
            args.Add($"--Server:Broker:Password={broker.IngestUser.Password}");
        }
        for (var i = 0; i < Gateways.Count; i++)
        {
            args.Add($"--Server:Gateways:{i}:Id={Gateways[i].Id}");
            args.Add($"--Server:Gateways:{i}:Password={Gateways[i].Password}");
        }
        args.AddRange(ExtraArgs);
        if (ApiKey.Length == 0) ApiKey = await AddAdministratorAsync(args);
        _process?.Dispose();
        _process = HostProcess.StartDotnet("server", Loopback.HostDll("server", "GridEdge.Server"), args, _log, DataDirectory);
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException("the server exited during start");
            try
            {
                using var response = await http.GetAsync("/health");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException("the server did not answer /health within 60 s");
    }

    /// <summary>The API key of the administrator the host created with <c>users add</c> before its first start; <see cref="Http"/> sends it.</summary>
    public string ApiKey { get; private set; } = "";

    /// <summary>A client of the server's API signed in as the administrator.</summary>
    public HttpClient Http(TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        return http;
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var http = Http();
        return await http.GetFromJsonAsync<JsonElement>(path);
    }

    /// <summary>The name of that administrator: what the ledgers record for the actions <see cref="Http"/> takes.</summary>
    public string Administrator => $"test-admin-{HttpPort}";

    // The first administrator as a deployment makes one: `users add` against the same ledger settings; its key is the output's last line.
    private async Task<string> AddAdministratorAsync(IReadOnlyList<string> serverArgs)
    {
        Directory.CreateDirectory(DataDirectory);
        var name = Administrator;
        using var command = HostProcess.StartDotnet("users add", Loopback.HostDll("server", "GridEdge.Server"),
            ["users", "add", "--name", name, "--role", "admin", "--api-key", .. serverArgs.Where(a => a.StartsWith("--Server:Ledger:", StringComparison.Ordinal))],
            _log, DataDirectory);
        var status = await command.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var lines = command.Lines.ToList();
        var at = lines.FindIndex(l => l.StartsWith("API key ", StringComparison.Ordinal));
        if (status != 0 || at < 0 || at + 1 >= lines.Count)
            throw new InvalidOperationException($"users add exited {status}: {string.Join(" | ", lines)}");
        return lines[at + 1].Trim();
    }

    /// <summary>Polls a JSON endpoint until <paramref name="done"/> holds (a refused connection counts as not yet), or throws naming <paramref name="what"/> and the last answer.</summary>
    public async Task<JsonElement> WaitForJsonAsync(string path, Func<JsonElement, bool> done, string what, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await GetJsonAsync(path);
                if (done(last)) return last;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200, cancellationToken);
        }
        throw new TimeoutException($"{what}: not within {timeout.TotalSeconds} s; last {path}: {last}");
    }

    public void Kill() => _process?.Kill();

    public void Dispose() => _process?.Dispose();
}

/// <summary>
/// A GridEdge gateway as a real process: its outbox file in a folder the test owns, and its terminal API on a free
/// loopback port of its own (so several gateways in one test never clash). The shipped GridEdge.Edge.dll, or the
/// simulated gateway (GridEdge.Edge.Simulated.dll: the same gateway with Edge:Load and Edge:Simulation) when the test
/// asks for load or simulation.
/// </summary>
public sealed class EdgeHost(string dataDirectory, GatewayAccount account, int brokerPort, Action<string>? log) : IDisposable
{
    private HostProcess? _process;

    public string DataDirectory { get; } = dataDirectory;

    /// <summary>The loopback port of this gateway's terminal API (Edge:Terminals:Url), the same across restarts.</summary>
    public int TerminalPort { get; } = Loopback.FreePort();

    /// <summary>The base address of this gateway's terminal API (enabled by the shipped appsettings.json; add --Edge:Terminals:Enabled=false to turn it off).</summary>
    public Uri TerminalApi => new($"http://127.0.0.1:{TerminalPort}");

    public HostProcess Process => _process ?? throw new InvalidOperationException("not started");

    /// <summary>
    /// The program that runs the shipped gateway and its first arguments, when not <c>dotnet GridEdge.Edge.dll</c>: the
    /// linux-arm64 build under qemu-user, say. The gateway's own arguments follow them.
    /// </summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>
    /// Starts the gateway appending <paramref name="count"/> load readings from sensor <paramref name="sensorId"/>: the
    /// simulated gateway when <paramref name="count"/> is above 0 or <paramref name="extra"/> sets Edge:Load or
    /// Edge:Simulation keys, the shipped one otherwise.
    /// </summary>
    public HostProcess Start(int count, string sensorId, params string[] extra)
    {
        var args = new List<string>
        {
            $"--Edge:GatewayId={account.Id}",
            $"--Edge:DataDirectory={DataDirectory}",
            "--Edge:Broker:Host=127.0.0.1",
            $"--Edge:Broker:Port={brokerPort}",
            $"--Edge:Broker:Username={account.Id}",
            $"--Edge:Broker:Password={account.Password}",
            "--Edge:Uplink:AckTimeoutSeconds=3",
            "--Edge:Uplink:ReconnectBaseSeconds=0.2",
            "--Edge:Uplink:ReconnectCapSeconds=2",
            $"--Edge:Terminals:Url=http://127.0.0.1:{TerminalPort}",
            // The uplink's Debug lines say what each ack removed from the outbox: tests wait on them (Acknowledged).
            "--Serilog:MinimumLevel:Override:GridEdge.Edge.Uplink=Debug",
        };
        var simulated = count > 0 || extra.Any(a => a.StartsWith("--Edge:Load:", StringComparison.OrdinalIgnoreCase) || a.StartsWith("--Edge:Simulation:", StringComparison.OrdinalIgnoreCase));
        if (simulated) args.AddRange([$"--Edge:Load:Count={count}", $"--Edge:Load:SensorId={sensorId}"]);
        args.AddRange(extra);
        _process?.Dispose();
        Directory.CreateDirectory(DataDirectory);
        if (Command is { Count: > 0 } command)
        {
            if (simulated) throw new InvalidOperationException("the simulated gateway runs only as dotnet GridEdge.Edge.Simulated.dll, not as " + command[0]);
            _process = HostProcess.Start($"edge {account.Id}", command[0], [.. command.Skip(1), .. args], log, DataDirectory);
            return _process;
        }
        var dll = simulated ? Loopback.HostDll("simulation/GridEdge.Edge.Simulated", "GridEdge.Edge.Simulated") : Loopback.HostDll("edge", "GridEdge.Edge");
        _process = HostProcess.StartDotnet($"edge {account.Id}", dll, args, log, DataDirectory);
        return _process;
    }

    /// <summary>(seq, sensor, value) of every append the gateway reported as returned.</summary>
    public IEnumerable<(long Seq, string Sensor, double Value)> Appended() =>
        Process.Lines.Where(l => l.StartsWith("APPENDED ", StringComparison.Ordinal)).Select(l =>
        {
            var p = l.Split(' ');
            return (long.Parse(p[2]), p[3], double.Parse(p[4], System.Globalization.CultureInfo.InvariantCulture));
        });

    /// <summary>Records of <paramref name="stream"/> this gateway process removed from its outbox on the server's acks (from its uplink's Debug lines).</summary>
    public long Acknowledged(string stream) => Process.Lines.Where(l => l.EndsWith(" records removed", StringComparison.Ordinal)).Select(l => AckLine.Match(l))
        .Where(m => m.Success && m.Groups["stream"].Value == stream)
        .Sum(m => long.Parse(m.Groups["removed"].Value, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Waits until the server's acks have removed <paramref name="count"/> records of <paramref name="stream"/> from this process's outbox.</summary>
    public Task WaitForAcknowledgedAsync(string stream, long count, TimeSpan timeout) =>
        Eventually.True(() => Acknowledged(stream) >= count, $"{count} {stream} records acknowledged to {account.Id}", timeout);

    private static readonly System.Text.RegularExpressions.Regex AckLine = new(@"Server acknowledged (?<stream>\S+) .*: (?<removed>\d+) records removed");

    public void Dispose() => _process?.Dispose();
}
