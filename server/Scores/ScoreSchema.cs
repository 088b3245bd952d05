using GridEdge.Server.Storage;

namespace GridEdge.Server.Scores;

/// <summary>
/// The assessment's own tables: the registers kept in the console (<c>score_registers</c>: meetings, training, supervision, with
/// their evidence) and the published scores (<c>published_scores</c>: a frozen, signed snapshot per grid, period and sheet).
/// </summary>
public sealed class ScoreSchema : ILedgerSchema
{
    /// <inheritdoc/>
    public string Ledger => "scores";

    /// <inheritdoc/>
    public IReadOnlyList<Migration> Migrations { get; } = [new(1, "score registers, published scores", SqliteV1, PostgresV1)];

    private const string SqliteV1 = """
        CREATE TABLE IF NOT EXISTS score_registers (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            kind         TEXT    NOT NULL,             -- meeting (联席会议), training (培训), supervision (督查)
            grid         TEXT    NOT NULL,             -- the grid that held it
            date         TEXT    NOT NULL,             -- yyyy-MM-dd, China Standard Time
            at           INTEGER NOT NULL,             -- date 00:00 +08:00, Unix ms
            attendees    TEXT    NOT NULL,             -- JSON array of names
            minutes      TEXT    NOT NULL,             -- 纪要: what was held and decided
            photo_sha256 TEXT,                         -- the evidence photo's SHA-256 (hex), when one was taken
            by           TEXT    NOT NULL,
            recorded_at  INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS score_registers_by_grid ON score_registers (grid, kind, at);
        CREATE TABLE IF NOT EXISTS published_scores (
            grid         TEXT    NOT NULL,
            period       TEXT    NOT NULL,             -- the period's label (2026-Q4)
            sheet        TEXT    NOT NULL,
            published_by TEXT    NOT NULL,
            published_at INTEGER NOT NULL,
            body         TEXT    NOT NULL,             -- the scores as computed then (JSON)
            sha256       TEXT    NOT NULL,             -- of body, signed with the publisher's name and time
            PRIMARY KEY (grid, period, sheet)
        ) WITHOUT ROWID;
        """;

    private const string PostgresV1 = """
        CREATE TABLE IF NOT EXISTS score_registers (
            id           BIGSERIAL PRIMARY KEY,
            kind         TEXT COLLATE "C" NOT NULL,
            grid         TEXT COLLATE "C" NOT NULL,
            date         TEXT NOT NULL,
            at           BIGINT NOT NULL,
            attendees    TEXT NOT NULL,
            minutes      TEXT NOT NULL,
            photo_sha256 TEXT,
            by           TEXT NOT NULL,
            recorded_at  BIGINT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS score_registers_by_grid ON score_registers (grid, kind, at);
        CREATE TABLE IF NOT EXISTS published_scores (
            grid         TEXT COLLATE "C" NOT NULL,
            period       TEXT COLLATE "C" NOT NULL,
            sheet        TEXT COLLATE "C" NOT NULL,
            published_by TEXT NOT NULL,
            published_at BIGINT NOT NULL,
            body         TEXT NOT NULL,
            sha256       TEXT NOT NULL,
            PRIMARY KEY (grid, period, sheet)
        );
        """;
}
