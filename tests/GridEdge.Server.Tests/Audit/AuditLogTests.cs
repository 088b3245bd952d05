using System.Data.Common;
using GridEdge.Server.Audit;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;
using GridEdge.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Server.Tests.Audit;

/// <summary>The audit log on both engines: appended, read back newest first through every filter and the cursor, never changed.</summary>
public sealed class AuditLogTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private async Task<(LedgerDatabase Db, AuditLog Log)> LogAsync(LedgerEngine engine, TempFolder dir, TimeProvider time)
    {
        var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        await new SchemaMigrator(db, [new AuditSchema()], time, NullLogger<SchemaMigrator>.Instance).MigrateAsync(Ct);
        return (db, new AuditLog(db, time));
    }

    private static AuditEntry Entry(string actor, string action, string kind, string id, string? grid) =>
        AuditEntry.For(new AuditActor(actor, "admin", "session"), action, kind, id, grid, new { state = "before" }, new { state = "after" });

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Each_filter_selects_its_entries_newest_first(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        var time = new ManualTimeProvider(Start);
        var (db, log) = await LogAsync(engine, dir, time);
        await using var _ = db;
        var appended = new List<long>();
        foreach (var entry in new[]
        {
            Entry("admin", "user.create", "user", "li.wei", "370102001000"),
            Entry("admin", "user.api-key.create", "api-key", "key-1", "370102001000"),
            Entry("zhang.san", "problem.close", "problem", "7", "370102001001"),
            Entry("zhang.san", "problem.closed-late", "problem", "8", "370102002001"),
            Entry("admin", "gateway.credentials.rotate", "gateway", "gw-1", null),
            Entry("admin", "users.import", "user", "many", "370103000000"),
        })
        {
            appended.Add(await log.AppendAsync(entry, Ct));
            time.Advance(TimeSpan.FromMinutes(1));
        }

        async Task<long[]> Ids(AuditQuery query) => [.. (await log.QueryAsync(query, Ct)).Items.Select(e => e.Id)];
        long[] Pick(params int[] indexes) => [.. indexes.Select(i => appended[i])];

        Assert.Equal(Pick(5, 4, 3, 2, 1, 0), await Ids(new AuditQuery()));
        Assert.Equal(Pick(3, 2), await Ids(new AuditQuery(Actor: "zhang.san")));
        Assert.Equal(Pick(1, 0), await Ids(new AuditQuery(Action: "user")));
        Assert.Equal(Pick(1), await Ids(new AuditQuery(Action: "user.api-key")));
        Assert.Equal(Pick(2), await Ids(new AuditQuery(Action: "problem.close")));
        Assert.Equal(Pick(5, 0), await Ids(new AuditQuery(ObjectKind: "user")));
        Assert.Equal(Pick(4), await Ids(new AuditQuery(ObjectId: "gw-1")));
        Assert.Equal(Pick(3, 2), await Ids(new AuditQuery(From: Start.AddMinutes(2), To: Start.AddMinutes(4))));
        Assert.Equal(Pick(2, 1, 0), await Ids(new AuditQuery(Scope: "370102001000")));
        Assert.Equal(Pick(3, 2, 1, 0), await Ids(new AuditQuery(Scope: "370102000000")));
        Assert.Equal(Pick(5, 3, 2, 1, 0), await Ids(new AuditQuery(Scope: "370100000000")));
        var first = (await log.QueryAsync(new AuditQuery(ObjectId: "li.wei"), Ct)).Items.Single();
        Assert.Equal(("admin", "admin", "session", "user.create", "user", "370102001000", Start),
            (first.Actor, first.Role, first.Via, first.Action, first.ObjectKind, first.Grid, first.At));
        Assert.Equal(("before", "after"), (first.Before!.Value.GetProperty("state").GetString(), first.After!.Value.GetProperty("state").GetString()));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task The_cursor_pages_through_every_entry_once_even_within_one_millisecond(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        var time = new ManualTimeProvider(Start);
        var (db, log) = await LogAsync(engine, dir, time);
        await using var _ = db;
        var appended = new List<long>();
        for (var i = 0; i < 23; i++)
        {
            appended.Add(await log.AppendAsync(Entry("admin", "user.change", "user", $"u{i}", null), Ct));
            // Three entries a millisecond: the cursor must tell them apart by number.
            if (i % 3 == 2) time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await log.QueryAsync(new AuditQuery(Limit: 5, Cursor: cursor), Ct);
            seen.AddRange(page.Items.Select(e => e.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(appended.AsEnumerable().Reverse(), seen);
        Assert.Equal(5, pages);
        await Assert.ThrowsAsync<ArgumentException>(() => log.QueryAsync(new AuditQuery(Cursor: "not-a-cursor"), Ct));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Updating_or_deleting_an_entry_fails_at_the_database(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        var (db, log) = await LogAsync(engine, dir, TimeProvider.System);
        await using var _ = db;
        var id = await log.AppendAsync(Entry("admin", "user.create", "user", "li.wei", "370102001000"), Ct);

        var update = await Assert.ThrowsAnyAsync<DbException>(() => db.WriteAsync((c, t) =>
            Sql.ExecuteAsync(c, t, "UPDATE audit_log SET actor = 'someone else' WHERE id = @id;", Ct, ("@id", id)), Ct));
        var delete = await Assert.ThrowsAnyAsync<DbException>(() => db.WriteAsync((c, t) =>
            Sql.ExecuteAsync(c, t, "DELETE FROM audit_log;", Ct), Ct));
        if (engine == LedgerEngine.Postgres)
        {
            var truncate = await Assert.ThrowsAnyAsync<DbException>(() => db.WriteAsync((c, t) => Sql.ExecuteAsync(c, t, "TRUNCATE audit_log;", Ct), Ct));
            Assert.Contains(AuditSchema.AppendOnly, truncate.Message);
        }

        Assert.Contains(AuditSchema.AppendOnly, update.Message);
        Assert.Contains(AuditSchema.AppendOnly, delete.Message);
        var kept = Assert.Single((await log.QueryAsync(new AuditQuery(), Ct)).Items);
        Assert.Equal((id, "admin"), (kept.Id, kept.Actor));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task An_entry_appended_in_a_transaction_that_fails_is_not_kept(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        var (db, log) = await LogAsync(engine, dir, TimeProvider.System);
        await using var _ = db;

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.WriteAsync(async (c, t) =>
        {
            await log.AppendAsync(c, t, Entry("admin", "user.create", "user", "li.wei", null), Ct);
            throw new InvalidOperationException("the change itself failed");
        }, Ct));
        var kept = await db.WriteAsync((c, t) => log.AppendAsync(c, t, Entry("admin", "user.create", "user", "wang.fang", null), Ct), Ct);

        Assert.Equal([kept], (await log.QueryAsync(new AuditQuery(), Ct)).Items.Select(e => e.Id));
    }

    [Fact(Timeout = 60_000)]
    public async Task Ledger_copy_moves_the_audit_log_into_postgres_and_the_copy_stays_append_only()
    {
        using var dir = new TempFolder();
        await using var source = new SqliteLedgerDatabase(dir.File("pilot.db"));
        await using var target = new PostgresLedgerDatabase(await (await postgres.ClusterAsync()).CreateDatabaseAsync());
        foreach (var db in new LedgerDatabase[] { source, target })
            await new SchemaMigrator(db, [new AuditSchema()], TimeProvider.System, NullLogger<SchemaMigrator>.Instance).MigrateAsync(Ct);
        var pilot = new AuditLog(source);
        for (var i = 0; i < 3; i++) await pilot.AppendAsync(Entry("admin", "user.create", "user", $"u{i}", "370102001000"), Ct);

        var tables = await new LedgerCopy(source, target, [], _ => { }).RunAsync(Ct);
        var copied = new AuditLog(target);
        var next = await copied.AppendAsync(Entry("admin", "user.create", "user", "after-the-copy", null), Ct);

        Assert.True(tables.Single(t => t.Table == "audit_log").Verified);
        Assert.Equal(4, next);
        Assert.Equal(["after-the-copy", "u2", "u1", "u0"], (await copied.QueryAsync(new AuditQuery(), Ct)).Items.Select(e => e.ObjectId));
        await Assert.ThrowsAnyAsync<DbException>(() => target.WriteAsync((c, t) => Sql.ExecuteAsync(c, t, "DELETE FROM audit_log;", Ct), Ct));
    }
}
