using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using GridEdge.Server.Compliance;
using GridEdge.Server.Periods;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Problems;
using GridEdge.Server.Tests.Support;
using static GridEdge.Server.Tests.Compliance.ComplianceScenario;

namespace GridEdge.Server.Tests.Compliance;

/// <summary>Compliance figures per grid at every level, per member and rolled up, for a period; the weekly report as JSON, XLSX and CSV.</summary>
public sealed class ComplianceTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReportPeriod W(string label) => PeriodRules.Default.TryParse(label, out var p) ? p : throw new ArgumentException(label);

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Patrols_count_in_their_natural_week_with_a_track_or_check_in_inside_a_minimum_duration_and_a_trusted_clock(LedgerEngine engine)
    {
        using var folder = new TempFolder();
        await using var database = await LedgerDatabases.CreateAsync(engine, folder, postgres);
        Dictionary<string, string> patrols;
        using (var seed = new GridRows(database)) patrols = Seed(seed);
        var ledger = new ComplianceLedger(database);
        var (city, _) = await ledger.ResolveGridAsync(City, Ct);

        var report = await ledger.ComputeAsync(city!, W(Week), Ct);

        Assert.Equal((GridRows.Cn(2026, 11, 30, 0, 0), GridRows.Cn(2026, 12, 7, 0, 0), GridRows.Cn(2026, 12, 9, 12, 0)), (report.PeriodFrom, report.PeriodTo, report.DueAt));
        Assert.Equal(GridRows.Cn(2026, 12, 1, 0, 0), report.Windows.KeyPointsFrom);
        Assert.Equal([City, CountyA, TownshipA, A, B, CountyC, TownshipC, C], report.Rows.Select(r => r.Grid));
        var rows = report.Rows.ToDictionary(r => r.Grid);
        // members, active, check-ins, recorded, counted, key points, covered, once, late
        int[] Own(GridCompliance r) => [r.Members, r.ActiveMembers, r.CheckIns, r.PatrolsRecorded, r.Patrols, r.KeyPoints, r.KeyPointsCovered, r.KeyPointsOnce, r.LateRecords];
        Assert.Equal([2, 2, 1, 6, 4, 2, 1, 0, 1], Own(rows[A]));
        Assert.Equal([1, 1, 0, 2, 0, 0, 0, 0, 0], Own(rows[B]));
        Assert.Equal([1, 1, 0, 1, 1, 1, 0, 1, 0], Own(rows[TownshipA]));
        Assert.Equal([1, 1, 0, 1, 1, 0, 0, 0, 0], Own(rows[C]));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0], Own(rows[CountyA]));
        Assert.Equal([true, false, true, true], new[] { A, B, TownshipA, C }.Select(g => rows[g].PatrolMet));
        // Enterprises of A: national 2 (N1 visited), province 1 (P1 not), city/county 1 (E1), other 1 (O1 not: its window halved).
        var a = rows[A];
        Assert.Equal((2, 1, 1, 0, 1, 1, 1, 0), (a.NationalEnterprises, a.NationalVisited, a.ProvinceEnterprises, a.ProvinceVisited,
            a.CityCountyEnterprises, a.CityCountyVisited, a.OtherEnterprises, a.OtherVisited));
        Assert.Equal((0, 1, 0, 0), (a.ProblemsReported, a.ProblemsOpen, a.ProblemsOverdue, a.ProblemsClosed));

        // Roll-ups: township A is itself and villages A and B; county A adds nothing of its own; the city is everything.
        var rollups = report.Rollups.ToDictionary(r => r.Grid, r => r.Totals);
        Assert.Equal((3, 2, 4, 9, 5), (rollups[TownshipA].Grids, rollups[TownshipA].GridsPatrolMet, rollups[TownshipA].Members, rollups[TownshipA].PatrolsRecorded, rollups[TownshipA].Patrols));
        Assert.Equal((4, 2, 4, 9, 5), (rollups[CountyA].Grids, rollups[CountyA].GridsPatrolMet, rollups[CountyA].Members, rollups[CountyA].PatrolsRecorded, rollups[CountyA].Patrols));
        Assert.Equal(report.Totals, rollups[City]);
        var t = report.Totals;
        Assert.Equal((8, 3, 5, 5, 1, 10, 6, 1), (t.Grids, t.GridsPatrolMet, t.Members, t.ActiveMembers, t.CheckIns, t.PatrolsRecorded, t.Patrols, t.LateRecords));
        Assert.Equal((3, 1, 1), (t.KeyPoints, t.KeyPointsCovered, t.KeyPointsOnce));

        // Per member, with the reasons.
        var members = report.Members.ToDictionary(m => m.Member);
        Assert.Equal((3, 3, true, 1), (members["a1"].PatrolsRecorded, members["a1"].Patrols, members["a1"].PatrolMet, members["a1"].LateRecords));
        Assert.Empty(members["a1"].NotCounted);
        Assert.Equal(new VisitNotCounted(patrols["dec1"], "N2", "no_position_within_200_m"), Assert.Single(members["a1"].VisitsNotCounted));
        Assert.Equal((3, 1, 1), (members["a2"].PatrolsRecorded, members["a2"].Patrols, members["a2"].CheckIns));
        Assert.Equal([(patrols["empty"], "shorter_than_20_min,no_track_or_checkin_inside"), (patrols["unsync"], "clock_unsynchronised")],
            members["a2"].NotCounted.Select(n => (n.PatrolId, string.Join(',', n.Reasons))));
        // B's boundary lies away from the track: both its patrols are outside; the short one is also too short.
        Assert.Equal([(patrols["short"], "shorter_than_20_min,no_track_or_checkin_inside"), (patrols["outside"], "no_track_or_checkin_inside")],
            members["b1"].NotCounted.Select(n => (n.PatrolId, string.Join(',', n.Reasons))));
        Assert.False(members["b1"].PatrolMet);
        Assert.Equal(("t1", TownshipA, 1), (members["t1"].Member, members["t1"].Grid, members["t1"].Patrols));
        Assert.DoesNotContain("c2", members.Keys);

        // Enterprises overdue (N2: its only visit too far; O1: shortened; P1: before its month) and due before the next week ends.
        Assert.Equal([("N2", "overdue", false), ("O1", "overdue", true), ("P1", "overdue", false), ("E1", "due", false), ("N1", "due", false)],
            report.EnterprisesDue.Select(e => (e.Id, e.State, e.Shortened)));
        Assert.Equal(GridRows.Cn(2026, 10, 22, 12, 0), report.EnterprisesDue[1].WindowFrom);
        Assert.Equal(GridRows.Cn(2026, 12, 10, 9, 0), report.EnterprisesDue[3].DueBy); // E1 seen Oct 10 09:00 + 61 days

        // The weeks around it: a1's Sunday Nov 29 23:59 patrol is W48's, the Monday Dec 7 00:00 one W50's.
        Assert.Equal(1, (await ledger.ComputeAsync(city!, W("2026-W48"), Ct)).Rows.Single(r => r.Grid == A).PatrolsRecorded);
        Assert.Equal(1, (await ledger.ComputeAsync(city!, W("2026-W50"), Ct)).Rows.Single(r => r.Grid == A).PatrolsRecorded);
        // A township's scope is itself and its villages; a village's itself.
        var (township, _) = await ledger.ResolveGridAsync(TownshipA, Ct);
        Assert.Equal([TownshipA, A, B], (await ledger.ComputeAsync(township!, W(Week), Ct)).Rows.Select(r => r.Grid));
        // December as a month: the Nov 30 patrol is November's, the Dec 7 one December's: recorded 6 (dec1, sun, Dec 7, empty, unsync,
        // checkin), counted 4 (dec1, sun, Dec 7, checkin).
        var december = await ledger.ComputeAsync(city!, W("2026-12"), Ct);
        Assert.Equal((6, 4), (december.Rows.Single(r => r.Grid == A).PatrolsRecorded, december.Rows.Single(r => r.Grid == A).Patrols));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Counting_thresholds_are_configurable_per_county(LedgerEngine engine)
    {
        using var folder = new TempFolder();
        await using var database = await LedgerDatabases.CreateAsync(engine, folder, postgres);
        using (var rows = new GridRows(database)) Seed(rows);
        // County A accepts 5-minute patrols and unsynchronised clocks; county C keeps the defaults.
        var options = new ComplianceOptions { Counties = { ["370102"] = new CountingSettings { MinPatrolMinutes = 5, TrustUnsynchronisedClock = true } } };
        var ledger = new ComplianceLedger(database, new CountingRuleBook(options));
        var (city, _) = await ledger.ResolveGridAsync(City, Ct);

        var report = await ledger.ComputeAsync(city!, W(Week), Ct);

        var rows2 = report.Rows.ToDictionary(r => r.Grid);
        Assert.Equal(5, rows2[A].Patrols); // the unsynchronised one now counts; the empty one is still without a track
        // The 10-minute one is long enough now; it is still outside B's boundary.
        Assert.Equal(["no_track_or_checkin_inside"], report.Members.Single(m => m.Member == "b1").NotCounted[0].Reasons);
        Assert.Equal(1, rows2[C].Patrols);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task A_holiday_week_is_judged_like_any_other(LedgerEngine engine)
    {
        using var folder = new TempFolder();
        await using var database = await LedgerDatabases.CreateAsync(engine, folder, postgres);
        using (var rows = new GridRows(database))
        {
            rows.Grid(C, 4, "丙村", null);
            rows.Member("c1", C);
            // 2026-W40 (Sep 28 to Oct 5) holds National Day (国庆节, Oct 1-7): one patrol on Oct 2 meets the weekly rule, none does not.
            rows.Patrol(C, "c1", GridRows.Cn(2026, 10, 2, 9, 0));
        }
        var ledger = new ComplianceLedger(database);
        var (village, _) = await ledger.ResolveGridAsync(C, Ct);

        Assert.True(Assert.Single((await ledger.ComputeAsync(village!, W("2026-W40"), Ct)).Rows).PatrolMet);
        Assert.False(Assert.Single((await ledger.ComputeAsync(village!, W("2026-W41"), Ct)).Rows).PatrolMet);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Overdue_at_a_past_cut_off_uses_the_state_and_deadline_in_force_then(LedgerEngine engine)
    {
        using var folder = new TempFolder();
        await using var database = await LedgerDatabases.CreateAsync(engine, folder, postgres);
        using (var rows = new GridRows(database))
        {
            rows.Grid(A, 4, "甲村", null);
            // Assigned Nov 11 with deadline Nov 20 18:00; re-planned only on Nov 27 (after W47) with deadline Dec 10.
            // At the end of W47 (Nov 23 00:00) it was assigned and its deadline Nov 20 had passed: overdue then, although not now.
            var replanned = rows.Problem(A, GridRows.Cn(2026, 11, 10), state: "planned", plan: "{}", deadline: GridRows.Cn(2026, 12, 10));
            rows.Event(replanned, 1, "assign", "reported", "assigned", GridRows.Cn(2026, 11, 11), """{"assignee":"a1","deadline":"2026-11-20T18:00:00.0000000+08:00"}""");
            rows.Event(replanned, 2, "plan", "assigned", "planned", GridRows.Cn(2026, 11, 27), """{"deadline":"2026-12-10T09:00:00.0000000+08:00"}""");
            // Assigned Nov 11 with deadline Nov 26 (after the cut-off): not overdue at W47's end whatever happens later.
            var later = rows.Problem(A, GridRows.Cn(2026, 11, 10), state: "assigned", assignee: "a1", deadline: GridRows.Cn(2026, 11, 26));
            rows.Event(later, 1, "assign", "reported", "assigned", GridRows.Cn(2026, 11, 11), """{"deadline":"2026-11-26T09:00:00+08:00"}""");
        }
        var ledger = new ComplianceLedger(database);
        var (village, _) = await ledger.ResolveGridAsync(A, Ct);
        var week = W("2026-W47");

        var row = Assert.Single((await ledger.ComputeAsync(village!, week, Ct)).Rows);
        Assert.Equal((2, 1), (row.ProblemsOpen, row.ProblemsOverdue));
        var overdue = Assert.Single(await ledger.GetOverdueAtCutOffAsync(village!, week, Ct));
        Assert.Equal(GridRows.Cn(2026, 11, 20, 18, 0), overdue.Deadline);
        Assert.Equal("assigned", overdue.StateAtCutOff);
        // At the end of W49 (Dec 7) both are past Nov 26, but the first is planned with Dec 10 and the second still assigned: 1 overdue.
        var w49 = W("2026-W49");
        Assert.Equal(1, Assert.Single((await ledger.ComputeAsync(village!, w49, Ct)).Rows).ProblemsOverdue);
    }

    [Fact(Timeout = 60_000)]
    public async Task Json_xlsx_and_csv_state_the_period_and_carry_the_same_figures()
    {
        await using var server = await RunningServer.StartAsync();
        Dictionary<string, string> patrols;
        using (var rows = new GridRows(server.LedgerPath))
        {
            patrols = Seed(rows);
            // An overdue straw-burning problem in B: the sheet prints its category by name.
            var burning = rows.Problem(B, GridRows.Cn(2026, 12, 1), state: "assigned", assignee: "b1", deadline: GridRows.Cn(2026, 12, 3, 18, 0));
            rows.Execute("UPDATE problems SET category = 0 WHERE id = $1;", burning);
            rows.Event(burning, 1, "assign", "reported", "assigned", GridRows.Cn(2026, 12, 1, 10, 0));
        }
        using var http = server.Http();

        var json = await http.GetFromJsonAsync<JsonElement>($"/api/compliance?grid={City}&week={Week}", Ct);
        Assert.Equal(("2026-11-30T00:00:00+08:00", "2026-12-07T00:00:00+08:00", "2026-12-09T12:00:00+08:00"),
            (json.GetProperty("periodFrom").GetString(), json.GetProperty("periodTo").GetString(), json.GetProperty("dueAt").GetString()));
        Assert.Equal((Week, "week", Week), (json.GetProperty("week").GetString(), json.GetProperty("period").GetString(), json.GetProperty("label").GetString()));
        var a2 = json.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("member").GetString() == "a2");
        var empty = a2.GetProperty("notCounted")[0];
        Assert.Equal(patrols["empty"], empty.GetProperty("patrolId").GetString());
        Assert.Equal(["shorter_than_20_min", "no_track_or_checkin_inside"], empty.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        // period= takes any label, and the same week by its label.
        var byPeriod = await http.GetFromJsonAsync<JsonElement>($"/api/compliance?grid={City}&period={Week}", Ct);
        Assert.Equal(json.GetProperty("totals").GetRawText(), byPeriod.GetProperty("totals").GetRawText());
        var quarter = await http.GetFromJsonAsync<JsonElement>($"/api/compliance?grid={City}&period=2026-Q4", Ct);
        Assert.Equal(("2026-10-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00", "2027-01-10T00:00:00+08:00"),
            (quarter.GetProperty("periodFrom").GetString(), quarter.GetProperty("periodTo").GetString(), quarter.GetProperty("dueAt").GetString()));

        // XLSX, read back with the Open XML SDK: Chinese sheet names and headers, categories by name.
        using var xlsx = await http.GetAsync($"/api/reports/weekly?grid={CountyA}&week={Week}&format=xlsx", Ct);
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal("gridedge-weekly-370102-2026-W49.xlsx", xlsx.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        using var bytes = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync(Ct));
        using (var document = SpreadsheetDocument.Open(bytes, false))
        {
            var workbook = document.WorkbookPart!;
            var sheets = workbook.Workbook.Sheets!.Elements<Sheet>().ToList();
            Assert.Equal(["汇总", "网格", "逾期问题"], sheets.Select(s => s.Name!.Value));
            string?[][] Read(Sheet sheet) => ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet.Descendants<Row>()
                .Select(r => r.Elements<Cell>().Select(CellText).ToArray()).ToArray();
            var grids = Read(sheets[1]);
            Assert.Equal(WeeklyReport.GridColumns.Select(c => c.Chinese), grids[0]);
            Assert.Equal([CountyA, TownshipA, A, B], grids.Skip(1).Select(r => r[0]));
            var summary = Read(sheets[0]).ToDictionary(r => r[0]!, r => r[1]);
            Assert.Equal(("2026-11-30T00:00:00+08:00", "2026-12-09T12:00:00+08:00", "5"), (summary["起"], summary["报送截止"], summary["有效巡查"]));
            var overdue = Read(sheets[2]);
            Assert.Equal(("秸秆焚烧", "已交办"), (overdue[1][2], overdue[1][3]));
        }

        // CSV: UTF-8 with BOM, English headers with lang=en, the period on every line and a total line.
        using var csv = await http.GetAsync($"/api/reports/weekly?grid={City}&week={Week}&format=csv&lang=en", Ct);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var raw = await csv.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal([0xEF, 0xBB, 0xBF], raw[..3]);
        var text = Encoding.UTF8.GetString(raw, 3, raw.Length - 3);
        Assert.Contains("\"丙村, \"\"东\"\"片\"", text);
        var records = ParseCsv(text);
        Assert.Equal(new[] { "period", "period_from", "period_to", "due_at" }.Concat(WeeklyReport.GridColumns.Select(c => c.English)), records[0]);
        Assert.Equal(8 + 1, records.Count - 1);
        Assert.All(records.Skip(1), r => Assert.Equal((Week, "2026-11-30T00:00:00+08:00", "2026-12-09T12:00:00+08:00"), (r[0], r[1], r[3])));
        var total = records[^1];
        Assert.Equal(("total", "6", "1"), (total[4], total[Array.IndexOf(records[0], "patrols")], total[Array.IndexOf(records[0], "late_records")]));
        var chinese = (await http.GetStringAsync($"/api/reports/weekly?grid={City}&week={Week}&format=csv", Ct)).TrimStart('\uFEFF');
        Assert.StartsWith("周期,起,止,报送截止,网格编码,网格名称", chinese);
        Assert.Contains("\r\n" + Week + ",2026-11-30T00:00:00+08:00,2026-12-07T00:00:00+08:00,2026-12-09T12:00:00+08:00,合计,", chinese);
    }

    [Fact(Timeout = 60_000)]
    public async Task Server_periods_and_compliance_settings_per_county_are_taken_from_configuration()
    {
        await using var server = await RunningServer.StartAsync(new Dictionary<string, string?>
        {
            ["Server:Periods:Counties:370102:WeekStartsOn"] = "Sunday",
            ["Server:Compliance:Counties:370102000000:MinPatrolMinutes"] = "5",
        });
        using (var rows = new GridRows(server.LedgerPath)) Seed(rows);
        using var http = server.Http();

        var json = await http.GetFromJsonAsync<JsonElement>($"/api/compliance?grid={CountyA}&week={Week}", Ct);

        Assert.Equal(("2026-11-29T00:00:00+08:00", "2026-12-06T00:00:00+08:00"), (json.GetProperty("periodFrom").GetString(), json.GetProperty("periodTo").GetString()));
        Assert.Equal(5, json.GetProperty("rules").GetProperty("minPatrolMinutes").GetInt32());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_holiday_week_is_judged_like_any_other_by_the_server_with_its_holiday_calendar()
    {
        await using var server = await RunningServer.StartAsync();
        using (var rows = new GridRows(server.LedgerPath))
        {
            rows.Grid(C, 4, "丙村", null);
            rows.Member("c1", C);
            rows.Patrol(C, "c1", GridRows.Cn(2026, 10, 2, 9, 0)); // 国庆节
        }
        using var http = server.Http();
        var json = await http.GetFromJsonAsync<JsonElement>($"/api/compliance?grid={C}&week=2026-W40", Ct);
        Assert.True(json.GetProperty("rows")[0].GetProperty("patrolMet").GetBoolean());
        Assert.Equal("2026-10-07T12:00:00+08:00", json.GetProperty("dueAt").GetString()); // due on a holiday, as configured: the calendar does not move it
    }

    [Fact]
    public void Xlsx_writer_output_is_a_valid_workbook_even_with_control_characters_in_names()
    {
        var week = W(Week);
        var row = new GridCompliance(A, "甲村\u0001", 4, null, 1, 1, 1, 1, 1, true, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var report = new ComplianceReport(A, 4, "甲村", "week", week.Label, week.Label, week.From, week.To, week.DueAt, CountingRules.Default,
            ComplianceLedger.WindowsOf(week), ComplianceTotals.Of([row]), [row], [], [], []);
        using var stream = new MemoryStream();
        WeeklyReport.WriteXlsx(stream, report, [new OverdueProblem(1, A, 0, "assigned", week.From, week.From, null, null, 1.5)], english: true);
        stream.Position = 0;
        using var document = SpreadsheetDocument.Open(stream, false);
        var errors = new DocumentFormat.OpenXml.Validation.OpenXmlValidator().Validate(document, Ct).Select(e => e.Description).ToList();
        Assert.Empty(errors);
        Assert.Equal(["Summary", "Grids", "Overdue problems"], document.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value));
        Assert.Equal("AA", WeeklyReport.ColumnName(26));
        Assert.Equal("U", WeeklyReport.ColumnName(20));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("/api/compliance?grid=370100000000&week=2026-48", "week", "ISO week")]
    [InlineData("/api/compliance?grid=370100000000&week=2025-W53", "week", "ISO week")]
    [InlineData("/api/compliance?grid=370100000000&week=2026-11", "week", "ISO week")]
    [InlineData("/api/compliance?grid=370100000000&period=2026-Q5", "period", "2026-Q4")]
    [InlineData("/api/compliance?grid=370100000000&period=2026-W49&week=2026-W49", "period", "not both")]
    [InlineData("/api/compliance?grid=3701&week=2026-W48", "grid", "12-digit")]
    [InlineData("/api/compliance?week=2026-W48", "grid", "required")]
    [InlineData("/api/compliance?grid=370100000000&week=2026-W48&weeks=2", "weeks", "grid, week")]
    [InlineData("/api/reports/weekly?grid=370100000000&week=2026-W48&lang=fr", "lang", "en")]
    [InlineData("/api/reports/weekly?grid=370100000000&week=2026-W48&format=pdf", "format", "xlsx or csv")]
    [InlineData("/api/reports/weekly?grid=370100000000&week=2026-W99&format=csv", "week", "ISO week")]
    public async Task Bad_week_grid_or_format_is_a_400_naming_the_parameter(string url, string field, string expected)
    {
        await using var server = await RunningServer.StartAsync();
        using (var rows = new GridRows(server.LedgerPath)) Seed(rows);
        using var http = server.Http();

        using var response = await http.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(field, body.GetProperty("field").GetString());
        Assert.Contains(expected, body.GetProperty("error").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_grid_not_in_the_registry_is_a_404_naming_the_grid()
    {
        await using var server = await RunningServer.StartAsync();
        using (var rows = new GridRows(server.LedgerPath)) Seed(rows);
        using var http = server.Http();

        using var response = await http.GetAsync("/api/compliance?grid=370199000000&week=2026-W48", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(("grid", "370199000000"), (body.GetProperty("field").GetString(), body.GetProperty("value").GetString()));
    }

    private static string? CellText(Cell cell) =>
        cell.DataType?.Value == CellValues.InlineString ? cell.InlineString?.Text?.Text : cell.CellValue?.Text;

    /// <summary>An RFC 4180 reader: quoted fields may hold commas, quotes (doubled) and line breaks; records end with CRLF.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                fields.Add(field.ToString()); field.Clear();
                records.Add(fields.ToArray()); fields.Clear();
                i++;
            }
            else field.Append(c);
        }
        Assert.Empty(fields);
        Assert.Equal(0, field.Length);
        return records;
    }
}
