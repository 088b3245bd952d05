using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Commands;
using GridEdge.Server.Readings;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;

namespace GridEdge.Server.Tests.Ledgers;

/// <summary>What the ledgers must do on both engines beyond single requests: concurrent writers, retention, configuration serials, adoption.</summary>
public sealed class LedgerEngineTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One reading a day from <paramref name="from"/>, seq 1.., for <paramref name="days"/> days.</summary>
    private static Batch Daily(string gateway, DateTimeOffset from, int days, long firstSeq = 1) =>
        new(gateway, Streams.Readings, firstSeq,
            Enumerable.Range(0, days).Select(d => (GridEdge.Protocol.Records.Record)Reading.Instant("pms-1", Quantities.Pm10, d, from.AddDays(d), ClockQuality.NetworkSynced)).ToList());

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Two_writers_committing_the_same_batch_at_once_store_its_records_once(LedgerEngine engine)
    {
        await using var ledger = await TestLedger.CreateAsync(engine, postgres);
        var other = new ReadingStore(ledger.Database, TimeProvider.System); // a second node's store on the same ledger

        for (var round = 0; round < 6; round++)
        {
            // Each round spans two months no batch has met yet, so both writers also meet the new partitions at once.
            var batch = Daily($"gw-{round}", new DateTimeOffset(2024, 1 + round * 2, 20, 0, 0, 0, TimeSpan.Zero), 20);
            using var start = new ManualResetEventSlim();
            var first = Task.Run(() => { start.Wait(Ct); return ledger.Readings.CommitBatchAsync(batch, Ct); }, Ct);
            var second = Task.Run(() => { start.Wait(Ct); return other.CommitBatchAsync(batch, Ct); }, Ct);
            start.Set();
            var results = await Task.WhenAll(first, second);

            Assert.Equal(20, results.Sum(r => r.New));
            Assert.All(results, r => Assert.Equal((new SeqRange(1, 20), 20), (r.Committed, r.New + r.Duplicates)));
            Assert.Equal(20, await ledger.Readings.CountReadingsAsync(new ReadingQuery(Gateway: batch.GatewayId), Ct));
        }
        Assert.Empty(await ledger.Gateways.GetGapsAsync("gw-5", Streams.Readings, Ct));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Retention_removes_the_readings_of_months_before_the_kept_ones_and_a_late_reading_of_such_a_month_is_stored_again(LedgerEngine engine)
    {
        await using var ledger = await TestLedger.CreateAsync(engine, postgres);
        // 1 Jan .. 30 Apr 2025: 31 + 28 + 31 + 30 readings.
        await ledger.Readings.CommitBatchAsync(Daily("gw-a", new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero), 120), Ct);
        var now = new DateTimeOffset(2025, 4, 15, 9, 0, 0, TimeSpan.Zero);

        Assert.Equal(new ReadingRetention(null, 0, 0), await ledger.Readings.ApplyRetentionAsync(now, 0, Ct));
        var pass = await ledger.Readings.ApplyRetentionAsync(now, 2, Ct); // keeps February, March, April

        var before = new DateTimeOffset(2025, 2, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(before, pass.Before);
        Assert.Equal(engine == LedgerEngine.Postgres ? (1, 0L) : (0, 31L), (pass.PartitionsDropped, pass.RowsDeleted));
        Assert.Equal(28 + 31 + 30, await ledger.Readings.CountReadingsAsync(new ReadingQuery(), Ct));
        Assert.Equal(0, await ledger.Readings.CountReadingsAsync(new ReadingQuery(To: before), Ct));
        Assert.Equal(new ReadingRetention(before, 0, 0), await ledger.Readings.ApplyRetentionAsync(now, 2, Ct)); // nothing left to remove

        var late = await ledger.Readings.CommitBatchAsync(Daily("gw-a", new DateTimeOffset(2025, 1, 5, 0, 0, 0, TimeSpan.Zero), 1, firstSeq: 500), Ct);
        Assert.Equal(1, late.New);
        Assert.Equal(1, await ledger.Readings.CountReadingsAsync(new ReadingQuery(To: before), Ct));
    }

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Configurations_get_serials_one_after_another_and_show_the_answer_to_their_version(LedgerEngine engine)
    {
        await using var ledger = await TestLedger.CreateAsync(engine, postgres);

        var first = await ledger.Commands.RecordConfigAsync("gw-a", n => $"rules-{n}", "{}", Samples.T0, Ct);
        var sent = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ledger.Commands.RecordConfigAsync("gw-a", n => $"rules-{n}", "{\"dust\":[]}", Samples.T0, Ct)));
        await ledger.Commands.CommitCommandResultsAsync(new Batch("gw-a", Streams.CommandResults, 1,
            [new CommandResult("rules-5", "config", CommandOutcome.Ok, "applied", Samples.T0.AddSeconds(3), ClockQuality.NetworkSynced)]), Ct);

        Assert.Equal((1L, "rules-1"), (first.Serial, first.Version));
        Assert.Equal([2L, 3, 4, 5], sent.Select(s => s.Serial).Order());
        var config = await ledger.Commands.GetConfigAsync("gw-a", Ct);
        Assert.Equal((5L, "rules-5", "{\"dust\":[]}", CommandOutcome.Ok), (config!.Serial, config.Version, config.AlertRules, config.Result!.Outcome));
        Assert.Null(await ledger.Commands.GetConfigAsync("gw-b", Ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_ledger_file_of_the_previous_server_is_adopted_with_its_rows()
    {
        using var folder = new TempFolder();
        var path = folder.File("ledger.db");
        await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await old.OpenAsync(Ct);
            await using var create = old.CreateCommand();
            // As the previous server made it: no schema_migrations, the tables as they were.
            create.CommandText = """
                CREATE TABLE readings (gateway TEXT NOT NULL, stream TEXT NOT NULL, seq INTEGER NOT NULL, sensor_id TEXT NOT NULL, quantity TEXT NOT NULL,
                    unit TEXT NOT NULL, value REAL NOT NULL, min REAL, avg REAL, max REAL, count INTEGER, window_seconds INTEGER, flag INTEGER NOT NULL,
                    ts INTEGER NOT NULL, clock INTEGER NOT NULL, received_at INTEGER NOT NULL, PRIMARY KEY (gateway, stream, seq)) WITHOUT ROWID;
                INSERT INTO readings VALUES ('gw-a', 'readings', 1, 'pms-1', 'pm10', 'µg/m³', 42.5, NULL, NULL, NULL, NULL, NULL, 0, 1740816000000, 1, 1740816000500);
                CREATE TABLE gateways (id TEXT NOT NULL PRIMARY KEY, online INTEGER NOT NULL DEFAULT 0, last_seen INTEGER, software_version TEXT,
                    config_version TEXT, boot_id TEXT, status_at INTEGER) WITHOUT ROWID;
                INSERT INTO gateways (id, online, last_seen) VALUES ('gw-a', 1, 1740816000500);
                """;
            await create.ExecuteNonQueryAsync(Ct);
        }
        await using var database = new SqliteLedgerDatabase(path);
        await TestLedger.MigrateAsync(database);
        var readings = new ReadingStore(database, TimeProvider.System);

        var stored = Assert.Single((await readings.QueryReadingsAsync(new ReadingQuery(), Ct)).Items);
        Assert.Equal(("gw-a", 1L, 42.5), (stored.Gateway, stored.Seq, stored.Value));
        Assert.Equal((0, 1), ((await readings.CommitBatchAsync(Samples.Readings("gw-a", 1, 1), Ct)).New, 1));
        var versions = await new SchemaMigrator(database, TestLedger.Schemas, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SchemaMigrator>.Instance).VersionsAsync(Ct);
        // Adopted at version 1, then migrated to the latest.
        Assert.All(TestLedger.Schemas, s => Assert.Equal(s.Migrations[^1].Version, versions[s.Ledger]));
    }

    [Fact(Timeout = 30_000)]
    public async Task The_sqlite_ledger_file_is_in_wal_mode_and_survives_reopening()
    {
        using var folder = new TempFolder();
        await using (var ledger = await TestLedger.CreateAsync(LedgerEngine.Sqlite, postgres, folder))
            await ledger.Readings.CommitBatchAsync(Samples.Readings("gw-a", 1, 5), Ct);

        await using var reopened = await TestLedger.CreateAsync(LedgerEngine.Sqlite, postgres, folder);
        Assert.Equal(5, await reopened.Readings.CountReadingsAsync(new ReadingQuery(), Ct));
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={folder.File("ledger.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string)command.ExecuteScalar()!);
    }
}
