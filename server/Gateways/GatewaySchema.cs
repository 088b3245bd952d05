using GridEdge.Server.Storage;

namespace GridEdge.Server.Gateways;

/// <summary>
/// The gateways ledger: each gateway's last known state, its HJ 212 monitors, the store epochs of its outbox
/// (<c>ledger_stores</c>) and the ranges it said it will never send (<c>gap_notes</c>). Times are Unix milliseconds.
/// </summary>
public sealed class GatewaySchema : ILedgerSchema
{
    /// <summary>Each gateway's last known state (SQLite); the grid store creates it too, so it works on a file of its own.</summary>
    public const string GatewaysTable = """
        CREATE TABLE IF NOT EXISTS gateways (
            id               TEXT    NOT NULL PRIMARY KEY,
            online           INTEGER NOT NULL DEFAULT 0,
            last_seen        INTEGER,
            software_version TEXT,
            config_version   TEXT,
            boot_id          TEXT,
            status_at        INTEGER
        ) WITHOUT ROWID;
        """;

    private const string Sqlite = GatewaysTable + """
        CREATE TABLE IF NOT EXISTS monitors (
            gateway      TEXT    NOT NULL,
            mn           TEXT    NOT NULL,
            station      TEXT,
            last_contact INTEGER,
            reported_at  INTEGER NOT NULL,
            listed       INTEGER NOT NULL DEFAULT 1,
            conformance_warnings INTEGER NOT NULL DEFAULT 0,  -- as the gateway last reported it (since it started)
            PRIMARY KEY (gateway, mn)
        ) WITHOUT ROWID;
        -- A ledger from before conformance warnings has monitors without that column, and SQLite cannot add a column only
        -- where missing: the table is rebuilt in the current shape, keeping its rows (the warning count comes back with
        -- the gateway's next status, which it repeats as a heartbeat).
        CREATE TABLE monitors_v1 (
            gateway      TEXT    NOT NULL,
            mn           TEXT    NOT NULL,
            station      TEXT,
            last_contact INTEGER,
            reported_at  INTEGER NOT NULL,
            listed       INTEGER NOT NULL DEFAULT 1,
            conformance_warnings INTEGER NOT NULL DEFAULT 0,  -- as the gateway last reported it (since it started)
            PRIMARY KEY (gateway, mn)
        ) WITHOUT ROWID;
        INSERT INTO monitors_v1 (gateway, mn, station, last_contact, reported_at, listed)
            SELECT gateway, mn, station, last_contact, reported_at, listed FROM monitors;
        DROP TABLE monitors;
        ALTER TABLE monitors_v1 RENAME TO monitors;
        CREATE TABLE IF NOT EXISTS ledger_stores (
            gateway    TEXT    NOT NULL,
            stream     TEXT    NOT NULL,
            store_id   TEXT    NOT NULL,  -- '' is the legacy store (batches without a store id)
            seq_offset INTEGER NOT NULL,  -- ledger seq = the store's own seq + seq_offset
            opened_at  INTEGER NOT NULL,
            PRIMARY KEY (gateway, stream, store_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS gap_notes (
            gateway  TEXT    NOT NULL,
            stream   TEXT    NOT NULL,
            from_seq INTEGER NOT NULL,  -- ledger seqs
            to_seq   INTEGER NOT NULL,
            reason   TEXT    NOT NULL,
            noted_at INTEGER NOT NULL,
            PRIMARY KEY (gateway, stream, from_seq, to_seq)
        ) WITHOUT ROWID;
        """;

    // Keys in the "C" collation: byte order, as SQLite compares, so listings and cursors sort alike on both engines.
    private const string Postgres = """
        CREATE TABLE IF NOT EXISTS gateways (
            id               TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            online           BIGINT NOT NULL DEFAULT 0,
            last_seen        BIGINT,
            software_version TEXT,
            config_version   TEXT,
            boot_id          TEXT,
            status_at        BIGINT
        );
        CREATE TABLE IF NOT EXISTS monitors (
            gateway      TEXT COLLATE "C" NOT NULL,
            mn           TEXT COLLATE "C" NOT NULL,
            station      TEXT,
            last_contact BIGINT,
            reported_at  BIGINT NOT NULL,
            listed       BIGINT NOT NULL DEFAULT 1,
            conformance_warnings BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (gateway, mn)
        );
        CREATE TABLE IF NOT EXISTS ledger_stores (
            gateway    TEXT COLLATE "C" NOT NULL,
            stream     TEXT COLLATE "C" NOT NULL,
            store_id   TEXT COLLATE "C" NOT NULL,
            seq_offset BIGINT NOT NULL,
            opened_at  BIGINT NOT NULL,
            PRIMARY KEY (gateway, stream, store_id)
        );
        CREATE TABLE IF NOT EXISTS gap_notes (
            gateway  TEXT COLLATE "C" NOT NULL,
            stream   TEXT COLLATE "C" NOT NULL,
            from_seq BIGINT NOT NULL,
            to_seq   BIGINT NOT NULL,
            reason   TEXT NOT NULL,
            noted_at BIGINT NOT NULL,
            PRIMARY KEY (gateway, stream, from_seq, to_seq)
        );
        """;

    public string Ledger => "gateways";

    public IReadOnlyList<Migration> Migrations { get; } = [new(1, "gateways, monitors, ledger_stores, gap_notes", Sqlite, Postgres)];
}
