using Microsoft.Data.Sqlite;
using GridEdge.Server.Storage;

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
    /// <exception cref="LedgerUnavailableException">The folder or the file cannot be created or opened (the message names Server:Ledger:Path).</exception>
    public async Task CreateAsync(string schema, CancellationToken cancellationToken)
    {
        try
        {
            var directory = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
            await ExecuteAsync(connection, schema, cancellationToken);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or SqliteException { SqliteErrorCode: 14 or 8 or 10 })
        {
            // 14 SQLITE_CANTOPEN, 8 SQLITE_READONLY, 10 SQLITE_IOERR: the place is wrong, not the data.
            throw new LedgerUnavailableException($"Server:Ledger:Path is '{Path}': cannot create or open the ledger there ({e.Message}); expected a writable file path", e);
        }
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

