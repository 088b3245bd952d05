using GridEdge.Server.Storage;

namespace GridEdge.Server.Photos;

/// <summary>
/// Photos (attachments) as they are assembled from chunks: one row per photo with its progress and verification, one per
/// chunk received (keyed by its gateway and seq). On PostgreSQL the bytes are in photo_chunks too, so every server node
/// can serve every photo; on SQLite they are files beside the ledger.
/// </summary>
public sealed class PhotoSchema : ILedgerSchema
{
    /// <inheritdoc/>
    public string Ledger => "photos";

    /// <inheritdoc/>
    public IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "attachments, attachment chunks (and photo bytes on PostgreSQL)", SqliteV1, PostgresV1),
        new(2, "attachment owners (photos uploaded for a problem through the API)", SqliteV2, PostgresV2),
    ];

    // A photo uploaded through the API (POST /api/problems/{id}/photos) has no terminal to tie it to a grid: its owner row does.
    private const string SqliteV2 = """
        CREATE TABLE IF NOT EXISTS attachment_owners (
            sha256     TEXT    NOT NULL,
            problem_id INTEGER NOT NULL,
            grid       TEXT    NOT NULL,             -- the problem's grid when the photo was uploaded
            by         TEXT    NOT NULL,             -- the signed-in user who uploaded it
            at         INTEGER NOT NULL,
            PRIMARY KEY (sha256, problem_id)
        ) WITHOUT ROWID;
        """;

    private const string PostgresV2 = """
        CREATE TABLE IF NOT EXISTS attachment_owners (
            sha256     TEXT COLLATE "C" NOT NULL,
            problem_id BIGINT  NOT NULL,
            grid       TEXT COLLATE "C" NOT NULL,
            by         TEXT COLLATE "C" NOT NULL,
            at         BIGINT  NOT NULL,
            PRIMARY KEY (sha256, problem_id)
        );
        """;

    private const string SqliteV1 = """
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
        """;

    // "offset" is a reserved word in PostgreSQL: quoted wherever it is used (SQLite takes the quotes too).
    private const string PostgresV1 = """
        CREATE TABLE IF NOT EXISTS attachments (
            sha256       TEXT COLLATE "C"    NOT NULL PRIMARY KEY,
            content_type TEXT COLLATE "C"    NOT NULL,
            size         BIGINT  NOT NULL,
            terminal     TEXT COLLATE "C"    NOT NULL,
            gateway      TEXT COLLATE "C"    NOT NULL,
            received     BIGINT  NOT NULL DEFAULT 0,
            complete_at  BIGINT,
            first_at     BIGINT  NOT NULL,
            mismatches   INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS attachment_chunks (
            gateway  TEXT COLLATE "C"    NOT NULL,
            seq      BIGINT  NOT NULL,
            sha256   TEXT COLLATE "C"    NOT NULL,
            "offset" BIGINT  NOT NULL,
            length   BIGINT  NOT NULL,
            attempt  INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (gateway, seq)
        );
        CREATE INDEX IF NOT EXISTS attachment_chunks_by_file ON attachment_chunks (sha256, "offset");
        CREATE TABLE IF NOT EXISTS photo_chunks (    -- the bytes of each chunk used, by photo, assembly attempt and offset
            sha256   TEXT COLLATE "C"    NOT NULL,
            attempt  INTEGER NOT NULL,
            "offset" BIGINT  NOT NULL,
            bytes    BYTEA   NOT NULL,
            PRIMARY KEY (sha256, attempt, "offset")
        );
        """;
}
