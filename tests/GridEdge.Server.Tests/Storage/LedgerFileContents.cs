using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace GridEdge.Server.Tests.Storage;

/// <summary>One table of a SQLite ledger file: its columns, how many rows it holds and a SHA-256 over those rows' values.</summary>
public sealed record TableContents(IReadOnlyList<string> Columns, long Rows, string Sha256);

/// <summary>
/// Reads a SQLite ledger file table by table, independently of the server's stores: so an upgrade can be shown to keep
/// every row and every value of the columns a table had before it.
/// </summary>
public static class LedgerFileContents
{
    /// <summary>Connections that leave nothing open on the file once disposed.</summary>
    public static SqliteConnection Open(string path, SqliteOpenMode mode = SqliteOpenMode.ReadWrite)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Creates <paramref name="path"/> from a SQL text dump (<c>sqlite3 ledger.db .dump</c>).</summary>
    public static void Load(string dumpPath, string path)
    {
        using var connection = Open(path, SqliteOpenMode.ReadWriteCreate);
        using var command = connection.CreateCommand();
        command.CommandText = File.ReadAllText(dumpPath);
        command.ExecuteNonQuery();
    }

    /// <summary>Every table (SQLite's own aside), each over all its columns.</summary>
    public static IReadOnlyDictionary<string, TableContents> Read(string path)
    {
        using var connection = Open(path, SqliteOpenMode.ReadOnly);
        var tables = Strings(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;");
        return tables.ToDictionary(t => t, t => Read(connection, t, Columns(connection, t)), StringComparer.Ordinal);
    }

    /// <summary>The tables of <paramref name="before"/> as they are now, each over the columns it had then (less <paramref name="except"/>, "table.column").</summary>
    public static IReadOnlyDictionary<string, TableContents> Read(string path, IReadOnlyDictionary<string, TableContents> before, params string[] except)
    {
        using var connection = Open(path, SqliteOpenMode.ReadOnly);
        return before.ToDictionary(t => t.Key, t => Read(connection, t.Key, Without(t.Key, t.Value.Columns, except)), StringComparer.Ordinal);
    }

    /// <summary><paramref name="columns"/> less those of <paramref name="table"/> named in <paramref name="except"/> ("table.column").</summary>
    public static IReadOnlyList<string> Without(string table, IReadOnlyList<string> columns, params string[] except) =>
        columns.Where(c => !except.Contains($"{table}.{c}", StringComparer.Ordinal)).ToList();

    /// <summary>The table's rows over <paramref name="columns"/>, in the order of their values, hashed value by value with each value's storage class.</summary>
    public static TableContents Read(SqliteConnection connection, string table, IReadOnlyList<string> columns)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var command = connection.CreateCommand();
        var list = string.Join(", ", columns.Select(Quote));
        var order = string.Join(", ", Enumerable.Range(1, columns.Count));
        command.CommandText = $"SELECT {list} FROM {Quote(table)} ORDER BY {order};";
        long rows = 0;
        using (var reader = command.ExecuteReader())
            while (reader.Read())
            {
                rows++;
                for (var i = 0; i < reader.FieldCount; i++) Append(hash, reader.IsDBNull(i) ? null : reader.GetValue(i));
            }
        return new TableContents(columns, rows, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    public static IReadOnlyList<string> Columns(SqliteConnection connection, string table) =>
        Strings(connection, $"SELECT name FROM pragma_table_info({Literal(table)}) ORDER BY cid;");

    public static IReadOnlyList<string> Strings(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read()) values.Add(reader.GetString(0));
        return values;
    }

    private static void Append(IncrementalHash hash, object? value)
    {
        // A tag for the storage class, then the value in a fixed width or with its length: ("ab", "c") never hashes like ("a", "bc").
        switch (value)
        {
            case null: hash.AppendData("N"u8); break;
            case long l: hash.AppendData("I"u8); hash.AppendData(BitConverter.GetBytes(l)); break;
            case double d: hash.AppendData("R"u8); hash.AppendData(BitConverter.GetBytes(d)); break;
            case string s:
                var bytes = Encoding.UTF8.GetBytes(s);
                hash.AppendData("T"u8); hash.AppendData(BitConverter.GetBytes(bytes.Length)); hash.AppendData(bytes);
                break;
            case byte[] b: hash.AppendData("B"u8); hash.AppendData(BitConverter.GetBytes(b.Length)); hash.AppendData(b); break;
            default: throw new InvalidOperationException($"unexpected SQLite value {value} ({value.GetType().Name})");
        }
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
