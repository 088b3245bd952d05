using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using GridEdge.Server.Compliance;
using GridEdge.Server.Storage;
using GridEdge.Server.Tests.Problems;
using GridEdge.Server.Tests.Support;
using static GridEdge.Server.Tests.Compliance.ComplianceScenario;

namespace GridEdge.Server.Tests.Compliance;

/// <summary>Compliance figures per village grid and report week, and the weekly report as JSON, XLSX and CSV.</summary>
public sealed class ComplianceTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Report_week_cut_off_is_Wednesday_noon_China_time_and_its_period_the_seven_days_before()
    {
        Assert.True(ReportWeek.TryParse("2026-W48", out var w48));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.FromHours(8)), w48.CutOff);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 4, 0, 0, TimeSpan.Zero), w48.CutOff.ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2026, 11, 18, 12, 0, 0, TimeSpan.FromHours(8)), w48.PeriodFrom);
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 12, 0, 0, TimeSpan.FromHours(8)), w48.KeyPointWindowFrom);
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 12, 0, 0, TimeSpan.FromHours(8)), w48.VisitWindowFrom("province"));
        Assert.Equal(new DateTimeOffset(2026, 9, 25, 12, 0, 0, TimeSpan.FromHours(8)), w48.VisitWindowFrom("city_county"));
        Assert.Equal(new DateTimeOffset(2026, 8, 25, 12, 0, 0, TimeSpan.FromHours(8)), w48.VisitWindowFrom("other"));
        // ISO week 1 of 2026 begins Monday 2025-12-29: its cut-off falls in the previous calendar year.
        Assert.True(ReportWeek.TryParse("2026-W01", out var w01));
        Assert.Equal(new DateTimeOffset(2025, 12, 31, 12, 0, 0, TimeSpan.FromHours(8)), w01.CutOff);
        Assert.Equal(new DateTimeOffset(2025, 11, 30, 12, 0, 0, TimeSpan.FromHours(8)), w01.KeyPointWindowFrom);
        Assert.True(ReportWeek.TryParse("2026-W53", out _)); // 2026 begins on a Thursday: 53 ISO weeks

        Assert.Equal("2026-W48", ReportWeek.Containing(GridRows.Cn(2026, 11, 25, 11, 59)).Name);
        Assert.Equal("2026-W49", ReportWeek.Containing(GridRows.Cn(2026, 11, 25, 12, 0)).Name);
        Assert.Equal("2026-W48", ReportWeek.Containing(GridRows.Cn(2026, 11, 18, 12, 0)).Name);
        Assert.Equal("2026-W47", ReportWeek.Containing(GridRows.Cn(2026, 11, 18, 11, 59)).Name);
        foreach (var bad in new[] { "2025-W53", "2026-W00", "2026-W54", "2026-48", "2026W48", "26-W48", "2026-w48", "" })
            Assert.False(ReportWeek.TryParse(bad, out _), bad);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LedgerDatabases.Engines), MemberType = typeof(LedgerDatabases))]
    public async Task Figures_per_village_follow_the_cut_off_the_monthly_key_point_rule_and_the_enterprise_windows(LedgerEngine engine)
    {
        using var folder = new TempFolder();
        await using var database = await LedgerDatabases.CreateAsync(engine, folder, postgres);
        using (var rows = new GridRows(database)) Seed(rows);
        var ledger = new ComplianceLedger(database);
        Assert.True(ReportWeek.TryParse(Week, out var week));

        var (city, _) = await ledger.ResolveGridAsync(City, Ct);
        Assert.Equal("3701", city!.Prefix);
        var report = await ledger.ComputeAsync(city, week, Ct);
        Assert.Equal([A, B, C], report.Rows.Select(r => r.Grid));
        foreach (var row in report.Rows) Assert.Equal(Expected[row.Grid], Figures(row));
        Assert.Equal("解放路街道", report.Rows[0].Township);
        Assert.False(report.Rows[2].PatrolMet);
        var t = report.Totals;
        Assert.Equal((3, 2, 5, 3, 8, 3), (t.Grids, t.GridsPatrolMet, t.Members, t.ActiveMembers, t.CheckIns, t.Patrols));
        Assert.Equal((5, 3, 2), (t.KeyPoints, t.KeyPointsCovered, t.KeyPointsOnce));
        Assert.Equal((3, 1, 1, 1, 3, 2), (t.ProvinceEnterprises, t.ProvinceVisited, t.CityCountyEnterprises, t.CityCountyVisited, t.OtherEnterprises, t.OtherVisited));
        Assert.Equal((2, 5, 2, 1), (t.ProblemsReported, t.ProblemsOpen, t.ProblemsOverdue, t.ProblemsClosed));

        // A county is its villages by the first 6 digits, a township by 9, a village itself.
        var (county, _) = await ledger.ResolveGridAsync(CountyA, Ct);
        Assert.Equal([A, B], (await ledger.ComputeAsync(county!, week, Ct)).Rows.Select(r => r.Grid));
        var (township, _) = await ledger.ResolveGridAsync(TownshipC, Ct);
        Assert.Equal([C], (await ledger.ComputeAsync(township!, week, Ct)).Rows.Select(r => r.Grid));
        var (village, _) = await ledger.ResolveGridAsync(B, Ct);
        var b = Assert.Single((await ledger.ComputeAsync(village!, week, Ct)).Rows);
        Assert.Equal(Expected[B], Figures(b));

        // The week before: A's patrol of Nov 16 and B's of Nov 18 11:59 fall in W47 (period Nov 11 12:00 to Nov 18 12:00).
        Assert.True(ReportWeek.TryParse("2026-W47", out var w47));
        var previous = await ledger.ComputeAsync(city, w47, Ct);
        Assert.Equal([1, 1, 1], previous.Rows.Select(r => r.Patrols)); // A: Nov 16; B: Nov 18 11:59; C: Nov 12

        var overdue = await ledger.GetOverdueAtCutOffAsync(city, week, Ct);
        Assert.Equal([A, B], overdue.Select(o => o.Grid));
        Assert.Equal(["assigned", "assigned"], overdue.Select(o => o.StateAtCutOff));
        Assert.Equal([4.75, 0.04], overdue.Select(o => o.DaysOverdue)); // Nov 20 18:00 and Nov 25 11:00 against Nov 25 12:00
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
            // Assigned Nov 11 with deadline Nov 20 18:00; re-planned only on Nov 27 (after the W48 cut-off) with deadline Dec 10.
            // At the W48 cut-off it was assigned and its deadline Nov 20 had passed: overdue then, although not now.
            var replanned = rows.Problem(A, GridRows.Cn(2026, 11, 10), state: "planned", plan: "{}", deadline: GridRows.Cn(2026, 12, 10));
            rows.Event(replanned, 1, "assign", "reported", "assigned", GridRows.Cn(2026, 11, 11), """{"assignee":"a1","deadline":"2026-11-20T18:00:00.0000000+08:00"}""");
            rows.Event(replanned, 2, "plan", "assigned", "planned", GridRows.Cn(2026, 11, 27), """{"deadline":"2026-12-10T09:00:00.0000000+08:00"}""");
            // Assigned Nov 11 with deadline Nov 26 (after the cut-off): not overdue at W48 whatever happens later.
            var later = rows.Problem(A, GridRows.Cn(2026, 11, 10), state: "assigned", assignee: "a1", deadline: GridRows.Cn(2026, 11, 26));
            rows.Event(later, 1, "assign", "reported", "assigned", GridRows.Cn(2026, 11, 11), """{"deadline":"2026-11-26T09:00:00+08:00"}""");
        }
        var ledger = new ComplianceLedger(database);
        var (village, _) = await ledger.ResolveGridAsync(A, Ct);
        Assert.True(ReportWeek.TryParse(Week, out var week));

        var row = Assert.Single((await ledger.ComputeAsync(village!, week, Ct)).Rows);
        Assert.Equal((2, 1), (row.ProblemsOpen, row.ProblemsOverdue));
        var overdue = Assert.Single(await ledger.GetOverdueAtCutOffAsync(village!, week, Ct));
        Assert.Equal(GridRows.Cn(2026, 11, 20, 18, 0), overdue.Deadline);
        Assert.Equal("assigned", overdue.StateAtCutOff);
        // In W49 (cut-off Dec 2) both are past Nov 26, but the first is planned with Dec 10 and the second still assigned: 1 overdue.
        Assert.True(ReportWeek.TryParse("2026-W49", out var w49));
        Assert.Equal(1, Assert.Single((await ledger.ComputeAsync(village!, w49, Ct)).Rows).ProblemsOverdue);
    }

    [Fact(Timeout = 60_000)]
    public async Task Json_xlsx_and_csv_of_the_weekly_report_carry_the_same_figures()
    {
        await using var server = await RunningServer.StartAsync();
        Dictionary<string, long> problems;
        using (var rows = new GridRows(server.LedgerPath)) problems = Seed(rows);
        using var http = server.Http();

        var json = await http.GetFromJsonAsync<JsonElement>($"/api/compliance?grid={City}&week={Week}", Ct);
        Assert.Equal(Week, json.GetProperty("week").GetString());
        Assert.Equal("2026-11-25T12:00:00+08:00", json.GetProperty("windows").GetProperty("cutOff").GetString());
        var jsonRows = json.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("grid").GetString()!);
        Assert.Equal(NameC, jsonRows[C].GetProperty("name").GetString());
        var jsonNames = new Dictionary<string, string>
        {
            ["members"] = "members", ["active_members"] = "activeMembers", ["checkins"] = "checkIns", ["patrols"] = "patrols", ["patrol_met"] = "patrolMet",
            ["key_points"] = "keyPoints", ["key_points_covered"] = "keyPointsCovered", ["key_points_once"] = "keyPointsOnce",
            ["province_enterprises"] = "provinceEnterprises", ["province_visited"] = "provinceVisited", ["city_county_enterprises"] = "cityCountyEnterprises",
            ["city_county_visited"] = "cityCountyVisited", ["other_enterprises"] = "otherEnterprises", ["other_visited"] = "otherVisited",
            ["problems_reported"] = "problemsReported", ["problems_open"] = "problemsOpen", ["problems_overdue"] = "problemsOverdue", ["problems_closed"] = "problemsClosed",
        };
        foreach (var grid in new[] { A, B, C })
            Assert.Equal(Expected[grid], NumericColumns.Select(c => jsonRows[grid].GetProperty(jsonNames[c]) is { ValueKind: JsonValueKind.True or JsonValueKind.False } v
                ? (v.GetBoolean() ? 1 : 0) : jsonRows[grid].GetProperty(jsonNames[c]).GetInt32()));

        // XLSX, read back with the Open XML SDK.
        using var xlsx = await http.GetAsync($"/api/reports/weekly?grid={CountyA}&week={Week}&format=xlsx", Ct);
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType!.MediaType);
        Assert.Equal("gridedge-weekly-370102-2026-W48.xlsx", xlsx.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        using var bytes = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync(Ct));
        using (var document = SpreadsheetDocument.Open(bytes, false))
        {
            var workbook = document.WorkbookPart!;
            var sheets = workbook.Workbook.Sheets!.Elements<Sheet>().ToList();
            Assert.Equal(["Summary", "Grids", "Overdue problems"], sheets.Select(s => s.Name!.Value));
            string?[][] Read(Sheet sheet) => ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet.Descendants<Row>()
                .Select(r => r.Elements<Cell>().Select(CellText).ToArray()).ToArray();

            var grids = Read(sheets[1]);
            var header = grids[0];
            Assert.Equal(WeeklyReport.GridColumns.Select(c => c.Header), header);
            Assert.Equal(2, grids.Length - 1);
            foreach (var row in grids.Skip(1))
            {
                Assert.Equal(Expected[row[0]!], NumericColumns.Select(c => int.Parse(row[Array.IndexOf(header, c)]!)));
                Assert.Equal(jsonRows[row[0]!].GetProperty("name").GetString(), row[1]);
            }
            // Numbers are numbers (no t attribute), strings inline.
            var firstData = ((WorksheetPart)workbook.GetPartById(sheets[1].Id!)).Worksheet.Descendants<Row>().ElementAt(1).Elements<Cell>().ToList();
            Assert.Equal(CellValues.InlineString, firstData[0].DataType!.Value);
            Assert.Null(firstData[3].DataType);

            var summary = Read(sheets[0]).ToDictionary(r => r[0]!, r => r[1]);
            Assert.Equal("2026-11-25T12:00:00+08:00", summary["cut-off 截止 (Wednesday 12:00 +08:00)"]);
            Assert.Equal("历下区", summary["name 名称"]);
            Assert.Equal("2", summary["problems overdue 逾期"]);
            Assert.Equal("3", summary["patrols 巡查"]);

            var overdue = Read(sheets[2]);
            Assert.Equal([problems["pA2"].ToString(), problems["pB1"].ToString()], overdue.Skip(1).Select(r => r[0]));
            Assert.Equal("2026-11-20T18:00:00+08:00", overdue[1][5]);
        }

        // CSV: UTF-8 with BOM, RFC 4180 quoting.
        using var csv = await http.GetAsync($"/api/reports/weekly?grid={City}&week={Week}&format=csv", Ct);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("gridedge-weekly-3701-2026-W48.csv", csv.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        var raw = await csv.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal([0xEF, 0xBB, 0xBF], raw[..3]);
        var text = Encoding.UTF8.GetString(raw, 3, raw.Length - 3);
        Assert.Contains("\"丙村, \"\"东\"\"片\"", text);
        var records = ParseCsv(text);
        Assert.Equal(WeeklyReport.GridColumns.Select(c => c.Header), records[0]);
        Assert.Equal(3, records.Count - 1);
        foreach (var record in records.Skip(1))
        {
            Assert.Equal(Expected[record[0]], NumericColumns.Select(c => int.Parse(record[Array.IndexOf(records[0], c)])));
            Assert.Equal(jsonRows[record[0]].GetProperty("name").GetString(), record[1]);
        }
    }

    [Fact]
    public void Xlsx_writer_output_is_a_valid_workbook_even_with_control_characters_in_names()
    {
        Assert.True(ReportWeek.TryParse(Week, out var week));
        var row = new GridCompliance(A, "甲村\u0001", null, 1, 1, 1, 1, true, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var report = new ComplianceReport(A, 4, "甲村", week.Name,
            new ComplianceWindows(week.PeriodFrom, week.CutOff, week.KeyPointWindowFrom, week.CutOff, week.CutOff, week.CutOff), ComplianceTotals.Of([row]), [row]);
        using var stream = new MemoryStream();
        WeeklyReport.WriteXlsx(stream, report, []);
        stream.Position = 0;
        using var document = SpreadsheetDocument.Open(stream, false);
        var errors = new DocumentFormat.OpenXml.Validation.OpenXmlValidator().Validate(document, Ct).Select(e => e.Description).ToList();
        Assert.Empty(errors);
        Assert.Equal(3, document.WorkbookPart!.WorksheetParts.Count());
        Assert.Equal("AA", WeeklyReport.ColumnName(26));
        Assert.Equal("U", WeeklyReport.ColumnName(20));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("/api/compliance?grid=370100000000&week=2026-48", "week", "ISO week")]
    [InlineData("/api/compliance?grid=370100000000&week=2025-W53", "week", "ISO week")]
    [InlineData("/api/compliance?grid=3701&week=2026-W48", "grid", "12-digit")]
    [InlineData("/api/compliance?week=2026-W48", "grid", "required")]
    [InlineData("/api/compliance?grid=370100000000&week=2026-W48&weeks=2", "weeks", "grid, week")]
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

    private static int[] Figures(GridCompliance r) =>
    [
        r.Members, r.ActiveMembers, r.CheckIns, r.Patrols, r.PatrolMet ? 1 : 0, r.KeyPoints, r.KeyPointsCovered, r.KeyPointsOnce,
        r.ProvinceEnterprises, r.ProvinceVisited, r.CityCountyEnterprises, r.CityCountyVisited, r.OtherEnterprises, r.OtherVisited,
        r.ProblemsReported, r.ProblemsOpen, r.ProblemsOverdue, r.ProblemsClosed,
    ];

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
