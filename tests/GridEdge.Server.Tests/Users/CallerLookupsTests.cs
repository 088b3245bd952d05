using GridEdge.Server.Audit;
using GridEdge.Server.Grid;
using GridEdge.Server.Storage;
using GridEdge.Server.Terminals;
using GridEdge.Server.Tests.Support;
using GridEdge.Server.Users;
using GridEdge.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Server.Tests.Users;

/// <summary>
/// The callers' cache in front of the users ledger: a revocation or change through the same store is seen at once, one
/// made by another node (another store on the same ledger) within the cache's 2 s, and an unknown key is never cached.
/// </summary>
public sealed class CallerLookupsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_revocation_here_is_seen_at_once_and_one_on_another_node_within_the_cache_time()
    {
        using var dir = new TempFolder();
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var db = new SqliteLedgerDatabase(dir.File("ledger.db"));
        await new SchemaMigrator(db, [new UserSchema(), new AuditSchema(), .. GridLedgers.Schemas], time, NullLogger<SchemaMigrator>.Instance).MigrateAsync(Ct);
        var registry = new GridRegistryStore(db);
        var here = new UserStore(db, registry, new AuditLog(db, time), time);
        var otherNode = new UserStore(db, registry, new AuditLog(db, time), time);
        var lookups = new CallerLookups(here, time);
        Assert.NotNull((await here.CreateAsync(new NewUser("li.na", null, Roles.City, null, null), Ct)).User);
        var first = (await here.CreateApiKeyAsync("li.na", Ct))!;
        var second = (await here.CreateApiKeyAsync("li.na", Ct))!;
        var hash1 = TerminalTokens.Hash(first.Key);
        var hash2 = TerminalTokens.Hash(second.Key);

        Assert.Null(await lookups.FindApiKeyAsync(TerminalTokens.Hash("not a key"), Ct));
        Assert.Null((await lookups.FindApiKeyAsync(hash1, Ct))!.Value.Key.RevokedAt);
        Assert.Null((await lookups.FindApiKeyAsync(hash2, Ct))!.Value.Key.RevokedAt);

        // Revoked through the store this node uses: the next lookup reads the ledger again.
        await here.RevokeApiKeyAsync("li.na", first.Id, null, Ct);
        Assert.NotNull((await lookups.FindApiKeyAsync(hash1, Ct))!.Value.Key.RevokedAt);
        Assert.Null((await lookups.FindApiKeyAsync(hash2, Ct))!.Value.Key.RevokedAt);

        // Revoked by another node: the cached answer holds until the cache time has passed, not longer.
        await otherNode.RevokeApiKeyAsync("li.na", second.Id, null, Ct);
        Assert.Null((await lookups.FindApiKeyAsync(hash2, Ct))!.Value.Key.RevokedAt);
        time.Advance(CallerLookups.CacheFor);
        Assert.NotNull((await lookups.FindApiKeyAsync(hash2, Ct))!.Value.Key.RevokedAt);

        // A user disabled here is seen disabled at once.
        Assert.False((await lookups.GetUserAsync("li.na", Ct))!.Disabled);
        await here.ChangeAsync("li.na", new UserChange(Disabled: true), Ct);
        Assert.True((await lookups.GetUserAsync("li.na", Ct))!.Disabled);
    }
}
