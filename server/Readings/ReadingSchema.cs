using GridEdge.Server.Storage;

namespace GridEdge.Server.Readings;

/// <summary>
/// The readings ledger. On PostgreSQL the table is partitioned by month on <c>ts</c> (Unix ms), partitions made on demand
/// by the batch that first needs one (<see cref="ReadingPartitions"/>), so retention drops whole months; the key then
/// includes <c>ts</c>, which a redelivered record carries unchanged, so a redelivery still meets its stored row.
/// </summary>
public sealed class ReadingSchema : ILedgerSchema
{
    private const string Sqlite = """
        CREATE TABLE IF NOT EXISTS readings (
            gateway        TEXT    NOT NULL,
            stream         TEXT    NOT NULL,
            seq            INTEGER NOT NULL,
            sensor_id      TEXT    NOT NULL,
            quantity       TEXT    NOT NULL,
            unit           TEXT    NOT NULL,
            value          REAL    NOT NULL,
            min            REAL,
            avg            REAL,
            max            REAL,
            count          INTEGER,
            window_seconds INTEGER,
            flag           INTEGER NOT NULL,
            ts             INTEGER NOT NULL,
            clock          INTEGER NOT NULL,
            received_at    INTEGER NOT NULL,
            PRIMARY KEY (gateway, stream, seq)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS readings_by_time ON readings (ts);
        CREATE INDEX IF NOT EXISTS readings_by_gateway_time ON readings (gateway, ts);
        """;

    private const string Postgres = """
        CREATE TABLE IF NOT EXISTS readings (
            gateway        TEXT COLLATE "C" NOT NULL,
            stream         TEXT COLLATE "C" NOT NULL,
            seq            BIGINT NOT NULL,
            sensor_id      TEXT NOT NULL,
            quantity       TEXT NOT NULL,
            unit           TEXT NOT NULL,
            value          DOUBLE PRECISION NOT NULL,
            min            DOUBLE PRECISION,
            avg            DOUBLE PRECISION,
            max            DOUBLE PRECISION,
            count          BIGINT,
            window_seconds BIGINT,
            flag           BIGINT NOT NULL,
            ts             BIGINT NOT NULL,
            clock          BIGINT NOT NULL,
            received_at    BIGINT NOT NULL,
            PRIMARY KEY (gateway, stream, seq, ts)
        ) PARTITION BY RANGE (ts);
        CREATE INDEX IF NOT EXISTS readings_by_time ON readings (ts);
        CREATE INDEX IF NOT EXISTS readings_by_gateway_time ON readings (gateway, ts);
        """;

    public string Ledger => "readings";

    public IReadOnlyList<Migration> Migrations { get; } = [new(1, "readings", Sqlite, Postgres)];
}
