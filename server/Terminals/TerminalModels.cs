namespace GridEdge.Server.Terminals;

/// <summary>The body of POST /api/terminals.</summary>
public sealed record TerminalRequest(string? Id, string? Member);

/// <summary>A terminal as stored, with its member's grid (null when the member is gone).</summary>
public sealed record TerminalRecord(string Id, string Member, string TokenSha256, DateTimeOffset IssuedAt, DateTimeOffset? RevokedAt, string? Grid);

/// <summary>A terminal just issued: the token is here once and never again.</summary>
public sealed record IssuedTerminal(string Id, string Member, string Grid, string Token, string TokenSha256, DateTimeOffset IssuedAt);
