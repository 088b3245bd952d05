using GridEdge.Server.Storage;

namespace GridEdge.Server.Problems;

/// <summary>
/// The problem ledger (问题台账): problems as reported from the uploads stream, keyed by (gateway, seq) and by
/// (terminal, record_id), with their lifecycle fields, and every transition in problem_events.
/// </summary>
public sealed class ProblemSchema : ILedgerSchema
{
    /// <inheritdoc/>
    public string Ledger => "problems";

    /// <inheritdoc/>
    public IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "problems, problem events", SqliteV1, PostgresV1),
        // The handling chain (001): a department's acceptance and report-back, the two closes of 双销号, the major flag
        // (重大问题), and when and how late the problem was finished, kept as they were then (003: 未按规定时间处理办结).
        new(2, "department handling, double closing, major flag, lateness", V2("INTEGER"), V2("BIGINT")),
        new(3, "problems opened by gateway alerts: source, alert, critical; problem_alerts", SqliteV3, PostgresV3),
    ];

    // Both engines take ADD COLUMN one column per statement; only the integer type differs.
    private static string V2(string integer) => $"""
        ALTER TABLE problems ADD COLUMN accepted_at {integer};          -- the department accepted (受理) the current transfer
        ALTER TABLE problems ADD COLUMN reported_back_at {integer};     -- the department reported its result back (反馈)
        ALTER TABLE problems ADD COLUMN township_closed_at {integer};   -- 双销号: the township's close
        ALTER TABLE problems ADD COLUMN department_closed_at {integer}; -- 双销号: the department's close
        ALTER TABLE problems ADD COLUMN closed_at {integer};
        ALTER TABLE problems ADD COLUMN major_at {integer};             -- flagged major (重大问题): escalated to the county
        ALTER TABLE problems ADD COLUMN major_reason TEXT;
        ALTER TABLE problems ADD COLUMN finished_at {integer};          -- rectified or reported back
        ALTER TABLE problems ADD COLUMN finish_deadline {integer};      -- the deadline in force when it was finished
        ALTER TABLE problems ADD COLUMN late_ms {integer};              -- how late it was finished (0: on time; null: no deadline)
        CREATE INDEX IF NOT EXISTS problems_by_department ON problems (department, state);
        CREATE INDEX IF NOT EXISTS problems_by_finish ON problems (finished_at);
        CREATE INDEX IF NOT EXISTS problems_by_major ON problems (major_at);
        """;

    // A problem an alert opened has member '' and terminal '' (no terminal reported it), record_id 'alert:{gateway}:{alert id}'
    // and seq = -(the alerts-stream seq of the raise): negative, so it never meets an uploads seq under UNIQUE (gateway, seq),
    // and the gateway listings count only seq > 0 as the uploads stream.
    private const string SqliteV3 = """
        ALTER TABLE problems ADD COLUMN source TEXT NOT NULL DEFAULT 'terminal';  -- terminal, or alert (opened by a gateway's alert)
        ALTER TABLE problems ADD COLUMN alert_gateway TEXT;                        -- alert: the gateway and alert id that opened it
        ALTER TABLE problems ADD COLUMN alert_id TEXT;
        ALTER TABLE problems ADD COLUMN alert TEXT;                                -- alert: its figures as JSON (quantity, value, threshold, unit, at, ...)
        ALTER TABLE problems ADD COLUMN critical INTEGER NOT NULL DEFAULT 0;       -- 1: a straw-burning alert during a straw-burning ban
        CREATE INDEX IF NOT EXISTS problems_by_source ON problems (source, grid, category, state);
        CREATE TABLE IF NOT EXISTS problem_alerts (  -- every alert that opened or joined a problem
            gateway    TEXT    NOT NULL,
            alert_id   TEXT    NOT NULL,
            problem_id INTEGER NOT NULL,
            joined_at  INTEGER NOT NULL,             -- the alert's raise time
            PRIMARY KEY (gateway, alert_id)
        ) WITHOUT ROWID;
        """;

    private const string PostgresV3 = """
        ALTER TABLE problems ADD COLUMN source TEXT COLLATE "C" NOT NULL DEFAULT 'terminal';
        ALTER TABLE problems ADD COLUMN alert_gateway TEXT COLLATE "C";
        ALTER TABLE problems ADD COLUMN alert_id TEXT COLLATE "C";
        ALTER TABLE problems ADD COLUMN alert TEXT;
        ALTER TABLE problems ADD COLUMN critical BIGINT NOT NULL DEFAULT 0;
        CREATE INDEX IF NOT EXISTS problems_by_source ON problems (source, grid, category, state);
        CREATE TABLE IF NOT EXISTS problem_alerts (
            gateway    TEXT COLLATE "C" NOT NULL,
            alert_id   TEXT COLLATE "C" NOT NULL,
            problem_id BIGINT NOT NULL,
            joined_at  BIGINT NOT NULL,
            PRIMARY KEY (gateway, alert_id)
        );
        """;

    private const string SqliteV1 = """
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
        """;

    private const string PostgresV1 = """
        CREATE TABLE IF NOT EXISTS problems (
            id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            gateway     TEXT COLLATE "C"             NOT NULL,
            seq         BIGINT           NOT NULL,
            record_id   TEXT COLLATE "C"             NOT NULL,
            member      TEXT COLLATE "C"             NOT NULL,
            terminal    TEXT COLLATE "C"             NOT NULL,
            grid        TEXT COLLATE "C"             NOT NULL,
            latitude    DOUBLE PRECISION NOT NULL,
            longitude   DOUBLE PRECISION NOT NULL,
            address     TEXT,
            category    INTEGER          NOT NULL,
            description TEXT COLLATE "C"             NOT NULL,
            attachments TEXT COLLATE "C"             NOT NULL,
            reported_at BIGINT           NOT NULL,
            clock       INTEGER          NOT NULL,
            received_at BIGINT           NOT NULL,
            state       TEXT COLLATE "C"             NOT NULL DEFAULT 'reported',
            assignee    TEXT,
            department  TEXT,
            deadline    BIGINT,
            plan        TEXT,
            updated_at  BIGINT           NOT NULL,
            UNIQUE (gateway, seq),
            UNIQUE (terminal, record_id)
        );
        CREATE INDEX IF NOT EXISTS problems_by_grid_time ON problems (grid, reported_at);
        CREATE INDEX IF NOT EXISTS problems_by_state ON problems (state, deadline);
        CREATE TABLE IF NOT EXISTS problem_events (
            problem_id BIGINT  NOT NULL,
            n          INTEGER NOT NULL,
            action     TEXT COLLATE "C"    NOT NULL,
            from_state TEXT,
            to_state   TEXT COLLATE "C"    NOT NULL,
            by         TEXT COLLATE "C"    NOT NULL,
            at         BIGINT  NOT NULL,
            detail     TEXT,
            PRIMARY KEY (problem_id, n)
        );
        """;
}
