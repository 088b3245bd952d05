using Microsoft.Data.Sqlite;

namespace GridEdge.Server.Ledgers;

/// <summary>
/// The ledger's SQLite file as every store opens it: pooled connections with a 30 s busy timeout, WAL, and
/// synchronous=FULL on every connection (it is per connection), so a commit is on the device before it returns.
/// The readings ledger, the grid store, the problem ledger and the compliance queries share one file through this.
/// </summary>
public sealed class SqliteFile
{
    private readonly string _connectionString;

    public SqliteFile(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Creates the folder, turns WAL on and runs an idempotent schema.</summary>
    public async Task CreateAsync(string schema, CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
        await ExecuteAsync(connection, schema, cancellationToken);
    }

    /// <summary>Adds a column to a table made by an earlier version of the schema (CREATE TABLE IF NOT EXISTS leaves such a table as it is).</summary>
    public async Task AddColumnIfMissingAsync(string table, string column, string definition, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using (var info = connection.CreateCommand())
        {
            info.CommandText = "SELECT 1 FROM pragma_table_info($table) WHERE name = $column;";
            info.Parameters.AddWithValue("$table", table);
            info.Parameters.AddWithValue("$column", column);
            if (await info.ExecuteScalarAsync(cancellationToken) is not null) return;
        }
        await ExecuteAsync(connection, $"ALTER TABLE {table} ADD COLUMN {column} {definition};", cancellationToken);
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "PRAGMA synchronous=FULL;", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Closes the pooled connections (the file can then be moved or deleted).</summary>
    public void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
