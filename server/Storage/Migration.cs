namespace GridEdge.Server.Storage;

/// <summary>
/// One step of a ledger's schema, in both engines' SQL. Steps are applied in version order, each in its own transaction,
/// and never edited once released: a change to a table is a new step.
/// </summary>
/// <param name="Version">1, 2, … within its ledger.</param>
/// <param name="Name">What the step does, for the log and the migrations table.</param>
/// <param name="Sqlite">The step in SQLite's SQL (several statements allowed).</param>
/// <param name="Postgres">The step in PostgreSQL's SQL (several statements allowed).</param>
public sealed record Migration(int Version, string Name, string Sqlite, string Postgres)
{
    /// <summary>The step's SQL for <paramref name="engine"/>.</summary>
    public string For(LedgerEngine engine) => engine == LedgerEngine.Postgres ? Postgres : Sqlite;
}

/// <summary>
/// The schema of one ledger (readings, alerts, problems, …), registered by its folder: a name and its migrations.
/// Version 1 of a ledger that existed before versioned schemas creates its tables only where missing, so a ledger file
/// made by an earlier server is adopted as it is.
/// </summary>
public interface ILedgerSchema
{
    /// <summary>The ledger's name in the migrations table (lower case, stable).</summary>
    string Ledger { get; }

    /// <summary>Every step, versions 1..N without gaps.</summary>
    IReadOnlyList<Migration> Migrations { get; }
}

/// <summary>The ledger's schema is newer than this server knows: it was upgraded by a later server.</summary>
public sealed class LedgerSchemaTooNewException(string message) : Exception(message);
