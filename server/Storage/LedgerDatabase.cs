using System.Data.Common;

namespace GridEdge.Server.Storage;

/// <summary>The engines the ledgers run on.</summary>
public enum LedgerEngine
{
    /// <summary>One embedded file (the default, the demo and a pilot).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server shared by every server node.</summary>
    Postgres,
}

/// <summary>
/// The database every ledger store works through: connections, the one write path (a single writer per SQLite file,
/// the engine's own concurrency on PostgreSQL), and the few SQL fragments the engines spell differently. Stores write
/// portable SQL (<c>@name</c> parameters, <c>ON CONFLICT</c>, <c>RETURNING</c>, <c>COALESCE</c>) and ask for the rest here.
/// </summary>
public abstract class LedgerDatabase : IAsyncDisposable
{
    /// <summary>Which engine this is.</summary>
    public abstract LedgerEngine Engine { get; }

    /// <summary>Where the ledger is, for logs and errors (a path, or host/port/database without the password).</summary>
    public abstract string Describe();

    /// <summary>Opens a connection ready for use.</summary>
    /// <exception cref="LedgerUnavailableException">The ledger cannot be reached (the message names the setting).</exception>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it; on SQLite only one such write runs at a time per
    /// file (readers run beside it). The transaction is rolled back when <paramref name="work"/> throws.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var writer = await EnterWriterAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary><see cref="WriteAsync{T}"/> without a result.</summary>
    public Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken = default) =>
        WriteAsync(async (c, t) => { await work(c, t); return 0; }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> on a connection of its own, outside any write transaction.</summary>
    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenAsync(cancellationToken);
        return await work(connection);
    }

    /// <summary>Waits for this process's turn to write (SQLite: one writer per file); disposing the result ends the turn.</summary>
    protected abstract ValueTask<IAsyncDisposable> EnterWriterAsync(CancellationToken cancellationToken);

    /// <summary>The larger of two SQL expressions (<c>max(a, b)</c> in SQLite, <c>GREATEST(a, b)</c> in PostgreSQL).</summary>
    public abstract string Greatest(string a, string b);

    /// <summary>The smaller of two SQL expressions.</summary>
    public abstract string Least(string a, string b);

    /// <summary>The engine's aggregate joining strings with <paramref name="separator"/> (a SQL string literal).</summary>
    public abstract string StringAgg(string expression, string separator);

    /// <summary>Whether <paramref name="e"/> is a unique-constraint violation.</summary>
    public abstract bool IsUniqueViolation(Exception e);

    /// <inheritdoc/>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The ledger cannot be created, opened or reached where its settings say (the message names the setting).</summary>
public sealed class LedgerUnavailableException(string message, Exception? inner = null) : IOException(message, inner);
