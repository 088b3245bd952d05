using GridEdge.Protocol.Wire;
using GridEdge.Server.Alerts;
using GridEdge.Server.Commands;
using GridEdge.Server.Gateways;
using GridEdge.Server.Readings;
using GridEdge.Server.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Server.Tests.Support;

/// <summary>The gateway ledgers (readings, gateways, alerts, commands) on a fresh, migrated database of either engine.</summary>
public sealed class TestLedger : IAsyncDisposable
{
    private readonly TempFolder? _ownFolder;

    private TestLedger(LedgerDatabase database, TimeProvider time, TempFolder? ownFolder, IEnumerable<StreamTable>? streams = null)
    {
        Database = database;
        _ownFolder = ownFolder;
        Readings = new ReadingStore(database, time);
        Gateways = new GatewayStore(database, streams ?? StreamTables, time);
        Alerts = new AlertStore(database, time);
        Commands = new CommandStore(database, time);
    }

    /// <summary>The tables of the streams these ledgers hold (the grid's are not here).</summary>
    public static readonly StreamTable[] StreamTables =
        [new("readings"), new("alerts", Streams.Alerts), new("command_results", Streams.CommandResults)];

    /// <summary>The grid's stream tables, for a ledger file the grid store shares.</summary>
    public static readonly StreamTable[] GridStreamTables =
        [new("checkins", Streams.CheckIns), new("patrols", Streams.Uploads), new("problems", Streams.Uploads, "seq > 0"), new("attachment_chunks", Streams.Attachments)];

    /// <summary>Every schema of these ledgers.</summary>
    public static ILedgerSchema[] Schemas => [new ReadingSchema(), new GatewaySchema(), new AlertSchema(), new CommandSchema()];

    public LedgerDatabase Database { get; }
    public ReadingStore Readings { get; }
    public GatewayStore Gateways { get; }
    public AlertStore Alerts { get; }
    public CommandStore Commands { get; }

    /// <summary>A migrated ledger of <paramref name="engine"/>: a file in <paramref name="folder"/> (a temp folder of its own when null), or a fresh PostgreSQL database.</summary>
    public static async Task<TestLedger> CreateAsync(LedgerEngine engine, PostgresFixture postgres, TempFolder? folder = null, TimeProvider? time = null)
    {
        var own = folder is null ? new TempFolder() : null;
        var database = await LedgerDatabases.CreateAsync(engine, folder ?? own!, postgres);
        await MigrateAsync(database);
        return new TestLedger(database, time ?? TimeProvider.System, own);
    }

    /// <summary>The ledgers in the SQLite file at <paramref name="path"/>, migrated, counting the grid's streams too (the grid store shares the file).</summary>
    public static TestLedger OpenSqliteWithGrid(string path)
    {
        var database = new SqliteLedgerDatabase(path);
        MigrateAsync(database).GetAwaiter().GetResult();
        return new TestLedger(database, TimeProvider.System, null, StreamTables.Concat(GridStreamTables));
    }

    /// <summary>Applies every schema of these ledgers to <paramref name="database"/>.</summary>
    public static Task MigrateAsync(LedgerDatabase database) =>
        new SchemaMigrator(database, Schemas, TimeProvider.System, NullLogger<SchemaMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        _ownFolder?.Dispose();
    }
}
