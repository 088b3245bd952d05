using GridEdge.Server.Grid;

namespace GridEdge.Server.Terminals;

/// <summary>The terminals issued to members and their tokens (only each token's SHA-256 is kept).</summary>
public interface ITerminalStore
{
    /// <summary>
    /// Issues a terminal to an active member: a random token returned once, only its SHA-256 stored. A revoked terminal id
    /// may be issued again (a new token); an active one is a conflict.
    /// </summary>
    Task<(IssuedTerminal? Terminal, FieldError? Error, RegistryFailure Failure)> IssueAsync(string id, string memberId, CancellationToken cancellationToken = default);

    /// <summary>Revokes a terminal (idempotent: the first revocation time stays); null when there is no such terminal.</summary>
    Task<TerminalRecord?> RevokeAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>One terminal, or null.</summary>
    Task<TerminalRecord?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Terminals by id with their member's grid; <paramref name="grid"/> matches it and every grid beneath; <paramref name="active"/> null for all.</summary>
    Task<IReadOnlyList<TerminalRecord>> ListAsync(string? member, string? grid, bool? active, string? after, int limit, CancellationToken cancellationToken = default);
}
