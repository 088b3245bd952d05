using System.Net.Http.Json;
using System.Text.Json;
using GridEdge.Testing;

namespace GridEdge.Faults.Rig;

/// <summary>
/// A real server on loopback with one village, <c>n</c> members and their terminals registered (tokens issued), and the
/// gateway account that serves them; the gateways a mode starts get the arguments that make them fault targets.
/// </summary>
public sealed class FaultGrid : IDisposable
{
    private FaultGrid(TempDirectory dir, ServerHost server, GatewayAccount gateway, string[] tokens, Action<string> log)
    {
        Directory = dir;
        Server = server;
        Gateway = gateway;
        Tokens = tokens;
        Log = log;
    }

    public TempDirectory Directory { get; }
    public ServerHost Server { get; }
    public GatewayAccount Gateway { get; }
    public IReadOnlyList<string> Tokens { get; }
    public Action<string> Log { get; }
    public LedgerReader Ledger => new(Server.LedgerPath);

    public static string TerminalId(int i) => $"t-{i + 1:D3}";
    public static string MemberId(int i) => $"m-{i + 1:D3}";

    /// <summary>Starts the server with <paramref name="extraGateways"/> known besides the fault target, and registers the grid and terminals.</summary>
    public static async Task<FaultGrid> StartAsync(string name, int terminals, Action<string> log, params GatewayAccount[] extraGateways)
    {
        var dir = new TempDirectory("faults-" + name);
        var gateway = new GatewayAccount("gw-fault-1", "pw-" + Guid.NewGuid().ToString("N")[..12]);
        var server = new ServerHost(dir.File("server"), [gateway, .. extraGateways], log);
        System.IO.Directory.CreateDirectory(server.DataDirectory);
        try
        {
            await server.StartAsync();
            using var api = server.Http(TimeSpan.FromSeconds(30));
            var members = Enumerable.Range(0, terminals).Select(i => new { id = MemberId(i), name = $"member {i + 1}", grid = OneVillageGrid.Village }).ToArray();
            (await api.PutAsJsonAsync("/api/grids", OneVillageGrid.Document(gateway.Id, members))).EnsureSuccessStatusCode();
            var tokens = new string[terminals];
            for (var i = 0; i < terminals; i++)
            {
                using var issued = await api.PostAsJsonAsync("/api/terminals", new { id = TerminalId(i), member = MemberId(i) });
                issued.EnsureSuccessStatusCode();
                tokens[i] = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            }
            return new FaultGrid(dir, server, gateway, tokens, log);
        }
        catch
        {
            server.Dispose();
            dir.Dispose();
            throw;
        }
    }

    /// <summary>A gateway for this grid, its data in <paramref name="dataDirectory"/> (default: a folder of the run).</summary>
    public EdgeHost NewEdge(string? dataDirectory = null) => new(dataDirectory ?? Directory.File("edge"), Gateway, Server.MqttPort, Log);

    /// <summary>
    /// The gateway's arguments in every mode: warnings only (a fault run makes many), the per-terminal request rate lifted
    /// (the simulated terminals post as fast as they are answered), and an HJ 212 listener with one registered monitor.
    /// </summary>
    public static string[] EdgeArguments(int hj212Port, params string[] extra) =>
    [
        "--Serilog:MinimumLevel:Default=Warning",
        "--Edge:Terminals:RequestsPerMinute=1000000",
        "--Edge:Terminals:RequestBurst=1000000",
        "--Edge:Hj212:Host=127.0.0.1",
        $"--Edge:Hj212:Port={hj212Port}",
        $"--Edge:Hj212:Monitors:0:Mn={SimulatedMonitor.Mn}",
        $"--Edge:Hj212:Monitors:0:Pw={SimulatedMonitor.Pw}",
        .. extra,
    ];

    /// <summary>Waits until the server reports the gateway applied its terminal directory (so its terminals are known there).</summary>
    public Task WaitForDirectoryAsync() => Server.WaitForJsonAsync($"/api/gateways/{Gateway.Id}/terminal-directory",
        d => d.GetProperty("upToDate").GetBoolean(), "the gateway applying its terminal directory", TimeSpan.FromSeconds(90));

    /// <summary>Waits until the gateway's terminal API answers GET /api/v1/status, or throws when the process exits.</summary>
    public static async Task WaitForTerminalApiAsync(EdgeHost edge, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = edge.TerminalApi, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (edge.Process.HasExited) throw new InvalidOperationException("the gateway exited during start");
            try
            {
                using var response = await http.GetAsync("/api/v1/status");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the gateway's terminal API did not answer within {timeout.TotalSeconds} s");
    }

    /// <summary>Whether the gateway's GET /api/v1/status answers 200 within <paramref name="timeout"/>.</summary>
    public static async Task<bool> StatusAnswersAsync(EdgeHost edge, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = edge.TerminalApi, Timeout = timeout };
        try
        {
            using var response = await http.GetAsync("/api/v1/status");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException) { return false; }
        catch (TaskCanceledException) { return false; }
    }

    public void Dispose()
    {
        Server.Dispose();
        Directory.Dispose();
    }
}
