using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;
using GridEdge.Testing;

[assembly: AssemblyFixture(typeof(GridEdge.Server.Tests.PostgresFixture))]

namespace GridEdge.Server.Tests;

/// <summary>One private PostgreSQL cluster for the whole test assembly, started on first use and stopped at the end.</summary>
public sealed class PostgresFixture : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PostgresCluster? _cluster;

    /// <summary>The cluster, started by the first test that needs it.</summary>
    public async Task<PostgresCluster> ClusterAsync()
    {
        await _gate.WaitAsync();
        try { return _cluster ??= await PostgresCluster.StartAsync(); }
        finally { _gate.Release(); }
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}

/// <summary>A fresh ledger database on either engine, for tests that must pass on both (the store contract).</summary>
public static class LedgerDatabases
{
    /// <summary>The engines every store contract test runs on.</summary>
    public static TheoryData<LedgerEngine> Engines => [LedgerEngine.Sqlite, LedgerEngine.Postgres];

    /// <summary>An empty database of <paramref name="engine"/>: a file in <paramref name="dir"/>, or a database of its own in the fixture's cluster.</summary>
    public static async Task<LedgerDatabase> CreateAsync(LedgerEngine engine, TempFolder dir, PostgresFixture postgres) =>
        engine == LedgerEngine.Postgres
            ? new PostgresLedgerDatabase(await (await postgres.ClusterAsync()).CreateDatabaseAsync())
            : new SqliteLedgerDatabase(dir.File("ledger.db"));
}
