using GridEdge.Server.Storage;

namespace GridEdge.Server.Gateways;

/// <summary>The broker accounts the server issues to gateways: only Mosquitto-format hashes of their passwords are kept.</summary>
public sealed class GatewayCredentialSchema : ILedgerSchema
{
    /// <inheritdoc/>
    public string Ledger => "gateway_credentials";

    /// <inheritdoc/>
    public IReadOnlyList<Migration> Migrations { get; } = [new(1, "gateway credentials", SqliteV1, PostgresV1)];

    private const string SqliteV1 = """
        CREATE TABLE IF NOT EXISTS gateway_credentials (
            gateway        TEXT    NOT NULL PRIMARY KEY,
            township       TEXT,
            password_hash  TEXT    NOT NULL,           -- Mosquitto's $7$ format; the password is shown once and never stored
            previous_hash  TEXT,                       -- the password before the last rotation, valid until previous_until
            previous_until INTEGER,
            issued_at      INTEGER NOT NULL,
            revoked_at     INTEGER
        ) WITHOUT ROWID;
        """;

    private const string PostgresV1 = """
        CREATE TABLE IF NOT EXISTS gateway_credentials (
            gateway        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            township       TEXT COLLATE "C",
            password_hash  TEXT COLLATE "C" NOT NULL,
            previous_hash  TEXT COLLATE "C",
            previous_until BIGINT,
            issued_at      BIGINT NOT NULL,
            revoked_at     BIGINT
        );
        """;
}
