using GridEdge.Protocol.Hj212;

namespace GridEdge.Edge.Tests.Monitors;

/// <summary>Runs alone: it measures the process's managed heap, which other tests running beside it would disturb.</summary>
[CollectionDefinition(nameof(Hj212MemoryTests), DisableParallelization = true)]
public sealed class Hj212MemoryCollection;

[Collection(nameof(Hj212MemoryTests))]
public class Hj212MemoryTests
{
    // After the rest of the suite this test once hung at its full collection: a LiteDB transaction abandoned by a full-disk
    // test rolled back on the finalizer thread and failed (LiteTransactions now switches those finalizers off). Each phase
    // is bounded so that a stall names where it happened; the process-wide figure belongs to `GridEdge.Load hj212`.
    [Fact(Timeout = 120_000)]
    public async Task Holding_a_thousand_connections_costs_little_managed_memory_per_connection()
    {
        const int count = 1000;
        await using var f = await ListenerFixture.StartAsync(o =>
        {
            o.MaxConnections = count + 10;
            o.Monitors = [.. Enumerable.Range(0, count).Select(i => new Edge.Monitors.MonitorRegistration { Mn = $"M{i:D5}", Pw = "pw" })];
        });
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var monitors = new List<SimulatedMonitor>();
        try
        {
            var phase = "connect";
            using var stuck = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                for (var i = 0; i < count; i++)
                {
                    phase = $"connect {i}";
                    var m = await SimulatedMonitor.ConnectAsync(f.Endpoint).WaitAsync(stuck.Token);
                    monitors.Add(m);
                    phase = $"send {i}";
                    // A heartbeat asking for an ack: authenticated, contact recorded, nothing stored.
                    await m.SendAsync(Hj212Encoder.Frame(Hj212Encoder.Segment($"20250301080000{i % 1000:D3}", "22", 8013, "pw", $"M{i:D5}", 5, "HeartbeatTime=60"))).WaitAsync(stuck.Token);
                }
                for (var i = 0; i < monitors.Count; i++)
                {
                    phase = $"ack {i}";
                    Assert.NotNull(await monitors[i].ReceiveAsync(TimeSpan.FromSeconds(30)).WaitAsync(stuck.Token));
                }
            }
            catch (OperationCanceledException) when (stuck.IsCancellationRequested)
            {
                Assert.Fail($"stuck at {phase} for 60 s; listener counters {f.Listener.Counters.Snapshot()}; thread pool {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} pending");
            }
            Assert.Equal(count, f.Listener.Counters.Snapshot().ConnectionsOpen);
            var after = GC.GetTotalMemory(forceFullCollection: true);
            // Includes the test's own client sockets (the other end of each connection).
            var perConnection = (after - before) / count;
            TestContext.Current.TestOutputHelper?.WriteLine($"managed memory per held connection, both ends: {perConnection:N0} B");
            Assert.True(perConnection < 16 * 1024, $"{perConnection:N0} B per connection");
        }
        finally
        {
            foreach (var m in monitors) await m.DisposeAsync();
        }
    }
}
