using Microsoft.AspNetCore.Identity;

namespace GridEdge.Server.Users;

/// <summary>Passwords hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2-HMAC-SHA512, salted, versioned).</summary>
public static class UserPasswords
{
    private sealed class Account;

    private static readonly PasswordHasher<Account> Hasher = new();
    private static readonly Account Anyone = new();

    // Checked against when the name is unknown, so a wrong name costs the same time as a wrong password.
    private static readonly string Decoy = Hasher.HashPassword(Anyone, "decoy password never used");

    public static string Hash(string password) => Hasher.HashPassword(Anyone, password);

    /// <summary>Whether <paramref name="password"/> matches <paramref name="hash"/>, and whether the hash should be renewed (older parameters).</summary>
    public static (bool Ok, bool Rehash) Verify(string? hash, string password)
    {
        var result = Hasher.VerifyHashedPassword(Anyone, hash ?? Decoy, password);
        return hash is null ? (false, false) : (result != PasswordVerificationResult.Failed, result == PasswordVerificationResult.SuccessRehashNeeded);
    }

    /// <summary>Null when <paramref name="password"/> is long enough, else what it must be.</summary>
    public static string? Problem(string password) =>
        password.Length >= SignInLimits.MinPasswordLength ? null : $"a password of at least {SignInLimits.MinPasswordLength} characters";
}
