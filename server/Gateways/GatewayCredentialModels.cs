namespace GridEdge.Server.Gateways;

/// <summary>A gateway's broker account as stored: hashes only.</summary>
/// <param name="Gateway">The gateway id, which is its MQTT username and client id.</param>
/// <param name="Township">The township code given when it was issued, if any.</param>
/// <param name="PasswordHash">The current password's hash (<see cref="MosquittoPasswordHash"/>).</param>
/// <param name="PreviousHash">The password before the last rotation, still valid until <paramref name="PreviousUntil"/>.</param>
/// <param name="PreviousUntil">When the previous password stops working.</param>
/// <param name="IssuedAt">When the current password was issued.</param>
/// <param name="RevokedAt">When the account was revoked; null while it is active.</param>
public sealed record GatewayCredential(
    string Gateway, string? Township, string PasswordHash, string? PreviousHash, DateTimeOffset? PreviousUntil, DateTimeOffset IssuedAt, DateTimeOffset? RevokedAt)
{
    public bool Active => RevokedAt is null;

    /// <summary>The hashes a login may match at <paramref name="now"/>: none once revoked, the previous one only within its grace period.</summary>
    public IEnumerable<string> ValidHashes(DateTimeOffset now)
    {
        if (!Active) yield break;
        yield return PasswordHash;
        if (PreviousHash is not null && PreviousUntil > now) yield return PreviousHash;
    }
}

/// <summary>A password just issued: shown to the caller once, never stored.</summary>
public sealed record IssuedGatewayCredential(GatewayCredential Credential, string Password, bool Rotated);

/// <summary>Why issuing or rotating did not happen.</summary>
public enum CredentialFailure
{
    None,
    Invalid,
    NotFound,
    Conflict,
}
