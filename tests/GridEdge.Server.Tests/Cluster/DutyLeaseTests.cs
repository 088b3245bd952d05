using GridEdge.Server.Cluster;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;
using GridEdge.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Server.Tests;

public sealed class DutyLeaseTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(6);

    private static async Task<LedgerDatabase> MigratedAsync(LedgerEngine engine, TempFolder dir, PostgresFixture postgres)
    {
        var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        await new SchemaMigrator(db, [new ClusterSchema()], TimeProvider.System, NullLogger<SchemaMigrator>.Instance).MigrateAsync(Ct);
        return db;
    }

    [Theory]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_duty_stays_with_its_holder_while_renewed_and_moves_once_the_lease_expires(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await MigratedAsync(engine, dir, postgres);
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));
        var a = new DutyLeases(db, clock) { NodeId = "node-a" };
        var b = new DutyLeases(db, clock) { NodeId = "node-b" };

        Assert.True(await a.TryHoldAsync("directories", Ttl, Ct));
        Assert.False(await b.TryHoldAsync("directories", Ttl, Ct));
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.True(await a.TryHoldAsync("directories", Ttl, Ct)); // renewed: now good until 10 s
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(await b.TryHoldAsync("directories", Ttl, Ct));

        clock.Advance(TimeSpan.FromSeconds(2)); // a stopped renewing at 4 s: expired at 10 s
        Assert.True(await b.TryHoldAsync("directories", Ttl, Ct));
        Assert.False(await a.TryHoldAsync("directories", Ttl, Ct));
        var lease = Assert.Single(await b.ListAsync(Ct));
        Assert.Equal(("node-b", clock.GetUtcNow()), (lease.Holder, lease.AcquiredAt));
    }

    [Theory]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Nodes_asking_at_once_never_both_win_and_a_released_duty_is_free_at_once(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await MigratedAsync(engine, dir, postgres);
        var nodes = Enumerable.Range(0, 8).Select(i => new DutyLeases(db, TimeProvider.System) { NodeId = $"node-{i}" }).ToList();

        var wins = await Task.WhenAll(nodes.Select(n => n.TryHoldAsync("retention", Ttl, Ct)));

        var winner = nodes[Array.IndexOf(wins, true)];
        Assert.Single(wins, w => w);
        await winner.ReleaseAsync("retention", Ct);
        Assert.True(await nodes.First(n => n != winner).TryHoldAsync("retention", Ttl, Ct));
    }

    private sealed class Probe : ISingletonDuty
    {
        public string Name => "probe";
        public volatile bool Running;
        public int Runs;

        public async Task RunAsync(CancellationToken held)
        {
            Interlocked.Increment(ref Runs);
            Running = true;
            try { await Task.Delay(Timeout.Infinite, held); }
            finally { Running = false; }
        }
    }

    [Fact]
    public async Task A_duty_runs_on_the_node_holding_it_and_stops_when_another_node_takes_the_lease()
    {
        await using var db = await MigratedAsync(LedgerEngine.Postgres, new TempFolder(), postgres);
        var leases = new DutyLeases(db, TimeProvider.System) { NodeId = "node-a" };
        var probe = new Probe();
        using var duties = new SingletonDuties(leases, [probe], new HeldDuties(), TimeProvider.System, NullLogger<SingletonDuties>.Instance);

        await duties.StartAsync(Ct);
        await Eventually.True(() => probe.Running && duties.Holds("probe"), "node-a runs the duty it holds");

        // node-a's lease expires as if it had stalled, and node-b takes the duty: node-a's next renewal fails and it stops.
        await db.WriteAsync((c, t) => Sql.ExecuteAsync(c, t, "UPDATE duty_leases SET expires_at = 0 WHERE duty = 'probe';", Ct), Ct);
        Assert.True(await new DutyLeases(db, TimeProvider.System) { NodeId = "node-b" }.TryHoldAsync("probe", TimeSpan.FromMinutes(5), Ct));
        await Eventually.True(() => !probe.Running && !duties.Holds("probe"), "node-a stops the duty it lost");

        await duties.StopAsync(Ct);
        Assert.Equal(1, probe.Runs);
    }
}
