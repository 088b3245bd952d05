using GridEdge.Edge.Simulation;
using GridEdge.Edge.Hosting;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GridEdge.Edge.Tests;

public sealed class EdgeHostTests
{
    [Fact(Timeout = 30_000)]
    public async Task An_in_process_gateway_simulates_sensors_and_delivers_their_aggregates_through_the_broker()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await TestBroker.StartAsync(ct);
        using var dir = new TempDirectory();
        using var host = EdgeHost.Build([], new Dictionary<string, string?>
        {
            ["Edge:GatewayId"] = "gw-inproc",
            ["Edge:DataDirectory"] = dir.Path,
            ["Edge:Broker:Port"] = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Edge:Simulation:Enabled"] = "true",
            ["Edge:Simulation:Sensors"] = "2",
            ["Edge:Simulation:SampleIntervalMs"] = "50",
            ["Edge:Simulation:WindowSeconds"] = "1",
        }, SimulatedGateway.Extension);
        await host.StartAsync(ct);
        var outbox = host.Services.GetRequiredService<EdgeOutbox>();
        var uplink = host.Services.GetRequiredService<EdgeUplink>();

        await Eventually.True(() => outbox.Counters.Delivered >= 20, "20 simulated readings delivered", TimeSpan.FromSeconds(15));
        await host.StopAsync(ct);

        Assert.True(uplink.Status.Acks > 0);
        var readings = broker.Batches.SelectMany(b => b.Records).Cast<Reading>().ToList();
        Assert.Contains(readings, r => r.SensorId == "sim-02" && r.Quantity == Quantities.Pm10 && r.Window is { WindowSeconds: 1 });
        Assert.Contains(readings, r => r.Quantity == Quantities.Smoke && r.Unit == "ratio");
        Assert.All(readings, r => Assert.Equal(0, r.Timestamp.Millisecond));
        Assert.True(Directory.GetFiles(Path.Combine(dir.Path, "logs")).Length > 0);
        Assert.Equal(Streams.Readings, broker.Batches.First().Stream);
    }
}
