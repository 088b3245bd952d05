using GridEdge.Server.Patrols;
using GridEdge.Server.Photos;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;
using GridEdge.Server.Terminals;

namespace GridEdge.Server.Grid;

/// <summary>The schemas of the grid's ledgers (registry, terminals, patrols, problems, photos, alarm places and campaigns), each owned by its folder.</summary>
public static class GridLedgers
{
    /// <summary>Every schema, in the order they are migrated.</summary>
    public static IReadOnlyList<ILedgerSchema> Schemas { get; } = [new GridSchema(), new TerminalSchema(), new PatrolSchema(), new ProblemSchema(), new PhotoSchema(),
        new Alarms.AlarmSchema()];

    /// <summary>Version 1 of every schema in SQLite: the tables the server made before versioned schemas, for stores that create them themselves.</summary>
    public static string SqliteV1 { get; } = string.Join("\n", Schemas.Select(s => s.Migrations[0].Sqlite));
}
