using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GridEdge.Server.Storage;

/// <summary>How one table was copied.</summary>
public sealed record TableCopy(string Table, long SourceRows, long TargetRows, long CopiedNow, string SourceSha256, string TargetSha256)
{
    /// <summary>Same row count and the same checksum on both sides.</summary>
    public bool Verified => SourceRows == TargetRows && SourceSha256 == TargetSha256;
}

/// <summary>
/// Copies a pilot's SQLite ledger into PostgreSQL, table by table in primary-key order, 1,000 rows per statement, each
/// batch committed with the position it reached (<c>ledger_copy_progress</c> in the target), so an interrupted copy
/// continues where it stopped and a repeated one copies nothing twice (rows already there are skipped by their keys).
/// Both ledgers are migrated to this server's schema first. Each table is then verified: row counts and a SHA-256 over
/// every row in key order, read back from both engines. Files kept beside the SQLite ledger (photos) are copied by
/// the stores that own them through <see cref="ILedgerCopyPart"/>.
/// </summary>
public sealed class LedgerCopy(SqliteLedgerDatabase source, PostgresLedgerDatabase target, IEnumerable<ILedgerCopyPart> parts, Action<string> report)
{
    private const int BatchRows = 1000;

    /// <summary>Copies every table and part; the verification of each table.</summary>
    public async Task<IReadOnlyList<TableCopy>> RunAsync(CancellationToken cancellationToken = default)
    {
        await using (var progress = await target.OpenAsync(cancellationToken))
            await Sql.ExecuteAsync(progress, null,
                "CREATE TABLE IF NOT EXISTS ledger_copy_progress (tbl TEXT NOT NULL PRIMARY KEY, last_key TEXT, done BOOLEAN NOT NULL DEFAULT FALSE);", cancellationToken);
        var results = new List<TableCopy>();
        foreach (var table in await SourceTablesAsync(cancellationToken))
        {
            foreach (var part in parts) await part.BeforeTableAsync(table.Name, source, target, cancellationToken);
            var copied = await CopyTableAsync(table, cancellationToken);
            var verified = await VerifyAsync(table, copied, cancellationToken);
            report($"{table.Name}: {verified.SourceRows} rows, {copied} copied now, {(verified.Verified ? "verified" : "MISMATCH")} (sha256 {verified.SourceSha256[..12]})");
            results.Add(verified);
        }
        foreach (var part in parts) report(await part.CopyFilesAsync(source, target, cancellationToken));
        await ResetSequencesAsync(results.Select(r => r.Table), cancellationToken);
        return results;
    }

    private sealed record Table(string Name, IReadOnlyList<string> Columns, IReadOnlyList<string> Key);

    private async Task<List<Table>> SourceTablesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenAsync(cancellationToken);
        var names = await Sql.ListAsync(connection, null,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name;",
            r => r.GetString(0), cancellationToken);
        var tables = new List<Table>();
        foreach (var name in names)
        {
            var columns = await Sql.ListAsync(connection, null, "SELECT name, pk FROM pragma_table_info(@t) ORDER BY cid;",
                r => (Name: r.GetString(0), Pk: r.GetInt32(1)), cancellationToken, ("@t", name));
            var key = columns.Where(c => c.Pk > 0).OrderBy(c => c.Pk).Select(c => c.Name).ToList();
            tables.Add(new Table(name, columns.Select(c => c.Name).ToList(), key.Count > 0 ? key : ["rowid"]));
        }
        return tables;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private async Task<long> CopyTableAsync(Table table, CancellationToken cancellationToken)
    {
        var (lastKey, done) = await ProgressAsync(table.Name, cancellationToken);
        if (done) return 0;
        var keyList = string.Join(", ", table.Key.Select(Quote));
        var select = $"SELECT {string.Join(", ", table.Columns.Select(Quote))}{(table.Key[0] == "rowid" ? ", rowid" : "")} FROM {Quote(table.Name)}";
        var copied = 0L;
        await using var read = await source.OpenAsync(cancellationToken);
        while (true)
        {
            var where = lastKey is null ? "" : $" WHERE ({keyList}) > ({string.Join(", ", table.Key.Select((_, i) => $"@k{i}"))})";
            var parameters = lastKey is null ? [] : KeyValues(lastKey).Select((v, i) => ($"@k{i}", v)).ToArray();
            var rows = await Sql.ListAsync(read, null, $"{select}{where} ORDER BY {keyList} LIMIT {BatchRows};", r =>
            {
                var values = new object?[r.FieldCount];
                for (var i = 0; i < r.FieldCount; i++) values[i] = r.IsDBNull(i) ? null : r.GetValue(i);
                return values;
            }, cancellationToken, parameters);
            if (rows.Count == 0) break;
            var keyIndexes = table.Key.Select(k => k == "rowid" ? table.Columns.Count : table.Columns.ToList().IndexOf(k)).ToArray();
            lastKey = KeyText(keyIndexes.Select(i => rows[^1][i]));
            await target.WriteAsync(async (connection, transaction) =>
            {
                var sql = new StringBuilder($"INSERT INTO {Quote(table.Name)} ({string.Join(", ", table.Columns.Select(Quote))}) VALUES ");
                var values = new List<(string, object?)>();
                for (var r = 0; r < rows.Count; r++)
                {
                    sql.Append(r == 0 ? "(" : ", (");
                    for (var c = 0; c < table.Columns.Count; c++)
                    {
                        sql.Append(c == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"@v{r}_{c}");
                        values.Add(($"@v{r}_{c}", rows[r][c]));
                    }
                    sql.Append(')');
                }
                sql.Append(" ON CONFLICT DO NOTHING;");
                copied += await Sql.ExecuteAsync(connection, transaction, sql.ToString(), cancellationToken, [.. values]);
                await SaveProgressAsync(connection, transaction, table.Name, lastKey, false, cancellationToken);
            }, cancellationToken);
            if (rows.Count < BatchRows) break;
        }
        await target.WriteAsync((c, t) => SaveProgressAsync(c, t, table.Name, lastKey, true, cancellationToken), cancellationToken);
        return copied;
    }

    private async Task<(string? LastKey, bool Done)> ProgressAsync(string table, CancellationToken cancellationToken)
    {
        await using var connection = await target.OpenAsync(cancellationToken);
        var rows = await Sql.ListAsync(connection, null, "SELECT last_key, done FROM ledger_copy_progress WHERE tbl = @t;",
            r => (Sql.Str(r, 0), r.GetBoolean(1)), cancellationToken, ("@t", table));
        return rows.Count == 0 ? (null, false) : rows[0];
    }

    private static Task SaveProgressAsync(DbConnection connection, DbTransaction transaction, string table, string? lastKey, bool done, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(connection, transaction, """
            INSERT INTO ledger_copy_progress (tbl, last_key, done) VALUES (@t, @k, @d)
            ON CONFLICT (tbl) DO UPDATE SET last_key = excluded.last_key, done = excluded.done;
            """, cancellationToken, ("@t", table), ("@k", lastKey), ("@d", done));

    // A key is kept as text between runs: each value tagged with its type, so it binds back as the same type.
    private static string KeyText(IEnumerable<object?> values) =>
        string.Join('\u001f', values.Select(v => v switch
        {
            null => "n:",
            long l => "l:" + l.ToString(CultureInfo.InvariantCulture),
            double d => "d:" + d.ToString("R", CultureInfo.InvariantCulture),
            _ => "s:" + Convert.ToString(v, CultureInfo.InvariantCulture),
        }));

    private static IEnumerable<object?> KeyValues(string text) =>
        text.Split('\u001f').Select(part => part[..2] switch
        {
            "l:" => (object?)long.Parse(part[2..], CultureInfo.InvariantCulture),
            "d:" => double.Parse(part[2..], CultureInfo.InvariantCulture),
            "s:" => part[2..],
            _ => null,
        });

    private async Task<TableCopy> VerifyAsync(Table table, long copiedNow, CancellationToken cancellationToken)
    {
        var keys = table.Key[0] == "rowid" ? table.Columns : table.Key;
        var order = string.Join(", ", keys.Select(Quote));
        var columns = string.Join(", ", table.Columns.Select(Quote));
        var (sourceRows, sourceSha) = await ChecksumAsync(source, $"SELECT {columns} FROM {Quote(table.Name)} ORDER BY {order};", cancellationToken);
        // Text keys in byte order, as SQLite sorts them; numbers as numbers.
        List<string> textColumns;
        await using (var connection = await target.OpenAsync(cancellationToken))
            textColumns = await Sql.ListAsync(connection, null,
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @t AND data_type IN ('text', 'character varying');",
                r => r.GetString(0), cancellationToken, ("@t", table.Name));
        var collate = string.Join(", ", keys.Select(k => Quote(k) + (textColumns.Contains(k) ? " COLLATE \"C\"" : "")));
        var (targetRows, targetSha) = await ChecksumAsync(target, $"SELECT {columns} FROM {Quote(table.Name)} ORDER BY {collate};", cancellationToken);
        return new TableCopy(table.Name, sourceRows, targetRows, copiedNow, sourceSha, targetSha);
    }

    private static async Task<(long Rows, string Sha256)> ChecksumAsync(LedgerDatabase database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Sql.Command(connection, null, sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var rows = 0L;
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
            for (var i = 0; i < reader.FieldCount; i++)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(Canonical(reader.IsDBNull(i) ? null : reader.GetValue(i))));
                hash.AppendData([0x1f]);
            }
            hash.AppendData([0x1e]);
        }
        return (rows, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    // The same value reads back as different CLR types from the two engines (INTEGER as long or int, BOOLEAN as bool).
    private static string Canonical(object? value) => value switch
    {
        null => "\u2400",
        byte[] bytes => "x" + Convert.ToHexStringLower(bytes),
        bool b => b ? "1" : "0",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => ((double)f).ToString("R", CultureInfo.InvariantCulture),
        IConvertible c when value is long or int or short or byte or decimal => Convert.ToInt64(c, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    // Identity columns filled with explicit values would hand out taken ids: move each sequence past the copied rows.
    private async Task ResetSequencesAsync(IEnumerable<string> tables, CancellationToken cancellationToken)
    {
        await using var connection = await target.OpenAsync(cancellationToken);
        foreach (var table in tables)
        {
            var columns = await Sql.ListAsync(connection, null, """
                SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = @t AND (is_identity = 'YES' OR column_default LIKE 'nextval(%');
                """, r => r.GetString(0), cancellationToken, ("@t", table));
            foreach (var column in columns)
                await Sql.ExecuteAsync(connection, null,
                    $"SELECT setval(pg_get_serial_sequence(@t, @c), GREATEST((SELECT MAX({Quote(column)}) FROM {Quote(table)}), 1));",
                    cancellationToken, ("@t", table), ("@c", column));
        }
    }
}

/// <summary>
/// A store's share of <see cref="LedgerCopy"/> beyond its tables: preparing the target for a table (monthly
/// partitions) and copying what lives beside the SQLite file (photos on disk).
/// </summary>
public interface ILedgerCopyPart
{
    /// <summary>Called before <paramref name="table"/> is copied (a part ignores tables that are not its own).</summary>
    Task BeforeTableAsync(string table, SqliteLedgerDatabase source, PostgresLedgerDatabase target, CancellationToken cancellationToken);

    /// <summary>Copies the part's files; one line for the report.</summary>
    Task<string> CopyFilesAsync(SqliteLedgerDatabase source, PostgresLedgerDatabase target, CancellationToken cancellationToken);
}
