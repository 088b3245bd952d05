using System.Data.Common;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Server.Tests;

public sealed class SchemaMigratorTests(PostgresFixture postgres)
{
    private sealed class Notes(params Migration[] steps) : ILedgerSchema
    {
        public string Ledger => "notes";
        public IReadOnlyList<Migration> Migrations => steps;
    }

    private static readonly Migration V1 = new(1, "notes table",
        "CREATE TABLE IF NOT EXISTS notes (id INTEGER NOT NULL PRIMARY KEY, text TEXT NOT NULL);",
        "CREATE TABLE IF NOT EXISTS notes (id BIGINT NOT NULL PRIMARY KEY, text TEXT NOT NULL);");

    private static readonly Migration V2 = new(2, "notes.author", "ALTER TABLE notes ADD COLUMN author TEXT;", "ALTER TABLE notes ADD COLUMN author TEXT;");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SchemaMigrator Migrator(LedgerDatabase db, params Migration[] steps) =>
        new(db, [new Notes(steps)], TimeProvider.System, NullLogger<SchemaMigrator>.Instance);

    [Theory]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Steps_apply_once_in_order_and_a_later_step_upgrades_a_ledger_keeping_its_rows(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);

        Assert.Equal([("notes", 1, "notes table")], await Migrator(db, V1).MigrateAsync(Ct));
        await db.WriteAsync((c, t) => Sql.ExecuteAsync(c, t, "INSERT INTO notes (id, text) VALUES (@id, @text);", Ct, ("@id", 1L), ("@text", "网格长 checked")), Ct);
        Assert.Empty(await Migrator(db, V1).MigrateAsync(Ct));

        Assert.Equal([("notes", 2, "notes.author")], await Migrator(db, V1, V2).MigrateAsync(Ct));

        var row = await db.ReadAsync(c => Sql.ListAsync(c, null, "SELECT text, author FROM notes;", r => (r.GetString(0), Sql.Str(r, 1)), Ct), Ct);
        Assert.Equal([("网格长 checked", (string?)null)], row);
        Assert.Equal(2, (await Migrator(db, V1, V2).VersionsAsync(Ct))["notes"]);
    }

    [Theory]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_ledger_newer_than_the_server_is_refused_naming_both_versions_and_left_untouched(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        await Migrator(db, V1, V2).MigrateAsync(Ct);

        var e = await Assert.ThrowsAsync<LedgerSchemaTooNewException>(() => Migrator(db, V1).MigrateAsync(Ct));

        Assert.Contains("schema version 2 of 'notes'", e.Message);
        Assert.Contains("(version 1)", e.Message);
        Assert.Equal(2, (await Migrator(db, V1, V2).VersionsAsync(Ct))["notes"]);
    }

    [Theory]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_failing_step_leaves_the_ledger_at_its_previous_version(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        await using var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        await Migrator(db, V1).MigrateAsync(Ct);
        var broken = new Migration(2, "broken", "ALTER TABLE no_such_table ADD COLUMN x TEXT;", "ALTER TABLE no_such_table ADD COLUMN x TEXT;");

        await Assert.ThrowsAnyAsync<DbException>(() => Migrator(db, V1, broken).MigrateAsync(Ct));

        Assert.Equal(1, (await Migrator(db, V1).VersionsAsync(Ct))["notes"]);
    }

    [Fact]
    public async Task Two_nodes_starting_together_on_postgres_apply_each_step_once()
    {
        await using var a = new PostgresLedgerDatabase(await (await postgres.ClusterAsync()).CreateDatabaseAsync());
        var applied = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Migrator(a, V1, V2).MigrateAsync(Ct)));

        Assert.Equal(2, applied.Sum(x => x.Count));
        Assert.Equal(2, (await Migrator(a, V1, V2).VersionsAsync(Ct))["notes"]);
    }
}
