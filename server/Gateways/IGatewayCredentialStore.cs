namespace GridEdge.Server.Gateways;

/// <summary>The gateways' broker accounts the server issued (hashed passwords, rotation grace, revocation).</summary>
public interface IGatewayCredentialStore
{
    /// <summary>
    /// Issues a new account with a random password returned once. A revoked gateway may be issued again; an active one
    /// is a conflict (rotate it instead).
    /// </summary>
    Task<(IssuedGatewayCredential? Issued, Grid.FieldError? Error, CredentialFailure Failure)> AddAsync(string gateway, string? township, CancellationToken cancellationToken = default);

    /// <summary>A new password for an active account; the old one keeps working for <paramref name="grace"/>.</summary>
    Task<(IssuedGatewayCredential? Issued, Grid.FieldError? Error, CredentialFailure Failure)> RotateAsync(string gateway, TimeSpan grace, CancellationToken cancellationToken = default);

    /// <summary>Revokes an account at once (idempotent: the first revocation time stays); null when there is none.</summary>
    Task<GatewayCredential?> RevokeAsync(string gateway, CancellationToken cancellationToken = default);

    /// <summary>One account, or null.</summary>
    Task<GatewayCredential?> GetAsync(string gateway, CancellationToken cancellationToken = default);

    /// <summary>Every account by gateway id; <paramref name="active"/> null for all.</summary>
    Task<IReadOnlyList<GatewayCredential>> ListAsync(bool? active, CancellationToken cancellationToken = default);

    /// <summary>Accounts revoked after <paramref name="since"/>, for a broker to disconnect them.</summary>
    Task<IReadOnlyList<GatewayCredential>> RevokedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default);
}
