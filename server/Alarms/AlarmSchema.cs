using GridEdge.Server.Storage;

namespace GridEdge.Server.Alarms;

/// <summary>
/// The alarm chain's own tables: where each gateway and HJ 212 monitor stands (<c>alarm_places</c>), so an alert opens its
/// problem in the right village, and the campaign periods of each county (<c>campaigns</c>: 秸秆禁烧期, 重污染天气应急).
/// </summary>
public sealed class AlarmSchema : ILedgerSchema
{
    /// <inheritdoc/>
    public string Ledger => "alarms";

    /// <inheritdoc/>
    public IReadOnlyList<Migration> Migrations { get; } = [new(1, "alarm places, campaigns", SqliteV1, PostgresV1)];

    private const string SqliteV1 = """
        CREATE TABLE IF NOT EXISTS alarm_places (
            gateway    TEXT    NOT NULL,
            mn         TEXT    NOT NULL,             -- '' for the gateway itself, else the HJ 212 monitor's MN (its readings' sensor id)
            latitude   REAL    NOT NULL,             -- WGS-84
            longitude  REAL    NOT NULL,
            village    TEXT,                         -- the village grid, when given; else the one whose boundary holds the point
            name       TEXT,                         -- what the place is called (a site, a station)
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (gateway, mn)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS campaigns (
            id         TEXT    NOT NULL PRIMARY KEY,
            kind       TEXT    NOT NULL,             -- straw_burning_ban (秸秆禁烧期) or heavy_pollution_emergency (重污染天气应急)
            county     TEXT    NOT NULL,             -- the county grid's code
            name       TEXT,
            from_date  TEXT    NOT NULL,             -- yyyy-MM-dd, China Standard Time, inclusive
            to_date    TEXT    NOT NULL,             -- yyyy-MM-dd, inclusive
            starts_at  INTEGER NOT NULL,             -- from_date 00:00 +08:00, Unix ms
            ends_at    INTEGER NOT NULL,             -- the day after to_date 00:00 +08:00, Unix ms (exclusive)
            updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS campaigns_by_county ON campaigns (county, kind, starts_at);
        """;

    private const string PostgresV1 = """
        CREATE TABLE IF NOT EXISTS alarm_places (
            gateway    TEXT COLLATE "C" NOT NULL,
            mn         TEXT COLLATE "C" NOT NULL,
            latitude   DOUBLE PRECISION NOT NULL,
            longitude  DOUBLE PRECISION NOT NULL,
            village    TEXT COLLATE "C",
            name       TEXT,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (gateway, mn)
        );
        CREATE TABLE IF NOT EXISTS campaigns (
            id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            kind       TEXT COLLATE "C" NOT NULL,
            county     TEXT COLLATE "C" NOT NULL,
            name       TEXT,
            from_date  TEXT NOT NULL,
            to_date    TEXT NOT NULL,
            starts_at  BIGINT NOT NULL,
            ends_at    BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS campaigns_by_county ON campaigns (county, kind, starts_at);
        """;
}
