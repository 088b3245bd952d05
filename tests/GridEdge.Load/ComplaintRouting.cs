using System.Diagnostics;
using System.Text.Json;
using GridEdge.Server.Complaints;
using GridEdge.Testing;
using Microsoft.Data.Sqlite;

namespace GridEdge.Load;

/// <summary>
/// Routing a complaint to its village over the city of <c>report</c> (5,209 village outlines): the cell index of the
/// server's <see cref="ComplaintRouter"/> against testing every outline, same points, same run; p50 and p99 per complaint.
/// </summary>
internal static class ComplaintRouting
{
    public static async Task<int> RunAsync(string? ledger, int complaints)
    {
        using var dir = new TempDirectory("route");
        var ledgerPath = await CityReport.EnsureLedgerAsync(ledger is not null ? Path.GetFullPath(ledger) : dir.File("ledger.db"), 200_000);
        var outlines = new List<VillageOutline>();
        using (var connection = new SqliteConnection($"Data Source={ledgerPath};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT code, boundary FROM grids WHERE level = 4 AND boundary IS NOT NULL ORDER BY code;";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                using var boundary = JsonDocument.Parse(reader.GetString(1));
                if (VillageOutline.Parse(reader.GetString(0), boundary.RootElement) is { } outline) outlines.Add(outline);
            }
        }
        if (outlines.Count == 0) throw new InvalidOperationException($"{ledgerPath} has no village outlines: generate it anew (delete the file)");
        var build = Stopwatch.StartNew();
        var router = new ComplaintRouter(outlines);
        var built = build.Elapsed.TotalMilliseconds;

        // Points over the city's extent (some fall between villages, as complaints from fields and roads do).
        var random = new Random(2026);
        var (minLon, maxLon) = (outlines.Min(o => o.MinLon), outlines.Max(o => o.MaxLon));
        var (minLat, maxLat) = (outlines.Min(o => o.MinLat), outlines.Max(o => o.MaxLat));
        var points = Enumerable.Range(0, complaints).Select(_ => (Lat: minLat + random.NextDouble() * (maxLat - minLat), Lon: minLon + random.NextDouble() * (maxLon - minLon))).ToArray();

        double[] Time(Func<double, double, string?> route, out string?[] answers)
        {
            var found = new string?[points.Length];
            var each = new double[points.Length];
            for (var i = 0; i < Math.Min(200, points.Length); i++) route(points[i].Lat, points[i].Lon); // warm-up
            for (var i = 0; i < points.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                found[i] = route(points[i].Lat, points[i].Lon);
                each[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            answers = found;
            Array.Sort(each);
            return each;
        }
        var scan = Time(router.RouteByScan, out var scanned);
        var indexed = Time(router.Route, out var routed);
        var disagree = Enumerable.Range(0, points.Length).Count(i => scanned[i] != routed[i]);
        static double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

        Console.WriteLine($"route: {complaints:N0} complaints over {outlines.Count:N0} village outlines; index built in {built:F0} ms; " +
                          $"{routed.Count(r => r is not null):N0} inside a village; answers that differ from the scan: {disagree}");
        Console.WriteLine($"  scan of every outline (baseline)  p50 {P(scan, 0.5) * 1000,8:F1} µs  p99 {P(scan, 0.99) * 1000,8:F1} µs");
        Console.WriteLine($"  cell index (the server's)         p50 {P(indexed, 0.5) * 1000,8:F1} µs  p99 {P(indexed, 0.99) * 1000,8:F1} µs " +
                          $"= {P(indexed, 0.99) / P(scan, 0.99):F3} x baseline p99 (target p99 <= 5 ms)");
        return disagree == 0 ? 0 : 1;
    }
}
