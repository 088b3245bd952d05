using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GridEdge.Demo;

/// <summary>
/// A simulated HJ 212-2017 dust monitor for the demo: connects to one demo gateway's listener on loopback, measures every
/// few seconds, and once a minute sends the minute just finished as minute data (CN 2051: PM2.5, PM10, TSP, noise,
/// temperature, humidity, pressure, wind; min, average and max of that minute's samples), asking for a 9014
/// acknowledgement; a minute not acknowledged is sent again on the next connection, as a real monitor does.
/// </summary>
internal sealed class DemoMonitor(string mn, string pw, int port, ILogger log, TimeProvider? timeProvider = null) : IAsyncDisposable
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(5);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly CancellationTokenSource _stop = new();
    private readonly DemoMonitorMinutes _minutes = new(mn, pw, new Random());
    private Task? _loop;
    private byte[]? _unsent;

    public string Mn { get; } = mn;
    public string Pw { get; } = pw;
    public int Port { get; } = port;

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var client = new TcpClient { NoDelay = true };
                await client.ConnectAsync(IPAddress.Loopback, Port, stop);
                var stream = client.GetStream();
                var reply = new byte[512];
                while (!stop.IsCancellationRequested)
                {
                    _unsent = _minutes.Sample(_time.GetUtcNow()) ?? _unsent;
                    if (_unsent is { } frame)
                    {
                        await stream.WriteAsync(frame, stop);
                        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
                        wait.CancelAfter(TimeSpan.FromSeconds(10));
                        if (await stream.ReadAsync(reply, wait.Token) == 0) break;
                        _unsent = null;
                    }
                    await Task.Delay(SampleInterval, _time, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                log.LogDebug("Demo monitor {Mn} lost its connection to port {Port}: {Error}", Mn, Port, e.Message);
            }
            try { await Task.Delay(SampleInterval, _time, stop); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    /// <summary>A free loopback port for a gateway's HJ 212 listener.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static readonly SemaphoreSlim DemoFileLock = new(1, 1);

    /// <summary>
    /// Puts <c>"hj212": {"port": N, "monitors": [{"mn": ..., "pw": ...}]}</c> into the gateway's entry of data/demo.json
    /// (creating the file, the gateways list or the entry if missing; every other key is kept).
    /// </summary>
    public static Task WriteDemoFileAsync(string path, string gatewayId, int port, IEnumerable<(string Mn, string Pw)> monitors, CancellationToken ct) =>
        UpdateDemoFileAsync(path, root =>
        {
            if (root["gateways"] is not JsonArray gateways) root["gateways"] = gateways = [];
            var entry = gateways.OfType<JsonObject>().FirstOrDefault(g => g["id"]?.GetValue<string>() == gatewayId);
            if (entry is null) gateways.Add(entry = new JsonObject { ["id"] = gatewayId });
            entry["hj212"] = new JsonObject
            {
                ["port"] = port,
                ["monitors"] = new JsonArray(monitors.Select(m => (JsonNode)new JsonObject { ["mn"] = m.Mn, ["pw"] = m.Pw }).ToArray()),
            };
        }, ct);

    /// <summary>Reads data/demo.json (or starts an empty one), lets <paramref name="update"/> change it, and replaces the file whole.</summary>
    public static async Task UpdateDemoFileAsync(string path, Action<JsonObject> update, CancellationToken ct)
    {
        await DemoFileLock.WaitAsync(ct);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            JsonObject root;
            try { root = File.Exists(path) ? JsonNode.Parse(await File.ReadAllTextAsync(path, ct)) as JsonObject ?? [] : []; }
            catch (JsonException) { root = []; }
            update(root);
            var temp = path + ".tmp";
            await File.WriteAllTextAsync(temp, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            DemoFileLock.Release();
        }
    }
}
