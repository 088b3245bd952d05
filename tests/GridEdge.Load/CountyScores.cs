using System.Diagnostics;
using System.Text.Json;
using GridEdge.Testing;
using Microsoft.Data.Sqlite;

namespace GridEdge.Load;

/// <summary>
/// The assessment scores at city scale: on the `report` city's ledger (5,209 villages, about 1M check-ins in the month up to
/// 2026-11-25), a county's scores for 2026-Q4 from the real server over HTTP under both shipped sheets (its ~434 villages under
/// 002's, the county and its townships under 003's), and the whole city's villages for reference, each against the same-run
/// baseline of the weekly report: SELECT grid, COUNT(*) FROM checkins GROUP BY grid.
/// </summary>
internal static class CountyScores
{
    private const string County = "370102000000", City = "370100000000", Quarter = "2026-Q4";

    public static async Task<int> RunAsync(int checkins, string? ledger)
    {
        using var dir = new TempDirectory("county-scores");
        var ledgerPath = await CityReport.EnsureLedgerAsync(ledger is not null ? Path.GetFullPath(ledger) : dir.File("ledger.db"), checkins);

        var baseline = CityReport.GroupByGridBaseline(ledgerPath);

        var (server, http) = await CityReport.StartServerAsync(new Dictionary<string, string?> { ["Server:Ledger:Path"] = ledgerPath }, dir.File("server-logs"));
        await using (server)
        using (http)
        {
            foreach (var (grid, sheet, what) in new[]
                     {
                         (County, "village-002", "county, its villages (002)  first"), (County, "village-002", "county, its villages (002)  again"),
                         (County, "township-003", "county and townships (003)      "), (City, "village-002", "city, all villages (002)        "),
                     })
            {
                var url = $"/api/scores?grid={grid}&period={Quarter}&sheet={sheet}";
                var sw = Stopwatch.StartNew();
                using var response = await http.GetAsync(url);
                var bytes = await response.Content.ReadAsByteArrayAsync();
                var seconds = sw.Elapsed.TotalSeconds;
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
                using var body = JsonDocument.Parse(bytes);
                var rows = body.RootElement.GetProperty("rows");
                var traced = rows.EnumerateArray().SelectMany(r => r.GetProperty("items").EnumerateArray()).SelectMany(i => i.GetProperty("rules").EnumerateArray())
                    .Sum(r => r.GetProperty("records").GetArrayLength());
                var weeks = body.RootElement.GetProperty("weeks").GetArrayLength();
                var (low, high) = (rows.EnumerateArray().Min(r => r.GetProperty("total").GetDecimal()), rows.EnumerateArray().Max(r => r.GetProperty("total").GetDecimal()));
                Console.WriteLine($"  scores {Quarter} {what}: {rows.GetArrayLength(),5:N0} rows, {weeks} weeks ended, {traced,7:N0} traced records, totals {low}..{high}: " +
                                  $"{seconds,6:F2} s = {seconds / baseline,5:F1} x baseline{(grid == County ? " (target <= 10 s)" : "")}; {bytes.Length / 1024.0:N0} KiB");
            }
            await server.StopAsync();
        }
        return 0;
    }
}
