using System.Data.Common;

namespace GridEdge.Server.Storage;

/// <summary>
/// Brings every registered ledger's schema to the version this server knows, at start, before anything reads or writes:
/// the versions applied are kept in <c>schema_migrations</c> (ledger, version, name, applied_at). A ledger already newer
/// than this server is refused, naming both versions. On PostgreSQL an advisory lock lets one node migrate while others
/// starting at the same moment wait and then find nothing to do.
/// </summary>
public sealed class SchemaMigrator(LedgerDatabase database, IEnumerable<ILedgerSchema> schemas, TimeProvider time, ILogger<SchemaMigrator> log)
{
    private const long AdvisoryLockKey = 0x4752_4944_4544_4745; // "GRIDEDGE"

    /// <summary>What was applied, as (ledger, version, name) in order.</summary>
    public async Task<IReadOnlyList<(string Ledger, int Version, string Name)>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var applied = new List<(string, int, string)>();
        var all = schemas.ToList();
        foreach (var schema in all) Check(schema);
        await database.WriteAsync(async (connection, transaction) =>
        {
            if (database.Engine == LedgerEngine.Postgres)
                await Sql.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key);", cancellationToken, ("@key", AdvisoryLockKey));
            await Sql.ExecuteAsync(connection, transaction, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    ledger     TEXT    NOT NULL,
                    version    INTEGER NOT NULL,
                    name       TEXT    NOT NULL,
                    applied_at BIGINT  NOT NULL,
                    PRIMARY KEY (ledger, version)
                );
                """, cancellationToken);
            foreach (var schema in all)
            {
                var current = await CurrentAsync(connection, transaction, schema.Ledger, cancellationToken);
                var known = schema.Migrations.Count;
                if (current > known)
                    throw new LedgerSchemaTooNewException(
                        $"The ledger at {database.Describe()} has schema version {current} of '{schema.Ledger}', newer than this server knows " +
                        $"(version {known}): it was upgraded by a later server. Run that version or a later one; a ledger is never downgraded.");
                foreach (var step in schema.Migrations.Where(m => m.Version > current))
                {
                    await Sql.ExecuteAsync(connection, transaction, step.For(database.Engine), cancellationToken);
                    await Sql.ExecuteAsync(connection, transaction,
                        "INSERT INTO schema_migrations (ledger, version, name, applied_at) VALUES (@ledger, @version, @name, @at);", cancellationToken,
                        ("@ledger", schema.Ledger), ("@version", step.Version), ("@name", step.Name), ("@at", time.GetUtcNow().ToUnixTimeMilliseconds()));
                    applied.Add((schema.Ledger, step.Version, step.Name));
                }
            }
        }, cancellationToken);
        foreach (var (ledger, version, name) in applied)
            log.LogInformation("Ledger schema {Ledger} migrated to version {Version} ({Name}) at {Where}", ledger, version, name, database.Describe());
        return applied;
    }

    /// <summary>The version of each ledger the database holds (0 for a ledger it has never seen).</summary>
    public async Task<IReadOnlyDictionary<string, int>> VersionsAsync(CancellationToken cancellationToken = default) =>
        await database.ReadAsync(async connection =>
        {
            var versions = new Dictionary<string, int>();
            foreach (var schema in schemas) versions[schema.Ledger] = await CurrentAsync(connection, null, schema.Ledger, cancellationToken);
            return versions;
        }, cancellationToken);

    private static async Task<int> CurrentAsync(DbConnection connection, DbTransaction? transaction, string ledger, CancellationToken cancellationToken)
    {
        try
        {
            return Convert.ToInt32(await Sql.ScalarAsync(connection, transaction,
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE ledger = @ledger;", cancellationToken, ("@ledger", ledger)) ?? 0);
        }
        catch (DbException) when (transaction is null)
        {
            return 0; // no migrations table yet
        }
    }

    private static void Check(ILedgerSchema schema)
    {
        for (var i = 0; i < schema.Migrations.Count; i++)
            if (schema.Migrations[i].Version != i + 1)
                throw new InvalidOperationException($"Ledger schema '{schema.Ledger}': migration {i} has version {schema.Migrations[i].Version}, expected {i + 1}");
    }
}
