using System.Data.Common;
using System.Text;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Ledgers;

/// <summary>
/// Many rows into one table as multi-row <c>INSERT ... ON CONFLICT DO NOTHING</c> statements (the same SQL on both
/// engines), in chunks that stay under both engines' parameter limits; the number of rows actually added.
/// </summary>
public static class RowInsert
{
    /// <summary>Rows per statement: 16 columns × 500 stays far below SQLite's 32766 and PostgreSQL's 65535 parameters.</summary>
    private const int ChunkRows = 500;

    /// <summary>Inserts <paramref name="rows"/> (each one value per column, in order), skipping rows whose key is already stored.</summary>
    public static async Task<int> InsertIgnoringDuplicatesAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> columns,
        IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var added = 0;
        for (var start = 0; start < rows.Count; start += ChunkRows)
        {
            var count = Math.Min(ChunkRows, rows.Count - start);
            var sql = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            var parameters = new (string, object?)[count * columns.Count];
            for (var r = 0; r < count; r++)
            {
                if (r > 0) sql.Append(", ");
                sql.Append('(');
                var row = rows[start + r];
                for (var c = 0; c < columns.Count; c++)
                {
                    var name = $"@p{r}_{c}";
                    if (c > 0) sql.Append(", ");
                    sql.Append(name);
                    parameters[r * columns.Count + c] = (name, row[c]);
                }
                sql.Append(')');
            }
            sql.Append(" ON CONFLICT DO NOTHING;");
            added += await Sql.ExecuteAsync(connection, transaction, sql.ToString(), cancellationToken, parameters);
        }
        return added;
    }
}
