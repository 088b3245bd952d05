using GridEdge.Server.Storage;

namespace GridEdge.Server.Commands;

/// <summary>The command ledger: <c>commands</c> sent, <c>command_results</c> (the cmdres stream) and <c>gateway_configs</c> (the last configuration sent).</summary>
public sealed class CommandSchema : ILedgerSchema
{
    private const string Sqlite = """
        CREATE TABLE IF NOT EXISTS commands (
            gateway    TEXT    NOT NULL,
            command_id TEXT    NOT NULL,
            name       TEXT    NOT NULL,
            alert_id   TEXT,
            issued_by  TEXT,
            issued_at  INTEGER NOT NULL,
            PRIMARY KEY (gateway, command_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS commands_by_time ON commands (gateway, issued_at DESC);
        CREATE TABLE IF NOT EXISTS command_results (
            gateway     TEXT    NOT NULL,
            seq         INTEGER NOT NULL,
            command_id  TEXT    NOT NULL,
            name        TEXT    NOT NULL,
            outcome     INTEGER NOT NULL,
            detail      TEXT    NOT NULL,
            ts          INTEGER NOT NULL,
            clock       INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            PRIMARY KEY (gateway, seq)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS command_results_by_command ON command_results (gateway, command_id, seq);
        CREATE TABLE IF NOT EXISTS gateway_configs (
            gateway     TEXT    NOT NULL PRIMARY KEY,
            serial      INTEGER NOT NULL,
            version     TEXT    NOT NULL,
            alert_rules TEXT    NOT NULL,
            sent_at     INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    private const string Postgres = """
        CREATE TABLE IF NOT EXISTS commands (
            gateway    TEXT COLLATE "C" NOT NULL,
            command_id TEXT COLLATE "C" NOT NULL,
            name       TEXT NOT NULL,
            alert_id   TEXT,
            issued_by  TEXT,
            issued_at  BIGINT NOT NULL,
            PRIMARY KEY (gateway, command_id)
        );
        CREATE INDEX IF NOT EXISTS commands_by_time ON commands (gateway, issued_at DESC);
        CREATE TABLE IF NOT EXISTS command_results (
            gateway     TEXT COLLATE "C" NOT NULL,
            seq         BIGINT NOT NULL,
            command_id  TEXT COLLATE "C" NOT NULL,
            name        TEXT NOT NULL,
            outcome     BIGINT NOT NULL,
            detail      TEXT NOT NULL,
            ts          BIGINT NOT NULL,
            clock       BIGINT NOT NULL,
            received_at BIGINT NOT NULL,
            PRIMARY KEY (gateway, seq)
        );
        CREATE INDEX IF NOT EXISTS command_results_by_command ON command_results (gateway, command_id, seq);
        CREATE TABLE IF NOT EXISTS gateway_configs (
            gateway     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            serial      BIGINT NOT NULL,
            version     TEXT NOT NULL,
            alert_rules TEXT NOT NULL,
            sent_at     BIGINT NOT NULL
        );
        """;

    public string Ledger => "commands";

    public IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "commands, command_results, gateway_configs", Sqlite, Postgres),
        // What reached the ledger since a moment: the console's live feed asks every second.
        new(2, "command results by arrival", "CREATE INDEX IF NOT EXISTS command_results_by_received ON command_results (received_at);",
            "CREATE INDEX IF NOT EXISTS command_results_by_received ON command_results (received_at);"),
    ];
}
