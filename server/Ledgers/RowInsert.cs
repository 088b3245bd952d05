using System.Data.Common;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Ledgers;

/// <summary>A column of <see cref="RowInsert"/>: its name and the CLR type of its values (string, long or double; null allowed).</summary>
public sealed record RowColumn(string Name, Type Type);

/// <summary>
/// Many rows into one table, skipping rows whose key is already stored; the number of rows actually added. Each engine
/// gets its fast path: SQLite one prepared single-row <c>INSERT ... ON CONFLICT DO NOTHING</c> run per row (statements
/// are cheap in-process, and binding a many-parameter statement costs more than it saves); PostgreSQL one statement per
/// batch, <c>INSERT ... SELECT FROM unnest(@c0, @c1, ...)</c> with one array parameter per column.
/// </summary>
public static class RowInsert
{
    /// <summary>Inserts <paramref name="rows"/> (each one value per column, in order), skipping rows whose key is already stored.</summary>
    public static Task<int> InsertIgnoringDuplicatesAsync(LedgerEngine engine, DbConnection connection, DbTransaction transaction, string table,
        IReadOnlyList<RowColumn> columns, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        rows.Count == 0 ? Task.FromResult(0)
        : engine == LedgerEngine.Postgres ? UnnestAsync(connection, transaction, table, columns, rows, cancellationToken)
        : EachRowAsync(connection, transaction, table, columns, rows, cancellationToken);

    private static async Task<int> EachRowAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<RowColumn> columns,
        IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => c.Name))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@c{i}"))}) ON CONFLICT DO NOTHING;";
        var parameters = new DbParameter[columns.Count];
        for (var c = 0; c < columns.Count; c++)
        {
            parameters[c] = insert.CreateParameter();
            parameters[c].ParameterName = $"@c{c}";
            insert.Parameters.Add(parameters[c]);
        }
        var added = 0;
        foreach (var row in rows)
        {
            for (var c = 0; c < columns.Count; c++) parameters[c].Value = row[c] ?? DBNull.Value;
            added += await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        return added;
    }

    private static async Task<int> UnnestAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<RowColumn> columns,
        IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var parameters = new (string, object?)[columns.Count];
        for (var c = 0; c < columns.Count; c++) parameters[c] = ($"@c{c}", Column(columns[c], rows, c));
        var sql = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => c.Name))}) " +
                  $"SELECT * FROM unnest({string.Join(", ", columns.Select((_, i) => $"@c{i}"))}) ON CONFLICT DO NOTHING;";
        return await Sql.ExecuteAsync(connection, transaction, sql, cancellationToken, parameters);
    }

    // Typed arrays, so PostgreSQL knows each column's type even when every value in it is null.
    private static Array Column(RowColumn column, IReadOnlyList<object?[]> rows, int c)
    {
        if (column.Type == typeof(string)) return rows.Select(r => (string?)r[c]).ToArray();
        if (column.Type == typeof(long)) return rows.Select(r => r[c] is null ? (long?)null : Convert.ToInt64(r[c], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        if (column.Type == typeof(double)) return rows.Select(r => r[c] is null ? (double?)null : Convert.ToDouble(r[c], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        throw new NotSupportedException($"column {column.Name}: {column.Type.Name} values are not supported (string, long or double)");
    }
}
