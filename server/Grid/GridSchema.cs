using GridEdge.Server.Storage;

namespace GridEdge.Server.Grid;

/// <summary>
/// The grid registry's tables (网格: grids, members, key points, enterprises) and the terminal directories last published
/// to each gateway. Version 1 is the schema the server had before versioned migrations, adopted as is where it exists.
/// </summary>
public sealed class GridSchema : ILedgerSchema
{
    /// <inheritdoc/>
    public string Ledger => "grid";

    /// <inheritdoc/>
    public IReadOnlyList<Migration> Migrations { get; } = [new(1, "grids, members, key points, enterprises, gateway directories", SqliteV1, PostgresV1)];

    private const string SqliteV1 = """
        CREATE TABLE IF NOT EXISTS grids (
            code      TEXT    NOT NULL PRIMARY KEY,  -- 12-digit division code
            level     INTEGER NOT NULL,              -- 1 city, 2 county/district, 3 township/street, 4 village/community
            name      TEXT    NOT NULL,
            parent    TEXT,                          -- the grid one level up; null for level 1
            gateway   TEXT,                          -- level 3: the gateway at the township center; villages use their township's
            boundary  TEXT,                          -- GeoJSON Polygon/MultiPolygon ([lon, lat], WGS-84); village grids
            chief     TEXT                           -- 网格长
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS grids_by_parent ON grids (parent);
        CREATE TABLE IF NOT EXISTS members (
            id     TEXT    NOT NULL PRIMARY KEY,
            name   TEXT    NOT NULL,
            grid   TEXT    NOT NULL,                 -- the grid the member patrols
            phone  TEXT,
            active INTEGER NOT NULL DEFAULT 1
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS members_by_grid ON members (grid);
        CREATE TABLE IF NOT EXISTS key_points (      -- 重点监控点位: covered at least twice a month
            id        TEXT NOT NULL PRIMARY KEY,
            grid      TEXT NOT NULL,
            name      TEXT NOT NULL,
            latitude  REAL,
            longitude REAL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS key_points_by_grid ON key_points (grid);
        CREATE TABLE IF NOT EXISTS enterprises (     -- 污染源清单, one file per enterprise (一企一档)
            id        TEXT NOT NULL PRIMARY KEY,
            grid      TEXT NOT NULL,
            name      TEXT NOT NULL,
            class     TEXT NOT NULL,                 -- province (>= 1 visit a month), city_county (1 per 2 months), other (1 a quarter)
            file      TEXT NOT NULL DEFAULT '{}',    -- the enterprise file, a JSON object
            latitude  REAL,
            longitude REAL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS enterprises_by_grid ON enterprises (grid);
        CREATE TABLE IF NOT EXISTS gateway_directories (  -- the last configuration published to a gateway with its terminal directory
            gateway          TEXT    NOT NULL PRIMARY KEY,
            version          TEXT    NOT NULL,
            alert_rules      TEXT    NOT NULL,
            terminals        TEXT    NOT NULL,       -- the TerminalDirectory JSON as published
            terminals_sha256 TEXT    NOT NULL,
            published_at     INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    private const string PostgresV1 = """
        CREATE TABLE IF NOT EXISTS grids (
            code      TEXT COLLATE "C"    NOT NULL PRIMARY KEY,
            level     INTEGER NOT NULL,
            name      TEXT COLLATE "C"    NOT NULL,
            parent    TEXT,
            gateway   TEXT,
            boundary  TEXT,
            chief     TEXT COLLATE "C"
        );
        CREATE INDEX IF NOT EXISTS grids_by_parent ON grids (parent);
        CREATE TABLE IF NOT EXISTS members (
            id     TEXT COLLATE "C"    NOT NULL PRIMARY KEY,
            name   TEXT COLLATE "C"    NOT NULL,
            grid   TEXT COLLATE "C"    NOT NULL,
            phone  TEXT,
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX IF NOT EXISTS members_by_grid ON members (grid);
        CREATE TABLE IF NOT EXISTS key_points (
            id        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            grid      TEXT COLLATE "C" NOT NULL,
            name      TEXT COLLATE "C" NOT NULL,
            latitude  DOUBLE PRECISION,
            longitude DOUBLE PRECISION
        );
        CREATE INDEX IF NOT EXISTS key_points_by_grid ON key_points (grid);
        CREATE TABLE IF NOT EXISTS enterprises (
            id        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            grid      TEXT COLLATE "C" NOT NULL,
            name      TEXT COLLATE "C" NOT NULL,
            class     TEXT COLLATE "C" NOT NULL,
            file      TEXT COLLATE "C" NOT NULL DEFAULT '{}',
            latitude  DOUBLE PRECISION,
            longitude DOUBLE PRECISION
        );
        CREATE INDEX IF NOT EXISTS enterprises_by_grid ON enterprises (grid);
        CREATE TABLE IF NOT EXISTS gateway_directories (
            gateway          TEXT COLLATE "C"   NOT NULL PRIMARY KEY,
            version          TEXT COLLATE "C"   NOT NULL,
            alert_rules      TEXT COLLATE "C"   NOT NULL,
            terminals        TEXT COLLATE "C"   NOT NULL,
            terminals_sha256 TEXT COLLATE "C"   NOT NULL,
            published_at     BIGINT NOT NULL
        );
        """;
}
