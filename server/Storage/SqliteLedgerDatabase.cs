using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace GridEdge.Server.Storage;

/// <summary>
/// The ledger in one SQLite file: pooled connections with a 30 s busy timeout, WAL, synchronous=FULL on every connection
/// (it is per connection) so a commit is on the device before it returns, and one writer for the whole file, whichever
/// store writes.
/// </summary>
public sealed class SqliteLedgerDatabase : LedgerDatabase
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private int _walSet;

    /// <summary>The file at <paramref name="path"/> (created with its folder on first open).</summary>
    public SqliteLedgerDatabase(string path)
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

    /// <summary>The ledger file, absolute.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public override LedgerEngine Engine => LedgerEngine.Sqlite;

    /// <inheritdoc/>
    public override string Describe() => Path;

    /// <inheritdoc/>
    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            if (Volatile.Read(ref _walSet) == 0)
            {
                var directory = System.IO.Path.GetDirectoryName(Path);
                if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
            }
            var connection = new SqliteConnection(_connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                // WAL is a property of the file: set once, it stays.
                if (Interlocked.Exchange(ref _walSet, 1) == 0) await Sql.ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
                await Sql.ExecuteAsync(connection, null, "PRAGMA synchronous=FULL;", cancellationToken);
                return connection;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or SqliteException { SqliteErrorCode: 14 or 8 or 10 or 26 })
        {
            Volatile.Write(ref _walSet, 0);
            // 14 SQLITE_CANTOPEN, 8 SQLITE_READONLY, 10 SQLITE_IOERR, 26 SQLITE_NOTADB: the place is wrong, not the data.
            throw new LedgerUnavailableException($"Server:Ledger:Path is '{Path}': cannot create or open the ledger there ({e.Message}); expected a writable SQLite file path", e);
        }
    }

    /// <inheritdoc/>
    protected override async ValueTask<IAsyncDisposable> EnterWriterAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        return new Turn(_writer);
    }

    /// <inheritdoc/>
    public override string Greatest(string a, string b) => $"max({a}, {b})";

    /// <inheritdoc/>
    public override string Least(string a, string b) => $"min({a}, {b})";

    /// <inheritdoc/>
    public override string StringAgg(string expression, string separator) => $"group_concat({expression}, {separator})";

    /// <inheritdoc/>
    public override bool IsUniqueViolation(Exception e) => e is SqliteException { SqliteErrorCode: 19 };

    /// <summary>Closes the pooled connections (the file can then be moved or deleted).</summary>
    public void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <inheritdoc/>
    public override ValueTask DisposeAsync()
    {
        ClearPool();
        return base.DisposeAsync();
    }

    private sealed class Turn(SemaphoreSlim writer) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            writer.Release();
            return ValueTask.CompletedTask;
        }
    }
}
