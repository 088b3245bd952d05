using GridEdge.Server.Audit;
using GridEdge.Server.Grid;
using GridEdge.Server.Storage;
using GridEdge.Server.Terminals;
using GridEdge.Server.Tests.Support;
using GridEdge.Server.Users;
using GridEdge.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Server.Tests.Users;

/// <summary>The users and API keys store on both engines: creation, changes, sign-in with lock-out, keys by their hash.</summary>
public sealed class UserStoreTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(LedgerDatabase Db, UserStore Store)> StoreAsync(LedgerEngine engine, TempFolder dir, TimeProvider time)
    {
        var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        await new SchemaMigrator(db, [new UserSchema(), new AuditSchema(), .. GridLedgers.Schemas], time, NullLogger<SchemaMigrator>.Instance).MigrateAsync(Ct);
        var registry = new GridRegistryStore(db);
        await GridChain.AddAsync(registry, "370102001000");
        return (db, new UserStore(db, registry, new AuditLog(db, time), time));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_user_is_created_once_with_a_hashed_password_and_its_grid_checked_against_its_role(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        var (db, store) = await StoreAsync(engine, dir, TimeProvider.System);
        await using var _ = db;

        var created = await store.CreateAsync(new NewUser("li.wei", "李伟", Roles.Township, "370102001000", "a long password"), Ct);
        var again = await store.CreateAsync(new NewUser("li.wei", null, Roles.Admin, null, "another long one"), Ct);
        var noGrid = await store.CreateAsync(new NewUser("wang.fang", null, Roles.VillageChief, null, "a long password"), Ct);
        var badRole = await store.CreateAsync(new NewUser("zhao.lei", null, "mayor", null, "a long password"), Ct);
        var shortPassword = await store.CreateAsync(new NewUser("zhao.lei", null, Roles.Auditor, null, "short"), Ct);

        Assert.Equal(RegistryFailure.None, created.Failure);
        Assert.Equal(("李伟", Roles.Township, "370102001000"), (created.User!.DisplayName, created.User.Role, created.User.Grid));
        Assert.DoesNotContain("a long password", created.User.PasswordHash);
        Assert.Equal((RegistryFailure.Conflict, "name"), (again.Failure, again.Error!.Field));
        Assert.Equal((RegistryFailure.Invalid, "grid"), (noGrid.Failure, noGrid.Error!.Field));
        Assert.Equal((RegistryFailure.Invalid, "role", "mayor"), (badRole.Failure, badRole.Error!.Field, badRole.Error.Value));
        Assert.Equal((RegistryFailure.Invalid, "password"), (shortPassword.Failure, shortPassword.Error!.Field));
        Assert.Equal(["li.wei"], (await store.ListAsync(null, 10, Ct)).Select(u => u.Name));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Five_wrong_passwords_lock_the_user_for_fifteen_minutes_even_against_the_right_one(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        var time = new ManualTimeProvider();
        var (db, store) = await StoreAsync(engine, dir, time);
        await using var _ = db;
        await store.CreateAsync(new NewUser("li.wei", null, Roles.Admin, null, "the right password"), Ct);

        Assert.IsType<SignInOutcome.SignedIn>(await store.SignInAsync("li.wei", "the right password", Ct));
        var wrong = new List<SignInOutcome>();
        for (var i = 0; i < SignInLimits.MaxFailures; i++) wrong.Add(await store.SignInAsync("li.wei", "a wrong password " + i, Ct));
        var rightWhileLocked = await store.SignInAsync("li.wei", "the right password", Ct);
        time.Advance(SignInLimits.LockOut + TimeSpan.FromSeconds(1));
        var rightAfter = await store.SignInAsync("li.wei", "the right password", Ct);
        var unknown = await store.SignInAsync("nobody", "the right password", Ct);

        Assert.All(wrong[..^1], o => Assert.IsType<SignInOutcome.Refused>(o));
        var locked = Assert.IsType<SignInOutcome.Locked>(wrong[^1]);
        Assert.Equal(time.GetUtcNow() - TimeSpan.FromSeconds(1), locked.Until);
        Assert.IsType<SignInOutcome.Locked>(rightWhileLocked);
        Assert.IsType<SignInOutcome.SignedIn>(rightAfter);
        Assert.Equal(0, (await store.GetAsync("li.wei", Ct))!.FailedSignIns);
        Assert.Equal("unknown name", Assert.IsType<SignInOutcome.Refused>(unknown).Reason);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task An_api_key_is_found_by_its_hash_only_and_stays_revoked(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        var (db, store) = await StoreAsync(engine, dir, TimeProvider.System);
        await using var _ = db;
        await store.CreateAsync(new NewUser("platform", null, Roles.Auditor, null, null), Ct);

        var key = await store.CreateApiKeyAsync("platform", Ct);
        var noUser = await store.CreateApiKeyAsync("nobody", Ct);
        var found = await store.FindApiKeyAsync(TerminalTokens.Hash(key!.Key), Ct);
        var revoked = await store.RevokeApiKeyAsync("platform", key.Id, null, Ct);
        var revokedAgain = await store.RevokeApiKeyAsync("platform", key.Id, null, Ct);
        var otherUsers = await store.RevokeApiKeyAsync("someone-else", key.Id, null, Ct);
        var afterRevoke = await store.FindApiKeyAsync(TerminalTokens.Hash(key.Key), Ct);

        Assert.Null(noUser);
        Assert.Equal(("platform", Roles.Auditor), (found!.Value.User.Name, found.Value.User.Role));
        Assert.NotEqual(key.Key, found.Value.Key.KeySha256);
        Assert.NotNull(revoked!.RevokedAt);
        Assert.Equal(revoked.RevokedAt, revokedAgain!.RevokedAt);
        Assert.Null(otherUsers);
        Assert.NotNull(afterRevoke!.Value.Key.RevokedAt);
        Assert.Null(await store.FindApiKeyAsync(TerminalTokens.Hash("not a key"), Ct));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_new_password_lifts_a_lock_out_and_a_disabled_user_cannot_sign_in(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        var (db, store) = await StoreAsync(engine, dir, TimeProvider.System);
        await using var _ = db;
        await store.CreateAsync(new NewUser("li.wei", null, Roles.Township, "370102001000", "the first password"), Ct);
        for (var i = 0; i < SignInLimits.MaxFailures; i++) await store.SignInAsync("li.wei", "wrong password", Ct);

        var reset = await store.ChangeAsync("li.wei", new UserChange(Password: "the second password", Role: Roles.County, Grid: "370102000000"), Ct);
        var signedIn = await store.SignInAsync("li.wei", "the second password", Ct);
        await store.ChangeAsync("li.wei", new UserChange(Disabled: true), Ct);
        var disabled = await store.SignInAsync("li.wei", "the second password", Ct);
        var missing = await store.ChangeAsync("nobody", new UserChange(Disabled: true), Ct);

        Assert.Equal((Roles.County, "370102000000", (DateTimeOffset?)null), (reset.User!.Role, reset.User.Grid, reset.User.LockedUntil));
        Assert.IsType<SignInOutcome.SignedIn>(signedIn);
        Assert.Equal("disabled user", Assert.IsType<SignInOutcome.Refused>(disabled).Reason);
        Assert.Equal(RegistryFailure.NotFound, missing.Failure);
    }
}
