using System.Data.Common;

namespace GridEdge.Server.Storage;

/// <summary>
/// Commands with parameters on any engine (names as written in the SQL, <c>@name</c>; null becomes SQL NULL), and the
/// readers' conversions every store needs. Values are always parameters, never text in the SQL.
/// </summary>
public static class Sql
{
    /// <summary>A command on <paramref name="connection"/> (in <paramref name="transaction"/> when given) with its parameters bound.</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        // A fresh command: no name to look up first (a statement of many rows has thousands).
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        return command;
    }

    /// <summary>Adds (or sets) the parameters of <paramref name="command"/>.</summary>
    public static void Bind(DbCommand command, params (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            if (command.Parameters.Contains(name))
            {
                command.Parameters[name].Value = value ?? DBNull.Value;
                continue;
            }
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
    }

    /// <summary>Runs a statement; the number of rows it changed.</summary>
    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The first column of the first row, or null.</summary>
    public static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    /// <summary>Every row of a query, read by <paramref name="read"/>.</summary>
    public static async Task<List<T>> ListAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(read(reader));
        return rows;
    }

    /// <summary>"column IN (@p0, @p1, ...)" with one parameter per value; a condition no row meets when there are none.</summary>
    public static (string Condition, (string Name, object? Value)[] Parameters) In(string column, string parameter, IReadOnlyList<string> values) =>
        values.Count == 0 ? ("1 = 0", [])
        : ($"{column} IN ({string.Join(", ", values.Select((_, i) => $"@{parameter}{i}"))})", [.. values.Select((v, i) => ($"@{parameter}{i}", (object?)v))]);

    /// <summary>A text column that may be NULL.</summary>
    public static string? Str(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    /// <summary>A number column that may be NULL.</summary>
    public static double? OptDouble(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    /// <summary>An integer column that may be NULL.</summary>
    public static long? OptLong(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    /// <summary>Unix milliseconds as a time.</summary>
    public static DateTimeOffset Ms(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>A Unix-milliseconds column that may be NULL.</summary>
    public static DateTimeOffset? OptMs(DbDataReader r, int i) => r.IsDBNull(i) ? null : Ms(r.GetInt64(i));
}
