using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GridEdge.Server.Gateways;

/// <summary>
/// Passwords in Mosquitto 2's own hash format, <c>$7$ITERATIONS$SALT$HASH</c> (PBKDF2-HMAC-SHA512, a 12-byte salt, a
/// 64-byte hash, both base64), so one stored hash serves the embedded broker and a Mosquitto password file.
/// </summary>
public static class MosquittoPasswordHash
{
    /// <summary>
    /// Iterations of new hashes: ASP.NET Core Identity's PBKDF2-SHA512 count (Mosquitto's own default is 101, its
    /// <c>mosquitto_passwd -I</c> takes more and a password file may carry any count).
    /// </summary>
    public const int Iterations = 100_000;

    // mosquitto/src/password_mosq.h: SALT_LEN 12; the hash is SHA-512's 64 bytes.
    private const int SaltBytes = 12;
    private const int HashBytes = 64;
    private const string Prefix = "$7$";

    /// <summary>A new hash of <paramref name="password"/> with a fresh random salt.</summary>
    public static string Hash(string password, int iterations = Iterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, HashBytes);
        return $"{Prefix}{iterations.ToString(CultureInfo.InvariantCulture)}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Whether <paramref name="password"/> matches <paramref name="stored"/>; false for anything not in the format.</summary>
    public static bool Verify(string? password, string? stored)
    {
        if (string.IsNullOrEmpty(password) || stored is null || !stored.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var parts = stored[Prefix.Length..].Split('$');
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1) return false;
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[1]);
            expected = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException) { return false; }
        if (salt.Length == 0 || expected.Length == 0) return false;
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
