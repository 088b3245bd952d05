using GridEdge.Server.Storage;

namespace GridEdge.Server.Terminals;

/// <summary>The terminals issued to members: only each token's SHA-256 is kept (the token is shown once, when issued).</summary>
public sealed class TerminalSchema : ILedgerSchema
{
    /// <inheritdoc/>
    public string Ledger => "terminals";

    /// <inheritdoc/>
    public IReadOnlyList<Migration> Migrations { get; } = [new(1, "terminals", SqliteV1, PostgresV1)];

    private const string SqliteV1 = """
        CREATE TABLE IF NOT EXISTS terminals (
            id           TEXT    NOT NULL PRIMARY KEY,
            member       TEXT    NOT NULL,
            token_sha256 TEXT    NOT NULL,           -- the token itself is shown once, when issued, and never stored
            issued_at    INTEGER NOT NULL,
            revoked_at   INTEGER
        ) WITHOUT ROWID;
        """;

    private const string PostgresV1 = """
        CREATE TABLE IF NOT EXISTS terminals (
            id           TEXT COLLATE "C"   NOT NULL PRIMARY KEY,
            member       TEXT COLLATE "C"   NOT NULL,
            token_sha256 TEXT COLLATE "C"   NOT NULL,
            issued_at    BIGINT NOT NULL,
            revoked_at   BIGINT
        );
        """;
}
