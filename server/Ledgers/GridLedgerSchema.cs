namespace GridEdge.Server.Ledgers;

/// <summary>
/// The tables of the grid (网格), its people and inventory, and the patrol and problem ledgers (巡查台账, 问题台账), in the
/// same SQLite file as the readings ledger. Times are Unix milliseconds (UTC); JSON columns hold what is read whole.
/// Records from gateways are keyed by (gateway, seq) of their stream like every other ledger table, and also by
/// (terminal, record_id), so the same terminal record arriving through two gateways is stored once.
/// </summary>
public static class GridLedgerSchema
{
    public const string Sql = """
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
        CREATE TABLE IF NOT EXISTS terminals (
            id           TEXT    NOT NULL PRIMARY KEY,
            member       TEXT    NOT NULL,
            token_sha256 TEXT    NOT NULL,           -- the token itself is shown once, when issued, and never stored
            issued_at    INTEGER NOT NULL,
            revoked_at   INTEGER
        ) WITHOUT ROWID;
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
        CREATE TABLE IF NOT EXISTS checkins (
            gateway     TEXT    NOT NULL,
            seq         INTEGER NOT NULL,
            record_id   TEXT    NOT NULL,
            member      TEXT    NOT NULL,
            terminal    TEXT    NOT NULL,
            grid        TEXT    NOT NULL,
            latitude    REAL    NOT NULL,
            longitude   REAL    NOT NULL,
            accuracy_m  REAL    NOT NULL,
            fix_time    INTEGER NOT NULL,
            note        TEXT,
            geofence    INTEGER NOT NULL,            -- GeofenceResult: 0 inside, 1 outside, 2 inaccurate, 3 no boundary
            ts          INTEGER NOT NULL,            -- accepted by the gateway
            clock       INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            PRIMARY KEY (gateway, seq),
            UNIQUE (terminal, record_id)
        );
        CREATE INDEX IF NOT EXISTS checkins_by_grid_time ON checkins (grid, fix_time);
        CREATE INDEX IF NOT EXISTS checkins_by_member_time ON checkins (member, fix_time);
        CREATE INDEX IF NOT EXISTS checkins_by_time ON checkins (fix_time);
        CREATE TABLE IF NOT EXISTS patrols (
            gateway     TEXT    NOT NULL,
            seq         INTEGER NOT NULL,            -- of the uploads stream (shared with problems)
            record_id   TEXT    NOT NULL,
            member      TEXT    NOT NULL,
            terminal    TEXT    NOT NULL,
            grid        TEXT    NOT NULL,
            started_at  INTEGER NOT NULL,
            ended_at    INTEGER NOT NULL,
            track       TEXT    NOT NULL,            -- JSON array of {latitude, longitude, time}
            findings    TEXT    NOT NULL,
            attachments TEXT    NOT NULL,            -- JSON array of SHA-256
            ts          INTEGER NOT NULL,
            clock       INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            PRIMARY KEY (gateway, seq),
            UNIQUE (terminal, record_id)
        );
        CREATE INDEX IF NOT EXISTS patrols_by_grid_time ON patrols (grid, started_at);
        CREATE INDEX IF NOT EXISTS patrols_by_member_time ON patrols (member, started_at);
        CREATE TABLE IF NOT EXISTS patrol_places (   -- one row per place visited, for coverage of key points and enterprise visits
            gateway  TEXT    NOT NULL,
            seq      INTEGER NOT NULL,
            idx      INTEGER NOT NULL,
            grid     TEXT    NOT NULL,
            kind     INTEGER NOT NULL,               -- PlaceKind: 0 key point, 1 enterprise, 2 other
            place_id TEXT,
            name     TEXT    NOT NULL,
            at       INTEGER NOT NULL,
            PRIMARY KEY (gateway, seq, idx)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS patrol_places_by_place ON patrol_places (kind, place_id, at);
        CREATE TABLE IF NOT EXISTS problems (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            gateway     TEXT    NOT NULL,
            seq         INTEGER NOT NULL,            -- of the uploads stream (shared with patrols)
            record_id   TEXT    NOT NULL,
            member      TEXT    NOT NULL,
            terminal    TEXT    NOT NULL,
            grid        TEXT    NOT NULL,
            latitude    REAL    NOT NULL,
            longitude   REAL    NOT NULL,
            address     TEXT,
            category    INTEGER NOT NULL,            -- ProblemCategory
            description TEXT    NOT NULL,
            attachments TEXT    NOT NULL,            -- JSON array of SHA-256
            reported_at INTEGER NOT NULL,            -- the record's timestamp (accepted by the gateway)
            clock       INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            state       TEXT    NOT NULL DEFAULT 'reported',  -- reported, assigned, transferred, planned, rectified, verified, closed
            assignee    TEXT,                        -- assigned: who handles it
            department  TEXT,                        -- transferred: the responsible department
            deadline    INTEGER,                     -- of the assignment, transfer or rectification plan
            plan        TEXT,                        -- the five-fixed table as JSON: owner, measures, deadline, goal
            updated_at  INTEGER NOT NULL,
            UNIQUE (gateway, seq),
            UNIQUE (terminal, record_id)
        );
        CREATE INDEX IF NOT EXISTS problems_by_grid_time ON problems (grid, reported_at);
        CREATE INDEX IF NOT EXISTS problems_by_state ON problems (state, deadline);
        CREATE TABLE IF NOT EXISTS problem_events (  -- every transition, with who and when
            problem_id INTEGER NOT NULL,
            n          INTEGER NOT NULL,             -- 0 is the report itself
            action     TEXT    NOT NULL,             -- reported, assign, transfer, plan, rectify, verify, reject, close
            from_state TEXT,
            to_state   TEXT    NOT NULL,
            by         TEXT    NOT NULL,
            at         INTEGER NOT NULL,
            detail     TEXT,                         -- JSON: what the transition carried
            PRIMARY KEY (problem_id, n)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS attachments (
            sha256       TEXT    NOT NULL PRIMARY KEY,
            content_type TEXT    NOT NULL,
            size         INTEGER NOT NULL,
            terminal     TEXT    NOT NULL,
            gateway      TEXT    NOT NULL,
            received     INTEGER NOT NULL DEFAULT 0, -- bytes received so far
            complete_at  INTEGER,                    -- set once every byte is in and the SHA-256 verified
            first_at     INTEGER NOT NULL,
            mismatches   INTEGER NOT NULL DEFAULT 0  -- times the assembled file failed verification (kept aside, never served)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS attachment_chunks (
            gateway TEXT    NOT NULL,
            seq     INTEGER NOT NULL,
            sha256  TEXT    NOT NULL,
            offset  INTEGER NOT NULL,
            length  INTEGER NOT NULL,
            attempt INTEGER NOT NULL DEFAULT 0,      -- attachments.mismatches when it arrived: chunks of a failed assembly no longer count
            PRIMARY KEY (gateway, seq)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS attachment_chunks_by_file ON attachment_chunks (sha256, offset);
        CREATE TABLE IF NOT EXISTS gateway_directories (  -- the last configuration published to a gateway with its terminal directory
            gateway          TEXT    NOT NULL PRIMARY KEY,
            version          TEXT    NOT NULL,
            alert_rules      TEXT    NOT NULL,
            terminals        TEXT    NOT NULL,       -- the TerminalDirectory JSON as published
            terminals_sha256 TEXT    NOT NULL,
            published_at     INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;
}
