using GridEdge.Server.Audit;

namespace GridEdge.Server.Users;

/// <summary>
/// The users and their API keys: creation, changes, password sign-in with lock-out, and key look-up. A change made by
/// someone (<see cref="AuditActor"/>) is committed together with its audit entry; the overloads without one are for
/// the program's own seeding (the demo, tests) and leave no entry.
/// </summary>
public interface IUserStore
{
    /// <summary>
    /// Creates a user; a conflict when the name is taken, invalid naming the field otherwise (a grid must be in the grid
    /// registry). Audited as <c>user.create</c> when <paramref name="by"/> is given.
    /// </summary>
    Task<UserResult> CreateAsync(NewUser user, AuditActor? by, CancellationToken cancellationToken = default);

    /// <summary>Creates a user without an audit entry.</summary>
    Task<UserResult> CreateAsync(NewUser user, CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes a user (a new password also lifts a lock-out); not found when there is no such user; a new grid must be in
    /// the grid registry. Audited as <c>user.change</c> when <paramref name="by"/> is given.
    /// </summary>
    Task<UserResult> ChangeAsync(string name, UserChange change, AuditActor? by, CancellationToken cancellationToken = default);

    /// <summary>Changes a user without an audit entry.</summary>
    Task<UserResult> ChangeAsync(string name, UserChange change, CancellationToken cancellationToken = default);

    /// <summary>One user, or null.</summary>
    Task<UserRecord?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Users by name after <paramref name="after"/>.</summary>
    Task<IReadOnlyList<UserRecord>> ListAsync(string? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks a password: signed in (failures reset), refused, or locked (<see cref="SignInLimits.MaxFailures"/> wrong
    /// passwords in a row lock the user for <see cref="SignInLimits.LockOut"/>).
    /// </summary>
    Task<SignInOutcome> SignInAsync(string name, string password, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates an API key for a user (the key returned once, only its SHA-256 stored); null when there is no such user.
    /// Audited as <c>user.api-key.create</c> (without the key) when <paramref name="by"/> is given.
    /// </summary>
    Task<IssuedApiKey?> CreateApiKeyAsync(string user, AuditActor? by, CancellationToken cancellationToken = default);

    /// <summary>Creates an API key without an audit entry.</summary>
    Task<IssuedApiKey?> CreateApiKeyAsync(string user, CancellationToken cancellationToken = default);

    /// <summary>
    /// Revokes a user's key (idempotent); null when the user has no key of that id. The first revocation is audited as
    /// <c>user.api-key.revoke</c> when <paramref name="by"/> is given.
    /// </summary>
    Task<ApiKeyRecord?> RevokeApiKeyAsync(string user, string id, AuditActor? by, CancellationToken cancellationToken = default);

    /// <summary>A user's keys, newest first.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ApiKeysAsync(string user, CancellationToken cancellationToken = default);

    /// <summary>Starts a browser session of <paramref name="user"/>; its id, which the session cookie carries.</summary>
    Task<string> StartSessionAsync(string user, CancellationToken cancellationToken = default);

    /// <summary>Ends a session (signed out): its cookie is refused from then on, copies of it too.</summary>
    Task EndSessionAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Whether the session exists and has not ended.</summary>
    Task<bool> SessionLiveAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Moves on after every change of a user or revocation of a key made through this store: what a cache of callers compares.</summary>
    long Version { get; }

    /// <summary>The key whose SHA-256 is <paramref name="keySha256"/> and its user, or null (revoked keys too: the caller decides).</summary>
    Task<(ApiKeyRecord Key, UserRecord User)?> FindApiKeyAsync(string keySha256, CancellationToken cancellationToken = default);

    /// <summary>Notes that a key was used now.</summary>
    Task TouchApiKeyAsync(string id, CancellationToken cancellationToken = default);
}

/// <summary>How many wrong passwords lock a user and for how long, and how many sign-ins an address may try a minute.</summary>
public static class SignInLimits
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockOut = TimeSpan.FromMinutes(15);
    public const int AttemptsPerMinute = 10;
    public const int MinPasswordLength = 10;
}
