using System.Diagnostics;
using System.Globalization;
using GridEdge.Server.Compliance;
using GridEdge.Server.Grid;
using GridEdge.Server.Ledgers;
using GridEdge.Server.Storage;
using GridEdge.Server.Users;
using GridEdge.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using InProcessServer = GridEdge.Server.ServerHost;

namespace GridEdge.Load;

/// <summary>
/// The weekly report at city scale: a fresh ledger with a city's grid (1 city, 12 counties, 143 townships, 5,209 villages,
/// 15,000 members) and a month of its records (about 1M check-ins, patrols visiting key points and enterprises, ~5,000
/// problems in every state), then the city-wide weekly XLSX and CSV fetched from the real server over HTTP, each against
/// a baseline measured in the same run: one full scan of the check-ins, SELECT grid, COUNT(*) FROM checkins GROUP BY grid.
/// </summary>
internal static class CityReport
{
    private const int Counties = 12, Townships = 143, Villages = 5209, Members = 15_000;
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    private const string Week = "2026-W48";
    // The quarter holding the generated month: every section of the period report (patrols, problems, complaints, visits, campaigns).
    private const string Quarter = "2026-Q4";

    /// <summary>The baseline of the reports and scores: one plain full scan of the check-ins, grouped by grid; its seconds, printed.</summary>
    internal static double GroupByGridBaseline(string ledgerPath)
    {
        double seconds;
        using (var connection = new SqliteConnection($"Data Source={ledgerPath}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT grid, COUNT(*) FROM checkins GROUP BY grid;";
            var sw = Stopwatch.StartNew();
            long scanned = 0;
            var groups = 0;
            using (var reader = command.ExecuteReader())
                while (reader.Read()) { scanned += reader.GetInt64(1); groups++; }
            seconds = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"  baseline SELECT grid, COUNT(*) FROM checkins GROUP BY grid: {groups:N0} groups, {scanned:N0} rows in {seconds:F3} s");
        }
        SqliteConnection.ClearAllPools();
        return seconds;
    }

    /// <summary>--ledger PATH keeps the generated ledger there (and reuses it when it exists); --keep writes the reports to the current folder.</summary>
    public static async Task<int> RunAsync(int checkins, string? ledger, bool keep)
    {
        using var dir = new TempDirectory("city-report");
        var ledgerPath = await EnsureLedgerAsync(ledger is not null ? Path.GetFullPath(ledger) : dir.File("ledger.db"), checkins);

        var baseline = GroupByGridBaseline(ledgerPath);

        var fetched = await FetchAsync(new Dictionary<string, string?> { ["Server:Ledger:Path"] = ledgerPath }, dir.File("server-logs"), keep);
        foreach (var f in fetched)
            Console.WriteLine($"  city-wide {(f.Format == "quarter-xlsx" ? "quarterly xlsx" : "weekly " + f.Format),-14} {Villages:N0} grid rows: {f.Seconds,6:F2} s = {f.Seconds / baseline,5:F1} x baseline{(f.First && f.Format is "xlsx" or "quarter-xlsx" ? " (target <= 10 s; first request)" : f.Format is "xlsx" or "quarter-xlsx" ? " (again)" : "")}; " +
                              $"{f.Bytes / 1024.0:N0} KiB {f.Name}");
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine($"  peak working set of this process (generator, server and client): {self.PeakWorkingSet64 / 1048576.0:F0} MB");
        return 0;
    }

    /// <summary>The city ledger at <paramref name="ledgerPath"/>: reused when the file exists, else generated (one line says which); the path.</summary>
    public static async Task<string> EnsureLedgerAsync(string ledgerPath, int checkins)
    {
        var sw = Stopwatch.StartNew();
        if (File.Exists(ledgerPath))
            Console.WriteLine($"report: reusing the ledger {ledgerPath}");
        else
        {
            var counts = await GenerateAsync(ledgerPath, checkins);
            Console.WriteLine($"report: generated {string.Join(", ", counts.Select(c => $"{c.Value:N0} {c.Key}"))} in {sw.Elapsed.TotalSeconds:F1} s; " +
                              $"ledger {new FileInfo(ledgerPath).Length / 1048576.0:F0} MB");
        }
        return ledgerPath;
    }

    /// <summary>One report fetched: its format, whether it was the first request of its format, seconds, size and file name.</summary>
    public sealed record Fetched(string Format, bool First, double Seconds, int Bytes, string Name);

    /// <summary>The grid rows of the city-wide report (its villages).</summary>
    public const int VillageRows = Villages;

    /// <summary>
    /// Starts the real server in this process on the ledger of <paramref name="ledgerSettings"/> (Server:Ledger:*), fetches
    /// the city-wide weekly XLSX (first request), CSV, compliance JSON and XLSX again over HTTP, and stops it.
    /// </summary>
    public static async Task<IReadOnlyList<Fetched>> FetchAsync(IReadOnlyDictionary<string, string?> ledgerSettings, string logsDirectory, bool keep)
    {
        var (server, http) = await StartServerAsync(ledgerSettings, logsDirectory);
        await using var running = server;
        using var client = http;

        var city = "370100000000";
        var fetched = new List<Fetched>();
        foreach (var format in new[] { "xlsx", "csv", "json", "xlsx", "quarter-xlsx", "quarter-xlsx" })
        {
            var url = format == "json" ? $"/api/compliance?grid={city}&week={Week}"
                : format == "quarter-xlsx" ? $"/api/reports/quarter?grid={city}&period={Quarter}&format=xlsx"
                : $"/api/reports/weekly?grid={city}&week={Week}&format={format}";
            var sw = Stopwatch.StartNew();
            using var response = await http.GetAsync(url);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var seconds = sw.Elapsed.TotalSeconds;
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
            var name = response.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? "(inline)";
            if (keep && format != "json") File.WriteAllBytes(Path.Combine(Environment.CurrentDirectory, name), bytes);
            fetched.Add(new Fetched(format, fetched.All(f => f.Format != format), seconds, bytes.Length, name));
        }
        await server.StopAsync();
        return fetched;
    }

    /// <summary>Starts the real server in this process on the ledger of <paramref name="ledgerSettings"/>, with a client signed in as a city-wide reader.</summary>
    public static async Task<(Microsoft.AspNetCore.Builder.WebApplication Server, HttpClient Http)> StartServerAsync(IReadOnlyDictionary<string, string?> ledgerSettings,
        string logsDirectory)
    {
        var (httpPort, mqttPort) = (Loopback.FreePort(), Loopback.FreePort());
        var settings = new Dictionary<string, string?>(ledgerSettings)
        {
            ["Server:Http:Url"] = $"http://127.0.0.1:{httpPort}",
            ["Server:Broker:Port"] = mqttPort.ToString(CultureInfo.InvariantCulture),
            ["Server:Logs:Directory"] = logsDirectory,
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        var server = InProcessServer.Build([], settings);
        await server.StartAsync();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromMinutes(5) };
        // A city-wide reader of its own (the ledger may be kept across runs, so the name is this run's).
        var users = server.Services.GetRequiredService<IUserStore>();
        var reader = $"load-city-{httpPort}";
        _ = await users.CreateAsync(new NewUser(reader, null, Roles.City, null, null));
        var key = await users.CreateApiKeyAsync(reader) ?? throw new InvalidOperationException($"no API key for {reader}");
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key.Key);
        return (server, http);
    }

    /// <summary>Writes the city into a fresh ledger in batched transactions. Deterministic (fixed seed).</summary>
    private static async Task<SortedDictionary<string, long>> GenerateAsync(string path, int checkinTotal)
    {
        await using (var database = new SqliteLedgerDatabase(path))
            await new SchemaMigrator(database, GridLedgers.Schemas, TimeProvider.System, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        var random = new Random(4812);
        var cutOff = new DateTimeOffset(2026, 11, 25, 12, 0, 0, Cst);
        var monthStart = cutOff.AddDays(-30);
        long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();
        long RandomTime(DateTimeOffset from, TimeSpan span) => Ms(from) + (long)(random.NextDouble() * span.TotalMilliseconds);
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);

        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        // A generated file: nothing to lose on a crash, so no fsync per batch.
        Execute(connection, "PRAGMA synchronous=OFF; PRAGMA cache_size=-64000;");

        // The grid: county c (1..12) is 3701cc; townships spread over the counties, villages over the townships.
        var villages = new string[Villages];
        var townships = new string[Townships];
        Batch(connection, "INSERT INTO grids (code, level, name, parent) VALUES ($1, $2, $3, $4);", insert =>
        {
            insert(["370100000000", 1, "济南市", null]);
            for (var c = 0; c < Counties; c++) insert([$"3701{c + 2:00}000000", 2, $"县区{c + 1}", "370100000000"]);
            for (var t = 0; t < Townships; t++)
            {
                var county = $"3701{t % Counties + 2:00}";
                townships[t] = $"{county}{t / Counties + 1:000}000";
                insert([townships[t], 3, $"乡镇街道{t + 1}", $"{county}000000"]);
            }
            for (var v = 0; v < Villages; v++)
            {
                var township = townships[v % Townships];
                villages[v] = $"{township[..9]}{v / Townships + 1:000}";
                insert([villages[v], 4, $"村社区{v + 1}", township]);
            }
            counts["grids"] = 1 + Counties + Townships + Villages;
        });
        // Village boundaries for the map: each township a cell of a 12-column lattice, its villages a 6-column lattice in
        // it, each village a 24-vertex ring with jitter (its own seed, so the rest of the city is as before).
        var shapes = new Random(77);
        var centers = new (double Lat, double Lon)[Villages];
        Batch(connection, "UPDATE grids SET boundary = $2 WHERE code = $1;", insert =>
        {
            for (var v = 0; v < Villages; v++)
            {
                int t = v % Townships, k = v / Townships;
                const double TownshipCell = 0.08, VillageCell = TownshipCell / 7;
                var lon0 = 116.6 + (t % 12) * TownshipCell + (k % 6) * VillageCell;
                var lat0 = 36.9 - (t / 12) * TownshipCell - (k / 6) * VillageCell;
                centers[v] = (lat0 - VillageCell / 2, lon0 + VillageCell / 2);
                var ring = new List<string>();
                for (var i = 0; i < 24; i++)
                {
                    var angle = 2 * Math.PI * i / 24;
                    var r = VillageCell * (0.42 + 0.06 * shapes.NextDouble());
                    ring.Add(string.Create(CultureInfo.InvariantCulture, $"[{lon0 + VillageCell / 2 + r * Math.Cos(angle):F5},{lat0 - VillageCell / 2 + r * Math.Sin(angle):F5}]"));
                }
                ring.Add(ring[0]);
                insert([villages[v], $"{{\"type\":\"Polygon\",\"coordinates\":[[{string.Join(",", ring)}]]}}"]);
            }
        });
        var memberGrid = new string[Members];
        Batch(connection, "INSERT INTO members (id, name, grid) VALUES ($1, $2, $3);", insert =>
        {
            for (var m = 0; m < Members; m++)
            {
                memberGrid[m] = villages[m % Villages];
                insert([$"m{m:00000}", $"网格员{m}", memberGrid[m]]);
            }
            counts["members"] = Members;
        });
        Batch(connection, "INSERT INTO key_points (id, grid, name) VALUES ($1, $2, $3);", insert =>
        {
            for (var v = 0; v < Villages; v++)
                for (var k = 0; k < 2; k++) insert([$"k{v:0000}-{k}", villages[v], $"重点点位{v}-{k}"]);
            counts["key points"] = 2L * Villages;
        });
        string[] classes = ["province", "city_county", "other", "other", "city_county", "other", "other", "other", "province", "other"];
        Batch(connection, "INSERT INTO enterprises (id, grid, name, class) VALUES ($1, $2, $3, $4);", insert =>
        {
            for (var v = 0; v < Villages; v++)
                for (var e = 0; e < 3; e++) insert([$"e{v:0000}-{e}", villages[v], $"企业{v}-{e}", classes[(v + e * 7) % classes.Length]]);
            counts["enterprises"] = 3L * Villages;
        });

        long seq = 0;
        Batch(connection, """
            INSERT INTO checkins (gateway, seq, record_id, member, terminal, grid, latitude, longitude, accuracy_m, fix_time, geofence, ts, clock, received_at)
            VALUES ($1, $2, $3, $4, $5, $6, 36.65, 117.12, 8.5, $7, 0, $7, 1, $7);
            """, insert =>
        {
            // In time order, as the gateways deliver them: the table's rowid order follows time like a real ledger's.
            var times = new long[checkinTotal];
            for (var i = 0; i < checkinTotal; i++) times[i] = RandomTime(monthStart, TimeSpan.FromDays(30));
            Array.Sort(times);
            foreach (var at in times)
            {
                var m = random.Next(Members);
                insert([GatewayOf(memberGrid[m]), ++seq, $"c{seq}", $"m{m:00000}", $"t{m:00000}", memberGrid[m], at]);
            }
            counts["check-ins"] = checkinTotal;
        });

        // Patrols: each village 3 to 9 in the month, each visiting 1-2 key points and sometimes an enterprise.
        long patrolCount = 0, placeCount = 0;
        using (var transaction = connection.BeginTransaction())
        {
            using var patrol = Prepare(connection, """
                INSERT INTO patrols (gateway, seq, record_id, member, terminal, grid, started_at, ended_at, track, findings, attachments, ts, clock, received_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $7 + 5400000, $8, '巡查正常', '[]', $7, 1, $7);
                """, 8);
            using var place = Prepare(connection, "INSERT INTO patrol_places (gateway, seq, idx, grid, kind, place_id, name, at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7);", 7);
            patrol.Transaction = place.Transaction = transaction;
            for (var v = 0; v < Villages; v++)
            {
                var n = 3 + random.Next(7);
                for (var p = 0; p < n; p++)
                {
                    var m = v + Villages * random.Next(Members / Villages);
                    var at = RandomTime(monthStart, TimeSpan.FromDays(30));
                    var gateway = GatewayOf(villages[v]);
                    // A track point at the village's centre, inside its boundary: under the counting rules a patrol without one does not count.
                    var track = string.Create(CultureInfo.InvariantCulture,
                        $"[{{\"latitude\":{centers[v].Lat:F5},\"longitude\":{centers[v].Lon:F5},\"time\":\"{DateTimeOffset.FromUnixTimeMilliseconds(at):yyyy-MM-dd'T'HH:mm:ss'Z'}\"}}]");
                    Run(patrol, gateway, ++seq, $"p{seq}", $"m{m:00000}", $"t{m:00000}", villages[v], at, track);
                    patrolCount++;
                    var idx = 0;
                    for (var k = 0; k < 1 + random.Next(2); k++, idx++) Run(place, gateway, seq, idx, villages[v], 0, $"k{v:0000}-{random.Next(2)}", at + idx * 600_000);
                    if (random.Next(3) == 0) { Run(place, gateway, seq, idx, villages[v], 1, $"e{v:0000}-{random.Next(3)}", at + idx * 600_000); idx++; }
                    placeCount += idx;
                }
            }
            transaction.Commit();
        }
        counts["patrols"] = patrolCount;
        counts["patrol places"] = placeCount;

        // Problems in every state, each with the events that brought it there.
        string[] states = ["reported", "assigned", "planned", "rectified", "verified", "closed"];
        long eventCount = 0;
        using (var transaction = connection.BeginTransaction())
        {
            using var problem = Prepare(connection, """
                INSERT INTO problems (gateway, seq, record_id, member, terminal, grid, latitude, longitude, category, description, attachments,
                    reported_at, clock, received_at, state, assignee, department, deadline, plan, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, 36.65, 117.12, $7, '发现问题', '[]', $8, 1, $8, $9, $10, $11, $12, $13, $8) RETURNING id;
                """, 13);
            using var evt = Prepare(connection, "INSERT INTO problem_events (problem_id, n, action, from_state, to_state, by, at, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, '{}');", 7);
            problem.Transaction = evt.Transaction = transaction;
            for (var i = 0; i < 5000; i++)
            {
                var m = random.Next(Members);
                var reported = RandomTime(monthStart, TimeSpan.FromDays(30));
                var steps = random.Next(states.Length);
                var transferred = random.Next(4) == 0;
                var state = steps == 1 && transferred ? "transferred" : states[steps];
                long? deadline = steps >= 1 ? reported + random.Next(2, 20) * 86_400_000L : null;
                var id = (long)Run(problem, GatewayOf(memberGrid[m]), ++seq, $"r{seq}", $"m{m:00000}", $"t{m:00000}", memberGrid[m], random.Next(6), reported, state,
                    steps >= 1 && !transferred ? "assignee" : null, steps >= 1 && transferred ? "生态环境局" : null, deadline, steps >= 2 ? "{}" : null)!;
                Run(evt, id, 0, "reported", null, "reported", $"m{m:00000}", reported);
                var at = reported;
                for (var s = 1; s <= steps; s++)
                {
                    at += random.Next(1, 48) * 3_600_000L;
                    var to = s == 1 && transferred ? "transferred" : states[s];
                    var action = s == 1 ? (transferred ? "transfer" : "assign") : states[s] switch { "planned" => "plan", "rectified" => "rectify", "verified" => "verify", _ => "close" };
                    Run(evt, id, s, action, s == 1 ? "reported" : (s == 2 && transferred ? "transferred" : states[s - 1]), to, "chief", at);
                }
                eventCount += steps + 1;
            }
            transaction.Commit();
        }
        counts["problems"] = 5000;
        counts["problem events"] = eventCount;
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        return counts;
    }

    // Each township's gateway carries its villages' records.
    private static string GatewayOf(string village) => $"gw-{village[..9]}";

    private static void Batch(SqliteConnection connection, string sql, Action<Action<object?[]>> rows)
    {
        var transaction = connection.BeginTransaction();
        var command = Prepare(connection, sql, System.Text.RegularExpressions.Regex.Matches(sql, @"\$(\d+)").Max(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
        command.Transaction = transaction;
        var inBatch = 0;
        try
        {
            rows(values =>
            {
                Run(command, values);
                // Batches of 50,000 rows: one commit each.
                if (++inBatch % 50_000 != 0) return;
                transaction.Commit();
                transaction.Dispose();
                transaction = connection.BeginTransaction();
                command.Transaction = transaction;
            });
            transaction.Commit();
        }
        finally
        {
            command.Dispose();
            transaction.Dispose();
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 1; i <= parameters; i++) command.Parameters.Add(new SqliteParameter("$" + i, null));
        return command;
    }

    private static object? Run(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
