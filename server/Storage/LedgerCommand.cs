using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Server.Storage;

/// <summary>
/// <c>GridEdge.Server ledger copy --from sqlite:PATH --to postgres:CONNSTRING</c>: moves a pilot's SQLite ledger
/// (every table, photos included) into PostgreSQL with <see cref="LedgerCopy"/>, both migrated to this server's schema
/// first; exit 0 when every table verified, 1 when one did not or the copy failed (run it again: it resumes).
/// </summary>
public static class LedgerCommand
{
    /// <summary>The examples in the command's help.</summary>
    public static readonly string[] Examples =
    [
        "GridEdge.Server ledger copy --from sqlite:./data/ledger.db --to 'postgres:Host=127.0.0.1;Database=gridedge;Username=gridedge;Password=...'",
    ];

    /// <summary>The <c>ledger</c> command with its <c>copy</c> sub-command.</summary>
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "The SQLite ledger to copy: sqlite:PATH", Required = true };
        from.Validators.Add(r => Check(r, "sqlite:", "sqlite:PATH"));
        var to = new Option<string>("--to") { Description = "The PostgreSQL ledger to copy into: postgres:CONNECTION-STRING (Npgsql)", Required = true };
        to.Validators.Add(r => Check(r, "postgres:", "postgres:Host=...;Database=...;Username=..."));
        var copy = new Command("copy", "Copies every table of a SQLite ledger, photos included, into PostgreSQL, verifying counts and a SHA-256 per table; resumes where an interrupted copy stopped.")
        {
            from, to,
        };
        copy.SetAction(async (result, cancellationToken) => await RunAsync(
            result.GetRequiredValue(from)["sqlite:".Length..], result.GetRequiredValue(to)["postgres:".Length..],
            result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken));
        return new Command("ledger", "Ledger maintenance: copy a SQLite ledger into PostgreSQL.") { copy };
    }

    private static void Check(System.CommandLine.Parsing.OptionResult result, string prefix, string expected)
    {
        if (result.Tokens.FirstOrDefault()?.Value is { } value && !value.StartsWith(prefix, StringComparison.Ordinal))
            result.AddError($"{result.Option.Name} is '{value}': expected {expected}");
    }

    /// <summary>Runs the copy; the exit status.</summary>
    public static async Task<int> RunAsync(string sqlitePath, string connectionString, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(sqlitePath))
        {
            stderr.WriteLine($"ledger copy: --from: no SQLite ledger at '{Path.GetFullPath(sqlitePath)}'");
            return 1;
        }
        // The server's own composition names every ledger's schema and copy parts; nothing of it is started.
        await using var app = ServerHost.Build([], new Dictionary<string, string?>
        {
            ["Server:Ledger:Provider"] = "postgres",
            ["Server:Ledger:ConnectionString"] = connectionString,
            ["Server:Logs:Directory"] = Path.Combine(Path.GetTempPath(), "gridedge-ledger-copy-logs"),
        });
        var schemas = app.Services.GetServices<ILedgerSchema>().ToList();
        var parts = app.Services.GetServices<ILedgerCopyPart>().ToList();
        try
        {
            await using var source = new SqliteLedgerDatabase(sqlitePath);
            await using var target = new PostgresLedgerDatabase(connectionString);
            foreach (var database in new LedgerDatabase[] { source, target })
                await new SchemaMigrator(database, schemas, TimeProvider.System, NullLogger<SchemaMigrator>.Instance).MigrateAsync(cancellationToken);
            var tables = await new LedgerCopy(source, target, parts, stdout.WriteLine).RunAsync(cancellationToken);
            var bad = tables.Where(t => !t.Verified).ToList();
            foreach (var t in bad)
                stderr.WriteLine($"ledger copy: {t.Table}: {t.SourceRows} rows in SQLite, {t.TargetRows} in PostgreSQL, checksums {t.SourceSha256[..12]} / {t.TargetSha256[..12]}");
            stdout.WriteLine(bad.Count == 0
                ? $"Copied and verified {tables.Count} tables, {tables.Sum(t => t.SourceRows)} rows."
                : $"{bad.Count} of {tables.Count} tables did not verify.");
            return bad.Count == 0 ? 0 : 1;
        }
        catch (Exception e) when (e is LedgerUnavailableException or LedgerSchemaTooNewException or System.Data.Common.DbException)
        {
            stderr.WriteLine($"ledger copy: {e.Message} (run it again to resume)");
            return 1;
        }
    }
}
