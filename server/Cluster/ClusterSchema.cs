using GridEdge.Server.Storage;

namespace GridEdge.Server.Cluster;

/// <summary>The leases through which server nodes share the duties that must run once (<see cref="DutyLeases"/>).</summary>
public sealed class ClusterSchema : ILedgerSchema
{
    /// <inheritdoc/>
    public string Ledger => "cluster";

    /// <inheritdoc/>
    public IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "duty leases",
            """
            CREATE TABLE IF NOT EXISTS duty_leases (
                duty        TEXT    NOT NULL PRIMARY KEY,  -- directories, retention, ...
                holder      TEXT    NOT NULL,              -- the node running it: host-pid-random
                expires_at  INTEGER NOT NULL,              -- Unix ms; another node may take the duty after this
                acquired_at INTEGER NOT NULL               -- when the current holder took it
            );
            """,
            """
            CREATE TABLE IF NOT EXISTS duty_leases (
                duty        TEXT   NOT NULL PRIMARY KEY,
                holder      TEXT   NOT NULL,
                expires_at  BIGINT NOT NULL,
                acquired_at BIGINT NOT NULL
            );
            """),
    ];
}
