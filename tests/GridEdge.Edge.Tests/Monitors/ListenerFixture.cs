using System.Net;
using GridEdge.Edge.Alerts;
using GridEdge.Edge.Monitors;
using GridEdge.Edge.Time;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Tests.Monitors;

/// <summary>The real listener on a free loopback port with a real outbox in a temp folder.</summary>
internal sealed class ListenerFixture : IAsyncDisposable
{
    public const string Mn = "GE0001DUST00000000000001";
    public const string Pw = "s3cret";

    private readonly TempDirectory? _ownFolder;
    private readonly CancellationTokenSource _stop = new();

    private ListenerFixture(Hj212Options options, GatewayClock clock, TimeProvider time, string? dataDirectory, AlertEngine? alerts, long? outboxQuotaBytes)
    {
        Options = options;
        Clock = clock;
        _ownFolder = dataDirectory is null ? new TempDirectory() : null;
        Outbox = TestData.Open(dataDirectory ?? _ownFolder!.Path, s => s with { QuotaBytes = outboxQuotaBytes });
        Directory = new MonitorDirectory(Microsoft.Extensions.Options.Options.Create(options));
        Listener = new Hj212Listener(Microsoft.Extensions.Options.Options.Create(options), Directory, Outbox, clock, NullLogger<Hj212Listener>.Instance, alerts, time);
    }

    public Hj212Options Options { get; }
    public GatewayClock Clock { get; }
    public EdgeOutbox Outbox { get; }
    public MonitorDirectory Directory { get; }
    public Hj212Listener Listener { get; }
    public IPEndPoint Endpoint { get; private set; } = null!;

    /// <summary>Starts a listener; with <paramref name="dataDirectory"/> over an existing gateway's outbox (a restart, the folder is left in place), else in a new temp folder.</summary>
    /// <param name="time">The clock of the connections' timeouts (and of the gateway clock when none is given); the system clock when null.</param>
    public static async Task<ListenerFixture> StartAsync(Action<Hj212Options>? tune = null, GatewayClock? clock = null, TimeProvider? time = null, string? dataDirectory = null, AlertEngine? alerts = null,
        long? outboxQuotaBytes = null)
    {
        var options = new Hj212Options
        {
            Host = "127.0.0.1",
            Port = 0,
            Monitors = [new MonitorRegistration { Mn = Mn, Pw = Pw, Station = "site 3" }, new MonitorRegistration { Mn = "GE0002", Pw = "other" }],
        };
        tune?.Invoke(options);
        time ??= TimeProvider.System;
        var fixture = new ListenerFixture(options, clock ?? new GatewayClock(time, Guid.NewGuid()), time, dataDirectory, alerts, outboxQuotaBytes);
        await fixture.Listener.StartAsync(fixture._stop.Token);
        fixture.Endpoint = await fixture.Listener.Listening.WaitAsync(TimeSpan.FromSeconds(10));
        return fixture;
    }

    public IReadOnlyList<Reading> Stored() =>
        Outbox.ReadPending(Streams.Readings, 0, 10_000, 64 * 1024 * 1024).Select(e => (Reading)e.Record).ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Listener.StopAsync(CancellationToken.None);
        Listener.Dispose();
        Outbox.Dispose();
        _ownFolder?.Dispose();
        _stop.Dispose();
    }
}
