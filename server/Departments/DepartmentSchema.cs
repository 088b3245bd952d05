using GridEdge.Server.Storage;

namespace GridEdge.Server.Departments;

/// <summary>
/// The department register (职能部门): each county's departments a problem may be transferred to (移交移送), with the
/// problem categories routed to each (001: 住建 for construction dust, 农业农村 for livestock waste …).
/// </summary>
public sealed class DepartmentSchema : ILedgerSchema
{
    /// <inheritdoc/>
    public string Ledger => "departments";

    /// <inheritdoc/>
    public IReadOnlyList<Migration> Migrations { get; } = [new(1, "departments", Sqlite, Postgres)];

    private const string Sqlite = """
        CREATE TABLE IF NOT EXISTS departments (
            id         TEXT NOT NULL PRIMARY KEY,
            grid       TEXT NOT NULL,                -- the county (or city) the department serves
            name       TEXT NOT NULL,
            categories TEXT NOT NULL DEFAULT '[]'    -- JSON array of the problem categories routed to it
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS departments_by_grid ON departments (grid);
        """;

    private const string Postgres = """
        CREATE TABLE IF NOT EXISTS departments (
            id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            grid       TEXT COLLATE "C" NOT NULL,
            name       TEXT NOT NULL,
            categories TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX IF NOT EXISTS departments_by_grid ON departments (grid);
        """;
}
