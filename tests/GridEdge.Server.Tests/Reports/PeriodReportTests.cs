using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using GridEdge.Server.Reports;
using GridEdge.Server.Tests.Problems;
using GridEdge.Server.Tests.Support;
using static GridEdge.Server.Tests.Compliance.ComplianceScenario;

namespace GridEdge.Server.Tests.Reports;

/// <summary>The week, month, quarter, half-year and year reports: their due dates, their content from the ledgers, XLSX with Chinese sheets and CSV.</summary>
public sealed class PeriodReportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 120_000)]
    [InlineData("week", "2026-W49", "2026-11-30T00:00:00+08:00", "2026-12-09T12:00:00+08:00")]
    [InlineData("month", "2026-12", "2026-12-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00")]
    [InlineData("quarter", "2026-Q4", "2026-10-01T00:00:00+08:00", "2027-01-10T00:00:00+08:00")]
    [InlineData("half", "2026-H2", "2026-07-01T00:00:00+08:00", "2027-01-10T00:00:00+08:00")]
    [InlineData("year", "2026", "2026-01-01T00:00:00+08:00", "2026-12-10T00:00:00+08:00")]
    public async Task Each_kind_of_report_states_its_due_date_and_carries_the_ledgers_figures_as_json_xlsx_and_csv(string kind, string period, string from, string due)
    {
        await using var server = await RunningServer.StartAsync(extension: new ManualClock(GridRows.Cn(2026, 12, 12, 10)));
        long major, burning;
        using (var rows = new GridRows(server.LedgerPath))
        {
            Seed(rows);
            // A straw-burning problem in A on Dec 2, flagged major on Dec 3, still open; a complaint in A on Dec 2.
            burning = rows.Problem(A, GridRows.Cn(2026, 12, 2), state: "assigned", assignee: "a1", deadline: GridRows.Cn(2026, 12, 4));
            rows.Execute("UPDATE problems SET category = 0, source = 'alert', major_at = $1, major_reason = '跨界焚烧' WHERE id = $2;",
                GridRows.Cn(2026, 12, 3).ToUnixTimeMilliseconds(), burning);
            rows.Event(burning, 1, "assign", "reported", "assigned", GridRows.Cn(2026, 12, 2, 10, 0));
            major = burning;
            rows.Execute("""
                INSERT INTO complaints (received_at, channel, category, description, contact_name, contact_phone, grid, received_by, created_at)
                VALUES ($1, 'phone', 1, '扬尘', '王', '138', $2, 'admin', $1);
                """, GridRows.Cn(2026, 12, 2, 10).ToUnixTimeMilliseconds(), A);
        }
        using var http = server.Http();
        using (var put = await http.PutAsJsonAsync("/api/campaigns/ban-2026", new { kind = "straw_burning_ban", county = CountyA, from = "2026-09-25", to = "2026-12-31", name = "秋季禁烧" }, Ct))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var json = await http.GetFromJsonAsync<JsonElement>($"/api/reports/{kind}?grid={CountyA}&period={period}", Ct);
        Assert.Equal((kind, period, from, due), (json.GetProperty("kind").GetString(), json.GetProperty("period").GetString(),
            json.GetProperty("periodFrom").GetString(), json.GetProperty("dueAt").GetString()));
        var compliance = await http.GetFromJsonAsync<JsonElement>($"/api/compliance?grid={CountyA}&period={period}", Ct);
        var patrols = compliance.GetProperty("totals").GetProperty("patrols").GetInt32();
        Assert.Equal(patrols, json.GetProperty("compliance").GetProperty("totals").GetProperty("patrols").GetInt32());
        if (kind == "week") Assert.Equal(5, patrols);
        var byState = json.GetProperty("problems").GetProperty("byState").EnumerateArray().ToDictionary(s => s.GetProperty("key").GetString()!);
        Assert.Equal(("已交办", 1), (byState["assigned"].GetProperty("name").GetString(), byState["assigned"].GetProperty("count").GetInt32()));
        var byCategory = json.GetProperty("problems").GetProperty("byCategory").EnumerateArray().ToDictionary(s => s.GetProperty("key").GetString()!);
        Assert.Equal("秸秆焚烧", byCategory["straw_burning"].GetProperty("name").GetString());
        Assert.Equal(major, Assert.Single(json.GetProperty("majorProblems").EnumerateArray()).GetProperty("id").GetInt64());
        Assert.Contains(json.GetProperty("overdue").EnumerateArray(), p => p.GetProperty("id").GetInt64() == burning);
        Assert.Equal(1, json.GetProperty("complaints").GetProperty("totals").GetProperty("received").GetInt32());
        // P1 (province-level, last visited Oct 20) is overdue at the end of every one of these periods.
        var visits = json.GetProperty("enterpriseVisits");
        Assert.Contains(visits.GetProperty("items").EnumerateArray(), e => e.GetProperty("id").GetString() == "P1" && e.GetProperty("state").GetString() == "overdue");
        Assert.Equal(visits.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("state").GetString() == "overdue"), visits.GetProperty("overdue").GetInt32());
        var campaign = Assert.Single(json.GetProperty("campaigns").EnumerateArray());
        Assert.Equal(("ban-2026", 1), (campaign.GetProperty("id").GetString(), campaign.GetProperty("firePoints").GetInt32()));

        // XLSX read back with the Open XML SDK: Chinese sheet names, the due time and a known figure in the summary.
        using var xlsx = await http.GetAsync($"/api/reports/{kind}?grid={CountyA}&period={period}&format=xlsx", Ct);
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal($"gridedge-{kind}-370102-{period}.xlsx", xlsx.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        using (var document = SpreadsheetDocument.Open(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync(Ct)), false))
        {
            var sheets = Sheets(document);
            Assert.Equal(PeriodReportFile.SheetNames(english: false), sheets.Keys);
            Assert.Equal(["汇总", "网格", "问题台账", "重大问题", "逾期问题", "信访投诉", "企业巡查", "专项行动火点", "更正"], sheets.Keys);
            var summary = sheets["汇总"].Skip(1).ToDictionary(r => r[0]!, r => r[1]);
            Assert.Equal((PeriodReportFile.KindName(kind), due, patrols.ToString(System.Globalization.CultureInfo.InvariantCulture)), (summary["报表"], summary["报送截止"], summary["有效巡查"]));
            Assert.Contains(sheets["问题台账"], r => r[2] == "秸秆焚烧" && r[3] == "1");
            Assert.Equal(("秸秆焚烧", "已交办", "跨界焚烧"), (sheets["重大问题"][1][2], sheets["重大问题"][1][3], sheets["重大问题"][1][6]));
            Assert.Equal(("秋季禁烧", "1"), (sheets["专项行动火点"][1][2], sheets["专项行动火点"][1][6]));
        }
        using (var english = await http.GetAsync($"/api/reports/{kind}?grid={CountyA}&period={period}&format=xlsx&lang=en", Ct))
        using (var document = SpreadsheetDocument.Open(new MemoryStream(await english.Content.ReadAsByteArrayAsync(Ct)), false))
            Assert.Equal(PeriodReportFile.SheetNames(english: true), Sheets(document).Keys);

        // CSV: UTF-8 with BOM, the period on every line and the total line.
        var csv = await http.GetByteArrayAsync($"/api/reports/{kind}?grid={CountyA}&period={period}&format=csv", Ct);
        Assert.Equal([0xEF, 0xBB, 0xBF], csv[..3]);
        var lines = Encoding.UTF8.GetString(csv, 3, csv.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines.Skip(1), l => Assert.StartsWith($"{period},{from},", l));
        Assert.Contains(",合计,", lines[^1]);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_kind_is_a_404_and_a_period_of_another_kind_a_400_naming_the_period()
    {
        await using var server = await RunningServer.StartAsync();
        using (var rows = new GridRows(server.LedgerPath)) Seed(rows);
        using var http = server.Http();
        using (var unknown = await http.GetAsync($"/api/reports/fortnight?grid={CountyA}", Ct)) Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var wrong = await http.GetAsync($"/api/reports/month?grid={CountyA}&period=2026-Q4", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var error = await wrong.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(("period", "2026-Q4", "a period of kind month"), (error.GetProperty("field").GetString(), error.GetProperty("value").GetString(),
            error.GetProperty("expected").GetString()));
    }

    private static Dictionary<string, string?[][]> Sheets(SpreadsheetDocument document)
    {
        var workbook = document.WorkbookPart!;
        return workbook.Workbook.Sheets!.Elements<Sheet>().ToDictionary(s => s.Name!.Value!, s => ((WorksheetPart)workbook.GetPartById(s.Id!)).Worksheet
            .Descendants<Row>().Select(r => r.Elements<Cell>().Select(Text).ToArray()).ToArray());
    }

    private static string? Text(Cell cell) => cell.DataType?.Value == CellValues.InlineString ? cell.InlineString?.Text?.Text : cell.CellValue?.Text;
}
