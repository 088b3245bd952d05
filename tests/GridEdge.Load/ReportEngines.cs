using System.Diagnostics;
using GridEdge.Server.Storage;
using GridEdge.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GridEdge.Load;

/// <summary>
/// The city-wide weekly report on both engines in one run: the city ledger generated in SQLite (as <c>report</c> makes
/// it), moved into a private PostgreSQL 15 cluster (fsync on) by the server's own <c>ledger copy</c>, then the same
/// requests to the real server on each; the PostgreSQL times as multiples of the SQLite ones.
/// </summary>
internal static class ReportEngines
{
    public static async Task<int> RunAsync(int checkins, string? ledger, bool collateFix, Action<string> log)
    {
        using var dir = new TempDirectory("report-engines");
        var ledgerPath = await CityReport.EnsureLedgerAsync(ledger is not null ? Path.GetFullPath(ledger) : dir.File("ledger.db"), checkins);

        await using var cluster = await PostgresCluster.StartAsync(durable: true, log);
        var connectionString = await cluster.CreateDatabaseAsync("city");
        var sw = Stopwatch.StartNew();
        var copyLines = new StringWriter();
        if (await LedgerCommand.RunAsync(ledgerPath, connectionString, copyLines, Console.Error) != 0)
            throw new InvalidOperationException($"ledger copy into PostgreSQL failed: {copyLines}");
        foreach (var line in copyLines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)) log(line);
        var copied = sw.Elapsed.TotalSeconds;
        // A ledger that grew in place has its planner statistics; a copied one gets them from ANALYZE (autovacuum would, a minute later).
        sw.Restart();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var analyze = new NpgsqlCommand("ANALYZE;", connection);
            await analyze.ExecuteNonQueryAsync();
        }
        Console.WriteLine($"  copied into PostgreSQL by `GridEdge.Server ledger copy` in {copied:F1} s ({copyLines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim()}); ANALYZE {sw.Elapsed.TotalSeconds:F1} s");

        var sqlite = await CityReport.FetchAsync(new Dictionary<string, string?> { ["Server:Ledger:Path"] = ledgerPath }, dir.File("sqlite-logs"), keep: false);
        SqliteConnection.ClearAllPools();
        var postgres = await CityReport.FetchAsync(new Dictionary<string, string?>
        {
            ["Server:Ledger:Provider"] = "postgres",
            ["Server:Ledger:ConnectionString"] = connectionString,
        }, dir.File("postgres-logs"), keep: false);

        Print("PostgreSQL", sqlite, postgres);

        if (!collateFix) return 0;
        // patrol_places.place_id is the one key column compared with a COLLATE "C" column (enterprises.id, key_points.id)
        // while having the default collation: the planner cannot use patrol_places_by_place for the enterprise visits.
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var alter = new NpgsqlCommand("""ALTER TABLE patrol_places ALTER COLUMN place_id TYPE TEXT COLLATE "C"; ANALYZE patrol_places;""", connection);
            await alter.ExecuteNonQueryAsync();
        }
        var fixedCollation = await CityReport.FetchAsync(new Dictionary<string, string?>
        {
            ["Server:Ledger:Provider"] = "postgres",
            ["Server:Ledger:ConnectionString"] = connectionString,
        }, dir.File("postgres-fixed-logs"), keep: false);
        Print("PostgreSQL with patrol_places.place_id COLLATE \"C\"", sqlite, fixedCollation);
        return 0;
    }

    private static void Print(string engine, IReadOnlyList<CityReport.Fetched> sqlite, IReadOnlyList<CityReport.Fetched> other)
    {
        Console.WriteLine($"  city-wide weekly report, {CityReport.VillageRows:N0} grid rows, each engine from a fresh in-process server: SQLite (baseline) | {engine}");
        foreach (var (s, p) in sqlite.Zip(other))
        {
            var label = s.Format + (s.Format == "xlsx" ? (s.First ? " (first request)" : " (again)") : "");
            Console.WriteLine($"    {label,-21} {s.Seconds,6:F2} s | {p.Seconds,6:F2} s = {p.Seconds / s.Seconds,5:F2} x SQLite (target <= 2)");
        }
    }
}
