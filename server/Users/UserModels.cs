using GridEdge.Server.Grid;

namespace GridEdge.Server.Users;

/// <summary>A user as the ledger holds it (the password only as its hash).</summary>
public sealed record UserRecord(
    string Name, string DisplayName, string Role, string? Grid, string? PasswordHash, int FailedSignIns,
    DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt, string? Department = null)
{
    public bool Disabled => DisabledAt is not null;
}

/// <summary>A user to create: <see cref="Password"/> null for a user who signs in with API keys only.</summary>
/// <remarks><see cref="Department"/>: the department of the register a department user is bound to (its grid is the department's).</remarks>
public sealed record NewUser(string Name, string? DisplayName, string Role, string? Grid, string? Password, string? Department = null);

/// <summary>A change to a user: null fields stay as they are; <see cref="ClearGrid"/> removes the grid.</summary>
public sealed record UserChange(string? DisplayName = null, string? Role = null, string? Grid = null, bool ClearGrid = false, bool? Disabled = null, string? Password = null,
    string? Department = null);

/// <summary>An API key as the ledger holds it (only its SHA-256).</summary>
public sealed record ApiKeyRecord(string Id, string User, string KeySha256, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>A newly created API key: <see cref="Key"/> is shown this once and never stored.</summary>
public sealed record IssuedApiKey(string Id, string User, string Key, DateTimeOffset CreatedAt);

/// <summary>What a sign-in with a password came to.</summary>
public abstract record SignInOutcome
{
    private SignInOutcome() { }

    /// <summary>The password was right: the user (failed attempts reset).</summary>
    public sealed record SignedIn(UserRecord User) : SignInOutcome;

    /// <summary>No such user, a disabled one, one without a password, or a wrong password: the caller learns nothing more.</summary>
    public sealed record Refused(string Reason) : SignInOutcome;

    /// <summary>Too many wrong passwords: refused until <see cref="Until"/>, even with the right one.</summary>
    public sealed record Locked(DateTimeOffset Until) : SignInOutcome;
}

/// <summary>What creating or changing a user came to: the user, or the field that was wrong and why it failed.</summary>
public sealed record UserResult(UserRecord? User, FieldError? Error, RegistryFailure Failure);
