using System.Data.Common;
using Npgsql;

namespace GridEdge.Server.Storage;

/// <summary>
/// The ledger in PostgreSQL, shared by every server node: Npgsql's pooled data source; writers run side by side and the
/// engine's keys and row locks decide between them (a redelivery to another node meets the same unique key).
/// </summary>
public sealed class PostgresLedgerDatabase : LedgerDatabase
{
    private static readonly IAsyncDisposable NoTurn = new Nothing();
    private readonly NpgsqlDataSource _source;
    private readonly string _where;

    /// <summary>A data source on <paramref name="connectionString"/> (an Npgsql connection string).</summary>
    /// <exception cref="LedgerUnavailableException">The connection string cannot be parsed.</exception>
    public PostgresLedgerDatabase(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try { builder = new NpgsqlConnectionStringBuilder(connectionString); }
        catch (ArgumentException e)
        {
            throw new LedgerUnavailableException($"Server:Ledger:ConnectionString cannot be read ({e.Message}); expected an Npgsql connection string such as Host=127.0.0.1;Port=5432;Database=gridedge;Username=gridedge;Password=...", e);
        }
        _where = $"postgres://{builder.Host}:{builder.Port}/{builder.Database}";
        _source = NpgsqlDataSource.Create(builder);
    }

    /// <summary>The data source (for binary COPY).</summary>
    public NpgsqlDataSource Source => _source;

    /// <inheritdoc/>
    public override LedgerEngine Engine => LedgerEngine.Postgres;

    /// <inheritdoc/>
    public override string Describe() => _where;

    /// <inheritdoc/>
    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _source.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException { IsTransient: true } or NpgsqlException { SqlState: "28P01" or "28000" or "3D000" } or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new LedgerUnavailableException($"Server:Ledger:ConnectionString: cannot reach the ledger at {_where} ({e.Message})", e);
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<IAsyncDisposable> EnterWriterAsync(CancellationToken cancellationToken) => ValueTask.FromResult(NoTurn);

    /// <inheritdoc/>
    public override string Greatest(string a, string b) => $"GREATEST({a}, {b})";

    /// <inheritdoc/>
    public override string Least(string a, string b) => $"LEAST({a}, {b})";

    /// <inheritdoc/>
    public override string StringAgg(string expression, string separator) => $"string_agg({expression}, {separator})";

    /// <inheritdoc/>
    public override bool IsUniqueViolation(Exception e) => e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        await base.DisposeAsync();
    }

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
