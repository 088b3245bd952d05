using GridEdge.Server.Storage;

namespace GridEdge.Server.Alerts;

/// <summary>The alert ledger: <c>alerts</c> (every transition, by gateway and seq) and <c>alert_ledger</c> (one folded row per alert).</summary>
public sealed class AlertSchema : ILedgerSchema
{
    private const string Sqlite = """
        CREATE TABLE IF NOT EXISTS alerts (
            gateway         TEXT    NOT NULL,
            seq             INTEGER NOT NULL,
            alert_id        TEXT    NOT NULL,
            rule_id         TEXT    NOT NULL,
            kind            INTEGER NOT NULL,
            state           INTEGER NOT NULL,
            severity        INTEGER NOT NULL,
            sensor_id       TEXT    NOT NULL,
            quantity        TEXT    NOT NULL,
            alert_values    TEXT    NOT NULL,
            acknowledged_by TEXT,
            ts              INTEGER NOT NULL,
            clock           INTEGER NOT NULL,
            received_at     INTEGER NOT NULL,
            PRIMARY KEY (gateway, seq)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS alert_ledger (
            gateway         TEXT    NOT NULL,
            alert_id        TEXT    NOT NULL,
            rule_id         TEXT    NOT NULL,
            kind            INTEGER NOT NULL,
            severity        INTEGER NOT NULL,
            sensor_id       TEXT    NOT NULL,
            quantity        TEXT    NOT NULL,
            alert_values    TEXT    NOT NULL,
            opened_at       INTEGER NOT NULL,
            raised_at       INTEGER,
            acknowledged_at INTEGER,
            acknowledged_by TEXT,
            cleared_at      INTEGER,
            last_seq        INTEGER NOT NULL,
            received_at     INTEGER NOT NULL,
            PRIMARY KEY (gateway, alert_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS alert_ledger_by_order ON alert_ledger ((cleared_at IS NOT NULL), opened_at DESC, gateway, alert_id);
        CREATE INDEX IF NOT EXISTS alert_ledger_by_raise ON alert_ledger (raised_at);
        """;

    private const string Postgres = """
        CREATE TABLE IF NOT EXISTS alerts (
            gateway         TEXT COLLATE "C" NOT NULL,
            seq             BIGINT NOT NULL,
            alert_id        TEXT COLLATE "C" NOT NULL,
            rule_id         TEXT NOT NULL,
            kind            BIGINT NOT NULL,
            state           BIGINT NOT NULL,
            severity        BIGINT NOT NULL,
            sensor_id       TEXT NOT NULL,
            quantity        TEXT NOT NULL,
            alert_values    TEXT NOT NULL,
            acknowledged_by TEXT,
            ts              BIGINT NOT NULL,
            clock           BIGINT NOT NULL,
            received_at     BIGINT NOT NULL,
            PRIMARY KEY (gateway, seq)
        );
        CREATE TABLE IF NOT EXISTS alert_ledger (
            gateway         TEXT COLLATE "C" NOT NULL,
            alert_id        TEXT COLLATE "C" NOT NULL,
            rule_id         TEXT NOT NULL,
            kind            BIGINT NOT NULL,
            severity        BIGINT NOT NULL,
            sensor_id       TEXT NOT NULL,
            quantity        TEXT NOT NULL,
            alert_values    TEXT NOT NULL,
            opened_at       BIGINT NOT NULL,
            raised_at       BIGINT,
            acknowledged_at BIGINT,
            acknowledged_by TEXT,
            cleared_at      BIGINT,
            last_seq        BIGINT NOT NULL,
            received_at     BIGINT NOT NULL,
            PRIMARY KEY (gateway, alert_id)
        );
        CREATE INDEX IF NOT EXISTS alert_ledger_by_order ON alert_ledger ((cleared_at IS NOT NULL), opened_at DESC, gateway, alert_id);
        CREATE INDEX IF NOT EXISTS alert_ledger_by_raise ON alert_ledger (raised_at);
        """;

    public string Ledger => "alerts";

    public IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "alerts, alert_ledger", Sqlite, Postgres),
        // What reached the ledger since a moment: the console's live feed asks every second.
        new(2, "alerts by arrival", "CREATE INDEX IF NOT EXISTS alerts_by_received ON alerts (received_at);",
            "CREATE INDEX IF NOT EXISTS alerts_by_received ON alerts (received_at);"),
    ];
}
