using GridEdge.Server.Storage;

namespace GridEdge.Server.Users;

/// <summary>The users who may call the API and their API keys: passwords as PBKDF2 hashes, keys as their SHA-256 only.</summary>
public sealed class UserSchema : ILedgerSchema
{
    /// <inheritdoc/>
    public string Ledger => "users";

    /// <inheritdoc/>
    public IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "users and api_keys", SqliteV1, PostgresV1),
        // The data-protection key ring (session cookies, antiforgery tokens): shared by every node, kept across restarts.
        new(2, "data protection keys",
            "CREATE TABLE IF NOT EXISTS data_protection_keys (name TEXT NOT NULL PRIMARY KEY, xml TEXT NOT NULL);",
            "CREATE TABLE IF NOT EXISTS data_protection_keys (name TEXT NOT NULL PRIMARY KEY, xml TEXT NOT NULL);"),
        // Browser sessions on the server's side: a cookie names its session, and a session ended (signed out, password
        // changed, user disabled) refuses the cookie even when replayed from a copy.
        new(3, "sessions",
            "CREATE TABLE IF NOT EXISTS sessions (id TEXT NOT NULL PRIMARY KEY, user_name TEXT NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER) WITHOUT ROWID;" +
            "CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_name, started_at);",
            "CREATE TABLE IF NOT EXISTS sessions (id TEXT COLLATE \"C\" NOT NULL PRIMARY KEY, user_name TEXT COLLATE \"C\" NOT NULL, started_at BIGINT NOT NULL, ended_at BIGINT);" +
            "CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_name, started_at);"),
        // A department user (职能部门) is bound to one department of the register: it sees and handles the problems transferred to it.
        new(4, "users' department",
            "ALTER TABLE users ADD COLUMN department TEXT;",
            "ALTER TABLE users ADD COLUMN department TEXT COLLATE \"C\";"),
    ];

    private const string SqliteV1 = """
        CREATE TABLE IF NOT EXISTS users (
            name            TEXT    NOT NULL PRIMARY KEY,
            display_name    TEXT    NOT NULL,
            role            TEXT    NOT NULL,
            grid            TEXT,                    -- null for city-wide roles and administrators
            password_hash   TEXT,                    -- null: signs in with API keys only
            failed_sign_ins INTEGER NOT NULL DEFAULT 0,
            locked_until    INTEGER,
            created_at      INTEGER NOT NULL,
            disabled_at     INTEGER
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS api_keys (
            id           TEXT    NOT NULL PRIMARY KEY,
            user_name    TEXT    NOT NULL,
            key_sha256   TEXT    NOT NULL UNIQUE,    -- the key itself is shown once, when created, and never stored
            created_at   INTEGER NOT NULL,
            revoked_at   INTEGER,
            last_used_at INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS api_keys_by_user ON api_keys (user_name);
        """;

    private const string PostgresV1 = """
        CREATE TABLE IF NOT EXISTS users (
            name            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            display_name    TEXT NOT NULL,
            role            TEXT COLLATE "C" NOT NULL,
            grid            TEXT COLLATE "C",
            password_hash   TEXT,
            failed_sign_ins BIGINT NOT NULL DEFAULT 0,
            locked_until    BIGINT,
            created_at      BIGINT NOT NULL,
            disabled_at     BIGINT
        );
        CREATE TABLE IF NOT EXISTS api_keys (
            id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            user_name    TEXT COLLATE "C" NOT NULL,
            key_sha256   TEXT COLLATE "C" NOT NULL UNIQUE,
            created_at   BIGINT NOT NULL,
            revoked_at   BIGINT,
            last_used_at BIGINT
        );
        CREATE INDEX IF NOT EXISTS api_keys_by_user ON api_keys (user_name);
        """;
}
