namespace GridEdge.Testing;

/// <summary>
/// The ledger engine an end-to-end test runs the server on: <c>sqlite</c> (its file, no arguments) or <c>postgres</c> (a
/// private cluster started for the test, stopped on dispose, and the arguments that point the server at it).
/// </summary>
public sealed class ServerLedger : IAsyncDisposable
{
    private readonly PostgresCluster? _cluster;

    private ServerLedger(PostgresCluster? cluster, IReadOnlyList<string> args)
    {
        _cluster = cluster;
        Args = args;
    }

    /// <summary>What to add to the server's command line (<see cref="ServerHost.ExtraArgs"/>).</summary>
    public IReadOnlyList<string> Args { get; }

    /// <summary>The engines the end-to-end tests run on, as theory data.</summary>
    public static readonly string[] Engines = ["sqlite", "postgres"];

    public static async Task<ServerLedger> StartAsync(string engine, Action<string>? log = null)
    {
        if (engine == "sqlite") return new ServerLedger(null, []);
        if (engine != "postgres") throw new ArgumentException($"engine '{engine}': expected sqlite or postgres", nameof(engine));
        var cluster = await PostgresCluster.StartAsync(log: log);
        return new ServerLedger(cluster, ServerHost.Postgres(await cluster.CreateDatabaseAsync("ledger")));
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
