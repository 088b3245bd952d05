using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridEdge.Protocol.Hj212;

namespace GridEdge.Server.Demo;

/// <summary>
/// A simulated HJ 212-2017 dust monitor for the demo: connects to one demo gateway's listener on loopback and sends
/// minute data (CN 2051: PM2.5, PM10, TSP, noise, temperature, humidity, pressure, wind) every few seconds, asking for a
/// 9014 acknowledgement each time.
/// </summary>
internal sealed class DemoMonitor(string mn, string pw, int port, ILogger log) : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stop = new();
    private readonly Random _random = new();
    private Task? _loop;
    private double _pm25 = 35;

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
                    await stream.WriteAsync(NextFrame(DateTimeOffset.UtcNow), stop);
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    wait.CancelAfter(TimeSpan.FromSeconds(10));
                    if (await stream.ReadAsync(reply, wait.Token) == 0) break;
                    await Task.Delay(Interval, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                log.LogDebug("Demo monitor {Mn} lost its connection to port {Port}: {Error}", Mn, Port, e.Message);
            }
            try { await Task.Delay(Interval, stop); }
            catch (OperationCanceledException) { return; }
        }
    }

    private byte[] NextFrame(DateTimeOffset now)
    {
        var local = now.ToOffset(Hj212MonitorProfile.ChinaStandardTime);
        _pm25 = Math.Clamp(_pm25 + (_random.NextDouble() - 0.5) * 6, 5, 250);
        var pm10 = _pm25 * 1.7;
        string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        string Avg(string code, double avg, double spread) => $"{code}-Avg={F(avg)},{code}-Min={F(avg - spread)},{code}-Max={F(avg + spread)},{code}-Flag=N";
        var cp = string.Join(';',
            $"DataTime={local:yyyyMMddHHmm}00",
            Avg("a34004", _pm25, 3), Avg("a34002", pm10, 5), Avg("a34001", pm10 * 1.4, 8),
            Avg("LA", 52 + _random.NextDouble() * 8, 4), Avg("a01001", 12 + _random.NextDouble() * 2, 0.3),
            Avg("a01002", 45 + _random.NextDouble() * 5, 1), Avg("a01006", 101.2, 0.1), Avg("a01007", 2 + _random.NextDouble(), 0.5), Avg("a01008", 200 + _random.NextDouble() * 40, 10));
        return Hj212Encoder.Frame(Hj212Encoder.Segment(local.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture), "22", Hj212Commands.MinuteData, Pw, Mn, 5, cp));
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
