using System.Data.Common;
using System.Security.Cryptography;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Audit;
using GridEdge.Server.Grid;
using GridEdge.Server.Storage;
using GridEdge.Server.Terminals;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Users;

/// <summary>
/// The users and api_keys tables over the ledger database, the same SQL on SQLite and PostgreSQL; a user's grid is
/// checked against the grid registry, and an audited change is appended to the audit log in the change's transaction.
/// </summary>
public sealed class UserStore(LedgerDatabase database, IGridRegistryStore grids, IAuditLog audit, TimeProvider? time = null) : IUserStore
{
    /// <summary>What a grid field must hold beyond its format.</summary>
    public const string GridInRegistry = "a grid in the registry (PUT /api/grids)";

    private const string UserColumns = "name, display_name, role, grid, password_hash, failed_sign_ins, locked_until, created_at, disabled_at, department";
    private const string KeyColumns = "id, user_name, key_sha256, created_at, revoked_at, last_used_at";
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _version;

    /// <inheritdoc/>
    public long Version => Interlocked.Read(ref _version);

    /// <inheritdoc/>
    public Task<UserResult> CreateAsync(NewUser user, CancellationToken cancellationToken = default) => CreateAsync(user, null, cancellationToken);

    /// <inheritdoc/>
    public async Task<UserResult> CreateAsync(NewUser user, AuditActor? by, CancellationToken cancellationToken = default)
    {
        if (!TerminalIds.IsValid(user.Name)) return Invalid("name", user.Name, TerminalIds.Rule);
        if (Check(user.Role, user.Grid) is { } error) return new(null, error, RegistryFailure.Invalid);
        if (await UnknownGridAsync(user.Grid, cancellationToken) is { } unknown) return new(null, unknown, RegistryFailure.Invalid);
        if (user.Password is not null && UserPasswords.Problem(user.Password) is { } expected) return Invalid("password", "(hidden)", expected);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var hash = user.Password is null ? null : UserPasswords.Hash(user.Password);
        return await database.WriteAsync<UserResult>(async (connection, transaction) =>
        {
            var (grid, departmentError) = await DepartmentGridAsync(connection, transaction, user.Role, user.Department, user.Grid, cancellationToken);
            if (departmentError is not null) return new(null, departmentError, RegistryFailure.Invalid);
            var inserted = await ExecuteAsync(connection, transaction, """
                INSERT INTO users (name, display_name, role, grid, password_hash, failed_sign_ins, locked_until, created_at, disabled_at, department)
                VALUES (@name, @display, @role, @grid, @hash, 0, NULL, @at, NULL, @department) ON CONFLICT (name) DO NOTHING;
                """, cancellationToken, ("@name", user.Name), ("@display", user.DisplayName ?? user.Name), ("@role", user.Role),
                ("@grid", grid), ("@hash", hash), ("@at", now), ("@department", user.Department));
            if (inserted == 0) return new(null, new FieldError("name", user.Name, "a user name not in use"), RegistryFailure.Conflict);
            var created = (await ReadUserAsync(connection, transaction, user.Name, cancellationToken))!;
            if (by is not null)
                await audit.AppendAsync(connection, transaction, AuditEntry.For(by, AuditActions.UserCreate, "user", created.Name, created.Grid, null, AuditedUser.Of(created)),
                    cancellationToken);
            return new(created, null, RegistryFailure.None);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<UserResult> ChangeAsync(string name, UserChange change, CancellationToken cancellationToken = default) => ChangeAsync(name, change, null, cancellationToken);

    /// <inheritdoc/>
    public async Task<UserResult> ChangeAsync(string name, UserChange change, AuditActor? by, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await ChangeCoreAsync(name, change, by, cancellationToken);
            // A new password or a disabled user ends every browser session the user has.
            if (result.User is not null && (change.Password is not null || change.Disabled == true))
                await database.WriteAsync((c, t) => ExecuteAsync(c, t, "UPDATE sessions SET ended_at = @at WHERE user_name = @user AND ended_at IS NULL;",
                    cancellationToken, ("@user", name), ("@at", _time.GetUtcNow().ToUnixTimeMilliseconds())), cancellationToken);
            return result;
        }
        finally { Interlocked.Increment(ref _version); }
    }

    /// <inheritdoc/>
    public async Task<string> StartSessionAsync(string user, CancellationToken cancellationToken = default)
    {
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var now = _time.GetUtcNow();
        await database.WriteAsync(async (c, t) =>
        {
            // Sessions a month old are past any use: their rows go when the user signs in again.
            await ExecuteAsync(c, t, "DELETE FROM sessions WHERE user_name = @user AND started_at < @old;", cancellationToken,
                ("@user", user), ("@old", now.AddDays(-30).ToUnixTimeMilliseconds()));
            await ExecuteAsync(c, t, "INSERT INTO sessions (id, user_name, started_at, ended_at) VALUES (@id, @user, @at, NULL);", cancellationToken,
                ("@id", id), ("@user", user), ("@at", now.ToUnixTimeMilliseconds()));
        }, cancellationToken);
        return id;
    }

    /// <inheritdoc/>
    public async Task EndSessionAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            await database.WriteAsync((c, t) => ExecuteAsync(c, t, "UPDATE sessions SET ended_at = @at WHERE id = @id AND ended_at IS NULL;", cancellationToken,
                ("@id", id), ("@at", _time.GetUtcNow().ToUnixTimeMilliseconds())), cancellationToken);
        }
        finally { Interlocked.Increment(ref _version); }
    }

    /// <inheritdoc/>
    public async Task<bool> SessionLiveAsync(string id, CancellationToken cancellationToken = default) =>
        await database.ReadAsync(c => ScalarAsync(c, null, "SELECT 1 FROM sessions WHERE id = @id AND ended_at IS NULL;", cancellationToken, ("@id", id)), cancellationToken)
            is not null;

    private async Task<UserResult> ChangeCoreAsync(string name, UserChange change, AuditActor? by, CancellationToken cancellationToken)
    {
        if (change.Password is not null && UserPasswords.Problem(change.Password) is { } expected) return Invalid("password", "(hidden)", expected);
        if (!change.ClearGrid && change.Grid is not null && TerminalIds.IsValid(change.Grid) && await UnknownGridAsync(change.Grid, cancellationToken) is { } unknown)
            return new(null, unknown, RegistryFailure.Invalid);
        var hash = change.Password is null ? null : UserPasswords.Hash(change.Password);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return await database.WriteAsync<UserResult>(async (connection, transaction) =>
        {
            var user = await ReadUserAsync(connection, transaction, name, cancellationToken);
            if (user is null) return new(null, new FieldError("name", name, "the name of a user"), RegistryFailure.NotFound);
            var role = change.Role ?? user.Role;
            var grid = change.ClearGrid ? null : change.Grid ?? user.Grid;
            // A user leaving the department role leaves its department; one staying keeps it unless given another.
            var department = change.Department ?? (role == Roles.Department ? user.Department : null);
            if (role == Roles.Department && change.Grid is null && !change.ClearGrid) grid = null;
            if (Check(role, grid) is { } error) return new(null, error, RegistryFailure.Invalid);
            (grid, var departmentError) = await DepartmentGridAsync(connection, transaction, role, department, grid, cancellationToken);
            if (departmentError is not null) return new(null, departmentError, RegistryFailure.Invalid);
            var disabled = change.Disabled switch { true => user.DisabledAt?.ToUnixTimeMilliseconds() ?? now, false => (long?)null, null => user.DisabledAt?.ToUnixTimeMilliseconds() };
            await ExecuteAsync(connection, transaction, """
                UPDATE users SET display_name = @display, role = @role, grid = @grid, disabled_at = @disabled, department = @department,
                    password_hash = COALESCE(@hash, password_hash),
                    failed_sign_ins = CASE WHEN @hash IS NULL THEN failed_sign_ins ELSE 0 END,
                    locked_until = CASE WHEN @hash IS NULL THEN locked_until ELSE NULL END
                WHERE name = @name;
                """, cancellationToken, ("@name", name), ("@display", change.DisplayName ?? user.DisplayName), ("@role", role), ("@grid", grid),
                ("@disabled", disabled), ("@hash", hash), ("@department", department));
            var changed = (await ReadUserAsync(connection, transaction, name, cancellationToken))!;
            if (by is not null)
                await audit.AppendAsync(connection, transaction, AuditEntry.For(by, AuditActions.UserChange, "user", name, changed.Grid ?? user.Grid,
                    AuditedUser.Of(user), AuditedUser.Of(changed) with { PasswordChanged = hash is not null }), cancellationToken);
            return new(changed, null, RegistryFailure.None);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<UserRecord?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection => ReadUserAsync(connection, null, name, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<UserRecord>> ListAsync(string? after, int limit, CancellationToken cancellationToken = default)
    {
        var filter = new SqlFilter().AddIf(after, "name > @after", "@after");
        return await database.ReadAsync(connection => Sql.ListAsync(connection, null,
            $"SELECT {UserColumns} FROM users {filter.Where} ORDER BY name LIMIT @limit;",
            ReadUser, cancellationToken, filter.Parameters(("@limit", SqlFilter.Limit(limit)))), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<SignInOutcome> SignInAsync(string name, string password, CancellationToken cancellationToken = default)
    {
        var user = await GetAsync(name, cancellationToken);
        var now = _time.GetUtcNow();
        if (user?.LockedUntil > now) return new SignInOutcome.Locked(user.LockedUntil.Value);
        // Hashing runs whatever the name, so the time taken does not tell whether it exists.
        var (ok, rehash) = UserPasswords.Verify(user?.PasswordHash, password);
        if (user is null) return new SignInOutcome.Refused("unknown name");
        if (user.Disabled) return new SignInOutcome.Refused("disabled user");
        if (user.PasswordHash is null) return new SignInOutcome.Refused("no password (API keys only)");
        if (ok)
        {
            var hash = rehash ? UserPasswords.Hash(password) : null;
            await database.WriteAsync((connection, transaction) => ExecuteAsync(connection, transaction,
                "UPDATE users SET failed_sign_ins = 0, locked_until = NULL, password_hash = COALESCE(@hash, password_hash) WHERE name = @name;",
                cancellationToken, ("@name", name), ("@hash", hash)), cancellationToken);
            return new SignInOutcome.SignedIn(user with { FailedSignIns = 0, LockedUntil = null });
        }
        var until = now + SignInLimits.LockOut;
        var locked = await database.WriteAsync(async (connection, transaction) =>
        {
            var failures = Convert.ToInt64(await ScalarAsync(connection, transaction,
                "UPDATE users SET failed_sign_ins = failed_sign_ins + 1 WHERE name = @name RETURNING failed_sign_ins;",
                cancellationToken, ("@name", name)));
            if (failures < SignInLimits.MaxFailures) return false;
            await ExecuteAsync(connection, transaction, "UPDATE users SET failed_sign_ins = 0, locked_until = @until WHERE name = @name;",
                cancellationToken, ("@name", name), ("@until", until.ToUnixTimeMilliseconds()));
            return true;
        }, cancellationToken);
        return locked ? new SignInOutcome.Locked(until) : new SignInOutcome.Refused("wrong password");
    }

    /// <inheritdoc/>
    public Task<IssuedApiKey?> CreateApiKeyAsync(string user, CancellationToken cancellationToken = default) => CreateApiKeyAsync(user, null, cancellationToken);

    /// <inheritdoc/>
    public async Task<IssuedApiKey?> CreateApiKeyAsync(string user, AuditActor? by, CancellationToken cancellationToken = default)
    {
        var key = TerminalTokens.New();
        var id = "key-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var created = await database.WriteAsync(async (connection, transaction) =>
        {
            if (await ReadUserAsync(connection, transaction, user, cancellationToken) is not { } owner) return false;
            await ExecuteAsync(connection, transaction, $"INSERT INTO api_keys ({KeyColumns}) VALUES (@id, @user, @hash, @at, NULL, NULL);",
                cancellationToken, ("@id", id), ("@user", user), ("@hash", TerminalTokens.Hash(key)), ("@at", now));
            // The key's id and owner only: the key is shown once, to the caller, and its hash stays in api_keys.
            if (by is not null)
                await audit.AppendAsync(connection, transaction, AuditEntry.For(by, AuditActions.ApiKeyCreate, "api-key", id, owner.Grid, null,
                    new ApiKeyView(id, user, Ms(now), null, null)), cancellationToken);
            return true;
        }, cancellationToken);
        return created ? new IssuedApiKey(id, user, key, Ms(now)) : null;
    }

    /// <inheritdoc/>
    public async Task<ApiKeyRecord?> RevokeApiKeyAsync(string user, string id, AuditActor? by, CancellationToken cancellationToken = default)
    {
        try { return await RevokeApiKeyCoreAsync(user, id, by, cancellationToken); }
        finally { Interlocked.Increment(ref _version); }
    }

    private async Task<ApiKeyRecord?> RevokeApiKeyCoreAsync(string user, string id, AuditActor? by, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return await database.WriteAsync(async (connection, transaction) =>
        {
            var key = await ReadKeyAsync(connection, transaction, user, id, cancellationToken);
            if (key is null || key.RevokedAt is not null) return key;
            // Of two revocations at once, only the one that finds the key unrevoked sets the time and is audited.
            var changed = await ExecuteAsync(connection, transaction, "UPDATE api_keys SET revoked_at = @at WHERE id = @id AND user_name = @user AND revoked_at IS NULL;",
                cancellationToken, ("@id", id), ("@user", user), ("@at", now));
            var revoked = (await ReadKeyAsync(connection, transaction, user, id, cancellationToken))!;
            if (changed == 1 && by is not null)
            {
                var owner = await ReadUserAsync(connection, transaction, user, cancellationToken);
                await audit.AppendAsync(connection, transaction, AuditEntry.For(by, AuditActions.ApiKeyRevoke, "api-key", id, owner?.Grid,
                    ApiKeyView.Of(key), ApiKeyView.Of(revoked)), cancellationToken);
            }
            return revoked;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ApiKeyRecord>> ApiKeysAsync(string user, CancellationToken cancellationToken = default) =>
        await database.ReadAsync(connection => Sql.ListAsync(connection, null,
            $"SELECT {KeyColumns} FROM api_keys WHERE user_name = @user ORDER BY created_at DESC, id;", ReadKey, cancellationToken, ("@user", user)), cancellationToken);

    /// <inheritdoc/>
    public async Task<(ApiKeyRecord Key, UserRecord User)?> FindApiKeyAsync(string keySha256, CancellationToken cancellationToken = default) =>
        await database.ReadAsync(async connection =>
        {
            var key = (await Sql.ListAsync(connection, null, $"SELECT {KeyColumns} FROM api_keys WHERE key_sha256 = @hash;", ReadKey,
                cancellationToken, ("@hash", keySha256))).FirstOrDefault();
            if (key is null) return null;
            var user = await ReadUserAsync(connection, null, key.User, cancellationToken);
            return user is null ? null : ((ApiKeyRecord, UserRecord)?)(key, user);
        }, cancellationToken);

    /// <inheritdoc/>
    public Task TouchApiKeyAsync(string id, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => ExecuteAsync(connection, transaction, "UPDATE api_keys SET last_used_at = @at WHERE id = @id;",
            cancellationToken, ("@id", id), ("@at", _time.GetUtcNow().ToUnixTimeMilliseconds())), cancellationToken);

    private static FieldError? Check(string role, string? grid)
    {
        if (!Roles.IsKnown(role)) return new FieldError("role", role, Roles.Rule);
        if (grid is not null && !TerminalIds.IsValid(grid)) return new FieldError("grid", grid, "a grid code: " + TerminalIds.Rule);
        if (grid is null && Roles.NeedsGrid(role)) return new FieldError("grid", null, $"the code of the grid a {role} user works in");
        return null;
    }

    /// <summary>
    /// The grid a user of <paramref name="role"/> is stored with: a department user is bound to a department of the register
    /// and works in that department's county (or city); any other role has no department.
    /// </summary>
    private static async Task<(string? Grid, FieldError? Error)> DepartmentGridAsync(DbConnection connection, DbTransaction transaction, string role,
        string? department, string? grid, CancellationToken cancellationToken)
    {
        if (role != Roles.Department)
            return (grid, department is null ? null : new FieldError("department", department, "no department: only a department user (role department) is bound to one"));
        if (department is null) return (grid, new FieldError("department", null, "the id of the department (GET /api/departments) a department user works for"));
        if (await ScalarAsync(connection, transaction, "SELECT grid FROM departments WHERE id = @id;", cancellationToken, ("@id", department)) is not string served)
            return (grid, new FieldError("department", department, "the id of a department in the register (GET /api/departments)"));
        if (grid is not null && grid != served) return (grid, new FieldError("grid", grid, $"the grid department {department} serves ({served}), or none"));
        return (served, null);
    }

    private static UserResult Invalid(string field, string? value, string expected) => new(null, new FieldError(field, value, expected), RegistryFailure.Invalid);

    // The registry is read beside the write, not in it: grids are added and changed, never removed.
    private async Task<FieldError?> UnknownGridAsync(string? grid, CancellationToken cancellationToken) =>
        grid is not null && await grids.GetGridAsync(grid, cancellationToken) is null ? new FieldError("grid", grid, GridInRegistry) : null;

    private static async Task<ApiKeyRecord?> ReadKeyAsync(DbConnection connection, DbTransaction transaction, string user, string id, CancellationToken cancellationToken) =>
        (await Sql.ListAsync(connection, transaction, $"SELECT {KeyColumns} FROM api_keys WHERE id = @id AND user_name = @user;", ReadKey, cancellationToken,
            ("@id", id), ("@user", user))).FirstOrDefault();

    private static async Task<UserRecord?> ReadUserAsync(DbConnection connection, DbTransaction? transaction, string name, CancellationToken cancellationToken) =>
        (await Sql.ListAsync(connection, transaction, $"SELECT {UserColumns} FROM users WHERE name = @name;", ReadUser, cancellationToken, ("@name", name))).FirstOrDefault();

    private static UserRecord ReadUser(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Str(r, 3), Str(r, 4), (int)r.GetInt64(5), OptMs(r, 6), Ms(r.GetInt64(7)), OptMs(r, 8), Str(r, 9));

    private static ApiKeyRecord ReadKey(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Ms(r.GetInt64(3)), OptMs(r, 4), OptMs(r, 5));

    /// <summary>A user as its audit entries show it: never the password or its hash, only whether there is one.</summary>
    private sealed record AuditedUser(string Name, string DisplayName, string Role, string? Grid, bool HasPassword, bool Disabled, bool? PasswordChanged = null,
        string? Department = null)
    {
        public static AuditedUser Of(UserRecord u) => new(u.Name, u.DisplayName, u.Role, u.Grid, u.PasswordHash is not null, u.Disabled, Department: u.Department);
    }
}
