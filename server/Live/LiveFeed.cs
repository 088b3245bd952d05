using System.Threading.Channels;
using GridEdge.Protocol.Diagnostics;
using GridEdge.Server.Alerts;
using GridEdge.Server.Commands;
using GridEdge.Server.Gateways;

namespace GridEdge.Server.Live;

/// <summary>
/// What reached the ledger, for the console's live pages: once a second while anyone listens, the alert transitions and
/// gateways' answers that arrived since the last look, and the gateways whose state changed. It reads the shared
/// ledger, so a record ingested by any node reaches the listeners of every node. Listeners that fall behind lose their
/// oldest events (the page reloads its lists when it reconnects), never the node's memory.
/// </summary>
public sealed class LiveFeed(IAlertStore alerts, ICommandStore commands, IGatewayStore gateways, TimeProvider time, ILogger<LiveFeed> log) : BackgroundService
{
    /// <summary>How often the ledger is read while anyone listens.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    /// <summary>How far back each look reaches again: arrivals stamped by another node's clock may land a little in the past.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5);
    private const int PerLook = 500, Buffered = 256;

    private readonly Lock _gate = new();
    private readonly List<Channel<LiveEvent>> _listeners = [];
    private readonly HashSet<(string Kind, string Gateway, long Seq)> _seen = [];
    private readonly Queue<((string, string, long) Key, long At)> _seenOrder = new();
    private readonly Dictionary<string, LiveGateway> _gateways = new(StringComparer.Ordinal);
    private readonly LogThrottle _throttle = new(TimeSpan.FromMinutes(1), time);
    private long _since = time.GetUtcNow().ToUnixTimeMilliseconds();
    private bool _gatewaysKnown;

    /// <summary>Listeners now.</summary>
    public int Listeners { get { lock (_gate) return _listeners.Count; } }

    /// <summary>A new listener: the events from now on, until it is disposed.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(Buffered) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate) _listeners.Add(channel);
        return new Subscription(channel.Reader, () => { lock (_gate) _listeners.Remove(channel); });
    }

    /// <summary>One listener's events; dispose to stop listening.</summary>
    public sealed class Subscription(ChannelReader<LiveEvent> reader, Action stop) : IDisposable
    {
        public ChannelReader<LiveEvent> Events => reader;
        public void Dispose() => stop();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await NextTickAsync(timer, stoppingToken))
        {
            if (Listeners == 0)
            {
                // Nobody listens: start from now when someone does, and know the gateways afresh.
                _since = time.GetUtcNow().ToUnixTimeMilliseconds();
                _gatewaysKnown = false;
                continue;
            }
            try { await LookAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (_throttle.ShouldLog("look", out var count))
                    log.LogWarning(e, "Live feed could not read the ledger ({Count} times since the last line); it tries again in {Interval}", count, Interval);
            }
        }
    }

    // False once the host stops (also when it is disposed without being stopped).
    private static async ValueTask<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try { return await timer.WaitForNextTickAsync(stoppingToken); }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>One look at the ledger: publishes what arrived or changed since the last one.</summary>
    public async Task LookAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var from = _since - (long)Overlap.TotalMilliseconds;
        var events = new List<LiveEvent>();
        foreach (var a in await alerts.ArrivedSinceAsync(from, PerLook, cancellationToken))
            if (Fresh(("alert", a.Gateway, a.Seq), now))
                events.Add(new LiveEvent("alert", a.Gateway, new LiveAlert(a.Gateway, a.AlertId, a.Seq, Snake(a.State), Snake(a.Severity), Snake(a.Kind), a.Timestamp,
                    DateTimeOffset.FromUnixTimeMilliseconds(a.ReceivedAtMs))));
        foreach (var r in await commands.ResultsSinceAsync(from, PerLook, cancellationToken))
            if (Fresh(("command", r.Gateway, r.Seq), now))
                events.Add(new LiveEvent("command", r.Gateway, new LiveCommandResult(r.Gateway, r.Result.CommandId, r.Result.Name, Snake(r.Result.Outcome), r.Result.Detail,
                    r.Result.ReceivedAt)));
        foreach (var g in await gateways.GetGatewayStatesAsync(cancellationToken))
        {
            var state = new LiveGateway(g.Id, g.Online, g.LastSeen, g.ConfigVersion, g.StatusAt);
            var changed = !_gateways.TryGetValue(g.Id, out var before) || before.Online != state.Online || before.ConfigVersion != state.ConfigVersion
                || before.StatusAt != state.StatusAt;
            _gateways[g.Id] = state;
            if (changed && _gatewaysKnown) events.Add(new LiveEvent("gateway", g.Id, state));
        }
        _gatewaysKnown = true;
        _since = now;
        if (events.Count == 0) return;
        List<Channel<LiveEvent>> listeners;
        lock (_gate) listeners = [.. _listeners];
        foreach (var channel in listeners)
            foreach (var e in events)
                channel.Writer.TryWrite(e);
    }

    // Each arrival once, though looks overlap; what fell out of the overlap window is forgotten.
    private bool Fresh((string, string, long) key, long now)
    {
        while (_seenOrder.TryPeek(out var oldest) && now - oldest.At > 2 * Overlap.TotalMilliseconds)
            _seen.Remove(_seenOrder.Dequeue().Key);
        if (!_seen.Add(key)) return false;
        _seenOrder.Enqueue((key, now));
        return true;
    }

    private static string Snake<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
