using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using GridEdge.Server.Alerts;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace GridEdge.Server.Tests.Storage;

/// <summary>
/// A ledger made by the server before versioned schemas (tests/testdata/ledger-v0: the demo of commit 1da2e53, with
/// readings, alerts, commands, check-ins, patrols, problems with photos and monitors) opened by this server.
/// </summary>
public sealed class LedgerUpgradeTests
{
    // What a start changes on purpose: GatewaySchema v1 rebuilds monitors, the warning count coming back with the gateway's next
    // status; and every start publishes each gateway's terminal directory again and records when (the old server did too).
    private static readonly string[] Changed = ["monitors.conformance_warnings", "gateway_directories.published_at"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task An_old_ledger_migrates_at_start_keeping_every_row_and_the_api_serves_its_data()
    {
        using var old = OldLedger.Load();
        var before = LedgerFileContents.Read(old.Path);
        var kept = LedgerFileContents.Read(old.Path, before, Changed);
        foreach (var table in new[] { "readings", "alerts", "alert_ledger", "commands", "checkins", "patrols", "patrol_places", "problems", "problem_events", "attachments", "monitors" })
            Assert.True(before[table].Rows > 0, $"the old ledger should hold rows of {table}");

        await using (var server = await old.StartAsync())
        {
            var known = server.App.Services.GetServices<ILedgerSchema>().Select(s => KeyValuePair.Create(s.Ledger, s.Migrations.Count));
            Assert.Equal(known.OrderBy(k => k.Key, StringComparer.Ordinal), MigratedVersions(old.Path));
            using var http = server.Http();
            await AssertTheApiServesAsync(old, http);
        }

        AssertSame(kept, LedgerFileContents.Read(old.Path, before, Changed));
        using (var connection = LedgerFileContents.Open(old.Path, SqliteOpenMode.ReadOnly))
            Assert.Equal(["0"], LedgerFileContents.Strings(connection, "SELECT DISTINCT CAST(conformance_warnings AS TEXT) FROM monitors;"));

        var migrations = MigrationRows(old.Path);
        // Each start of the test server adds its administrator (RunningServer), so the users tables are not compared.
        var upgraded = LedgerFileContents.Read(old.Path).Where(t => t.Key is not ("users" or "api_keys")).ToDictionary(StringComparer.Ordinal);
        var upgradedKept = LedgerFileContents.Read(old.Path, upgraded, Changed);
        await using (var again = await old.StartAsync())
        {
            using var http = again.Http();
            Assert.Equal(before["gateways"].Rows, (await http.GetFromJsonAsync<JsonElement>("/api/gateways", Ct)).GetArrayLength());
        }
        Assert.Equal(migrations, MigrationRows(old.Path));
        AssertSame(upgradedKept, LedgerFileContents.Read(old.Path, upgraded, Changed));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_ledger_a_later_server_upgraded_stops_the_start_naming_both_versions_and_is_left_as_it_is()
    {
        using var old = OldLedger.Load();
        await using (await old.StartAsync()) { }
        var known = new AlertSchema().Migrations.Count;
        using (var connection = LedgerFileContents.Open(old.Path))
        using (var bump = connection.CreateCommand())
        {
            bump.CommandText = "INSERT INTO schema_migrations (ledger, version, name, applied_at) VALUES ('alerts', $version, 'a later server''s step', 0);";
            bump.Parameters.AddWithValue("$version", known + 1);
            bump.ExecuteNonQuery();
        }
        var before = LedgerFileContents.Read(old.Path);

        var e = await Assert.ThrowsAnyAsync<Exception>(old.StartAsync);

        var line = StartupFailure.Describe(e);
        Assert.Contains($"schema version {known + 1} of 'alerts'", line, StringComparison.Ordinal);
        Assert.Contains($"(version {known})", line, StringComparison.Ordinal);
        Assert.Contains(old.Path, line, StringComparison.Ordinal);
        AssertSame(before, LedgerFileContents.Read(old.Path));
    }

    /// <summary>Each API answers for the old rows, compared with a copy of the old ledger the server never opened.</summary>
    private static async Task AssertTheApiServesAsync(OldLedger old, HttpClient http)
    {
        using var db = LedgerFileContents.Open(old.Untouched, SqliteOpenMode.ReadOnly);

        var gateways = await http.GetFromJsonAsync<JsonElement>("/api/gateways", Ct);
        Assert.Equal(LedgerFileContents.Strings(db, "SELECT id FROM gateways ORDER BY id;"),
            gateways.EnumerateArray().Select(g => g.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        foreach (var gateway in LedgerFileContents.Strings(db, "SELECT DISTINCT gateway FROM monitors ORDER BY gateway;"))
        {
            var monitors = await http.GetFromJsonAsync<JsonElement>($"/api/gateways/{gateway}/monitors", Ct);
            Assert.Equal(LedgerFileContents.Strings(db, $"SELECT mn FROM monitors WHERE gateway = '{gateway}' ORDER BY mn;"),
                monitors.GetProperty("monitors").EnumerateArray().Select(m => m.GetProperty("mn").GetString()!));
        }

        var readings = await AllPagesAsync(http, "/api/readings?limit=1000");
        Assert.Equal(LedgerFileContents.Strings(db, "SELECT gateway || '/' || stream || '/' || seq || '/' || sensor_id || '/' || quote(value) FROM readings ORDER BY 1;"),
            readings.Select(r => $"{r.GetProperty("gateway").GetString()}/{r.GetProperty("stream").GetString()}/{r.GetProperty("seq").GetInt64()}/" +
                $"{r.GetProperty("sensor").GetString()}/{Quote(r.GetProperty("value").GetDouble())}").Order(StringComparer.Ordinal));

        var alerts = await AllPagesAsync(http, "/api/alerts?state=all&limit=1000");
        Assert.Equal(LedgerFileContents.Strings(db, "SELECT gateway || '/' || alert_id || '/' || (cleared_at IS NOT NULL) FROM alert_ledger ORDER BY 1;"),
            alerts.Select(a => $"{a.GetProperty("gateway").GetString()}/{a.GetProperty("alertId").GetString()}/{(a.GetProperty("clearedAt").ValueKind == JsonValueKind.Null ? 0 : 1)}")
                .Order(StringComparer.Ordinal));

        var checkIns = await AllPagesAsync(http, "/api/checkins?limit=1000");
        Assert.Equal(LedgerFileContents.Strings(db, "SELECT terminal || '/' || record_id FROM checkins ORDER BY 1;"),
            checkIns.Select(c => $"{c.GetProperty("terminalId").GetString()}/{c.GetProperty("recordId").GetString()}").Order(StringComparer.Ordinal));
        var patrols = await AllPagesAsync(http, "/api/patrols?limit=1000");
        Assert.Equal(LedgerFileContents.Strings(db, "SELECT terminal || '/' || record_id FROM patrols ORDER BY 1;"),
            patrols.Select(c => $"{c.GetProperty("terminalId").GetString()}/{c.GetProperty("recordId").GetString()}").Order(StringComparer.Ordinal));

        var problems = await AllPagesAsync(http, "/api/problems?limit=1000");
        Assert.Equal(LedgerFileContents.Strings(db, "SELECT id || '/' || state FROM problems ORDER BY 1;"),
            problems.Select(p => $"{p.GetProperty("id").GetInt64()}/{p.GetProperty("state").GetString()}").Order(StringComparer.Ordinal));
        foreach (var id in LedgerFileContents.Strings(db, "SELECT CAST(id AS TEXT) FROM problems ORDER BY id;"))
        {
            var problem = await http.GetFromJsonAsync<JsonElement>($"/api/problems/{id}", Ct);
            Assert.Equal(LedgerFileContents.Strings(db, $"SELECT action FROM problem_events WHERE problem_id = {id} ORDER BY n;"),
                problem.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()!));
        }

        var photos = LedgerFileContents.Strings(db, "SELECT sha256 FROM attachments WHERE complete_at IS NOT NULL ORDER BY sha256;");
        Assert.NotEmpty(photos);
        Assert.All(problems, p => Assert.All(p.GetProperty("attachments").EnumerateArray(), a => Assert.Contains(a.GetString()!, photos)));
        foreach (var sha in photos)
        {
            var bytes = await http.GetByteArrayAsync($"/api/attachments/{sha}", Ct);
            Assert.Equal(await File.ReadAllBytesAsync(OldLedger.Attachment(sha), Ct), bytes);
            Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }

        // The compliance figures the old server gave for the week the demo ran in, over this same ledger. Its weeks ended at
        // the Wednesday-noon due time (issue 16 made them natural weeks, and a patrol counts only with a track, a duration
        // and a trusted clock), so what must survive is what the ledger holds: the registry's inventory, and every check-in
        // and patrol of that old week inside the month that holds it.
        var expected = JsonDocument.Parse(await File.ReadAllTextAsync(OldLedger.DataFile("compliance-2026-W50.json"), Ct)).RootElement.GetProperty("totals");
        var month = (await http.GetFromJsonAsync<JsonElement>("/api/compliance?grid=370100000000&period=2026-12", Ct)).GetProperty("totals");
        Assert.True(expected.GetProperty("checkIns").GetInt32() > 0);
        foreach (var (before, now) in new[] { ("members", "members"), ("keyPoints", "keyPoints"), ("provinceEnterprises", "provinceEnterprises"),
                     ("cityCountyEnterprises", "cityCountyEnterprises"), ("otherEnterprises", "otherEnterprises"), ("checkIns", "checkIns"),
                     ("patrols", "patrolsRecorded"), ("problemsOpen", "problemsOpen") })
            Assert.True(expected.GetProperty(before).GetInt32() == month.GetProperty(now).GetInt32(),
                $"{before}: the old server said {expected.GetProperty(before)}, this one says {now} {month.GetProperty(now)} for 2026-12");
    }

    internal static async Task<List<JsonElement>> AllPagesAsync(HttpClient http, string url)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await http.GetFromJsonAsync<JsonElement>(url + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), Ct);
            items.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        return items;
    }

    // SQLite's quote() of a REAL: the shortest text that reads back as the same double (as "R" formatting), with ".0" on integers.
    private static string Quote(double value)
    {
        var text = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    private static IEnumerable<KeyValuePair<string, int>> MigratedVersions(string path)
    {
        using var db = LedgerFileContents.Open(path, SqliteOpenMode.ReadOnly);
        // Every step recorded once, versions 1..N: the count of rows equals the highest version.
        return LedgerFileContents.Strings(db, "SELECT ledger || '=' || MAX(version) || '=' || COUNT(*) FROM schema_migrations GROUP BY ledger ORDER BY ledger;")
            .Select(row => row.Split('='))
            .Select(p => { Assert.Equal(p[1], p[2]); return KeyValuePair.Create(p[0], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)); })
            .ToList();
    }

    private static IReadOnlyList<string> MigrationRows(string path)
    {
        using var db = LedgerFileContents.Open(path, SqliteOpenMode.ReadOnly);
        return LedgerFileContents.Strings(db, "SELECT ledger || '/' || version || '/' || name || '/' || applied_at FROM schema_migrations ORDER BY ledger, version;");
    }

    private static void AssertSame(IReadOnlyDictionary<string, TableContents> expected, IReadOnlyDictionary<string, TableContents> actual)
    {
        static IEnumerable<string> Lines(IReadOnlyDictionary<string, TableContents> tables) =>
            tables.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}({string.Join(",", t.Value.Columns)}): {t.Value.Rows} rows, sha256 {t.Value.Sha256}");
        Assert.Equal(Lines(expected), Lines(actual));
    }

    /// <summary>The old ledger loaded from its dump into a temp folder, with the photo files the old server kept beside it.</summary>
    internal sealed class OldLedger : IDisposable
    {
        private readonly TempFolder _folder = new();

        public string Path => _folder.File("ledger.db");

        /// <summary>The same ledger, loaded into a file of its own that no server opens: what the old server left.</summary>
        public string Untouched => _folder.File("untouched.db");

        private static string Data => System.IO.Path.Combine(AppContext.BaseDirectory, "testdata", "ledger-v0");

        public static string DataFile(string name)
        {
            var path = System.IO.Path.Combine(Data, name);
            if (!File.Exists(path)) Assert.Fail($"{path} is missing: tests/testdata/ledger-v0/{name} should be copied into the test output.");
            return path;
        }

        public static string Attachment(string sha) => DataFile(System.IO.Path.Combine("attachments", sha));

        /// <summary>The dump loaded into a new file, and the photos copied into attachments/ beside it, where the old server kept them.</summary>
        public static OldLedger Load()
        {
            var old = new OldLedger();
            LedgerFileContents.Load(DataFile("ledger.sql"), old.Path);
            LedgerFileContents.Load(DataFile("ledger.sql"), old.Untouched);
            var attachments = Directory.CreateDirectory(old._folder.File("attachments")).FullName;
            foreach (var file in Directory.GetFiles(System.IO.Path.Combine(Data, "attachments")))
                File.Copy(file, System.IO.Path.Combine(attachments, System.IO.Path.GetFileName(file)));
            return old;
        }

        public Task<RunningServer> StartAsync() => RunningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Server:Ledger:Path"] = Path,
            ["Server:Ledger:ReadingsRetentionMonths"] = "0",
        });

        public void Dispose() => _folder.Dispose();
    }
}
