using System.Diagnostics;
using GridEdge.Server.Gateways;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;
using GridEdge.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Server.Tests.Gateways;

/// <summary>The gateways' broker accounts on both engines: hashed passwords, rotation grace, revocation; and the hash format against Mosquitto's own tool.</summary>
public sealed class GatewayCredentialStoreTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private async Task<(LedgerDatabase Db, GatewayCredentialStore Store)> OpenAsync(LedgerEngine engine, TempFolder dir, TimeProvider time)
    {
        var db = await LedgerDatabases.CreateAsync(engine, dir, postgres);
        await new SchemaMigrator(db, [new GatewayCredentialSchema()], time, NullLogger<SchemaMigrator>.Instance).MigrateAsync(Ct);
        return (db, new GatewayCredentialStore(db, time));
    }

    private static bool Accepts(GatewayCredential? c, string password, DateTimeOffset now) =>
        c is not null && c.ValidHashes(now).Any(h => MosquittoPasswordHash.Verify(password, h));

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task An_issued_password_is_stored_only_as_a_mosquitto_hash_and_a_second_issue_is_refused(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        var time = new ManualTimeProvider(T0);
        var (db, store) = await OpenAsync(engine, dir, time);
        await using var _ = db;

        var (issued, _, _) = await store.AddAsync("gw-370102-001", "370102001", Ct);
        var again = await store.AddAsync("gw-370102-001", null, Ct);
        var stored = await store.GetAsync("gw-370102-001", Ct);

        Assert.NotNull(issued);
        Assert.StartsWith("$7$100000$", stored!.PasswordHash, StringComparison.Ordinal);
        Assert.DoesNotContain(issued.Password, stored.PasswordHash, StringComparison.Ordinal);
        Assert.Equal(("370102001", T0, (DateTimeOffset?)null), (stored.Township, stored.IssuedAt, stored.RevokedAt));
        Assert.True(Accepts(stored, issued.Password, T0));
        Assert.False(Accepts(stored, issued.Password + "x", T0));
        Assert.Equal((CredentialFailure.Conflict, "id"), (again.Failure, again.Error!.Field));
        Assert.Equal(CredentialFailure.Invalid, (await store.AddAsync("GW bad", null, Ct)).Failure);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task After_a_rotation_both_passwords_work_until_the_grace_period_ends(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        var time = new ManualTimeProvider(T0);
        var (db, store) = await OpenAsync(engine, dir, time);
        await using var _ = db;
        var first = (await store.AddAsync("gw-alpha", null, Ct)).Issued!;

        time.Advance(TimeSpan.FromHours(1));
        var second = (await store.RotateAsync("gw-alpha", TimeSpan.FromHours(24), Ct)).Issued!;
        var stored = await store.GetAsync("gw-alpha", Ct);

        Assert.True(second.Rotated);
        Assert.Equal(T0.AddHours(25), stored!.PreviousUntil);
        var beforeEnd = T0.AddHours(25).AddMilliseconds(-1);
        Assert.Equal((true, true), (Accepts(stored, first.Password, beforeEnd), Accepts(stored, second.Password, beforeEnd)));
        Assert.Equal((false, true), (Accepts(stored, first.Password, T0.AddHours(25)), Accepts(stored, second.Password, T0.AddHours(25))));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_revoked_account_takes_no_password_cannot_be_rotated_and_can_be_issued_again(LedgerEngine engine)
    {
        using var dir = new TempFolder();
        var time = new ManualTimeProvider(T0);
        var (db, store) = await OpenAsync(engine, dir, time);
        await using var _ = db;
        var first = (await store.AddAsync("gw-alpha", null, Ct)).Issued!;
        await store.RotateAsync("gw-alpha", TimeSpan.FromHours(24), Ct);
        await store.AddAsync("gw-beta", null, Ct);

        time.Advance(TimeSpan.FromMinutes(1));
        var revoked = await store.RevokeAsync("gw-alpha", Ct);
        time.Advance(TimeSpan.FromMinutes(1));
        var revokedAgain = await store.RevokeAsync("gw-alpha", Ct);

        Assert.Equal(T0.AddMinutes(1), revoked!.RevokedAt);
        Assert.Equal(T0.AddMinutes(1), revokedAgain!.RevokedAt);
        Assert.False(Accepts(revoked, first.Password, time.GetUtcNow())); // not even within the rotation's grace period
        Assert.Null(await store.RevokeAsync("gw-nobody", Ct));
        Assert.Equal(CredentialFailure.NotFound, (await store.RotateAsync("gw-alpha", TimeSpan.FromHours(1), Ct)).Failure);
        Assert.Equal(["gw-alpha"], (await store.RevokedSinceAsync(T0, Ct)).Select(c => c.Gateway));
        Assert.Equal(["gw-beta"], (await store.ListAsync(active: true, Ct)).Select(c => c.Gateway));

        var reissued = (await store.AddAsync("gw-alpha", null, Ct)).Issued!;
        var stored = await store.GetAsync("gw-alpha", Ct);
        Assert.True(Accepts(stored, reissued.Password, time.GetUtcNow()));
        Assert.Null(stored!.PreviousHash);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_hash_written_by_mosquitto_passwd_verifies_and_ours_has_its_layout()
    {
        using var dir = new TempFolder();
        var file = dir.File("passwd");
        File.WriteAllText(file, "");
        using (var p = Process.Start("mosquitto_passwd", ["-b", file, "gw-alpha", "s3cret pass"])!) await p.WaitForExitAsync(Ct);
        var theirs = File.ReadAllText(file).Trim().Split(':', 2)[1];
        var ours = MosquittoPasswordHash.Hash("s3cret pass").Split('$');

        Assert.StartsWith("$7$101$", theirs, StringComparison.Ordinal);
        Assert.True(MosquittoPasswordHash.Verify("s3cret pass", theirs));
        Assert.False(MosquittoPasswordHash.Verify("s3cret pasS", theirs));
        Assert.Equal(["", "7", "100000"], ours[..3]);
        Assert.Equal((12, 64), (Convert.FromBase64String(ours[3]).Length, Convert.FromBase64String(ours[4]).Length));
        Assert.False(MosquittoPasswordHash.Verify("x", "$6$abc$def"));
    }
}
