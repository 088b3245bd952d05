using GridEdge.Server.Compliance;
using GridEdge.Server.Periods;

namespace GridEdge.Server.Reports;

/// <summary>
/// A <see cref="PeriodReport"/> as a file: XLSX (through <see cref="ReportWorkbook"/>, a sheet per part of the report) or CSV (the
/// patrol summary per grid with the period on every line and a total line, as the weekly report writes it). Chinese sheet names
/// and headers, English with <c>lang=en</c>.
/// </summary>
public static class PeriodReportFile
{
    /// <summary>The sheets in order: summary, grids, problem ledger, major problems, overdue problems, complaints, enterprise visits, campaigns, amendments.</summary>
    public static IReadOnlyList<string> SheetNames(bool english) => english
        ? ["Summary", "Grids", "Problem ledger", "Major problems", "Overdue problems", "Complaints", "Enterprise visits", "Campaign fire points", "Amendments"]
        : ["汇总", "网格", "问题台账", "重大问题", "逾期问题", "信访投诉", "企业巡查", "专项行动火点", "更正"];

    /// <summary>The download's file name, e.g. gridedge-month-370102-2026-11.xlsx (the grid's significant prefix).</summary>
    public static string FileName(PeriodReport report, GridScope scope, string extension) => $"gridedge-{report.Kind}-{scope.Prefix}-{report.Period}.{extension}";

    private static string Time(DateTimeOffset t) => ReportPeriod.Format(t);

    /// <summary>The summary sheet: the kind of report, then the weekly report's summary, then the other parts' totals.</summary>
    public static IEnumerable<(string Label, object? Value)> Summary(PeriodReport r, bool english)
    {
        (string, object?) L(string zh, string en, object? value) => (english ? en : zh, value);
        yield return L("报表", "report", english ? r.Kind : KindName(r.Kind));
        yield return L("生成时间", "generated at", Time(r.GeneratedAt));
        foreach (var line in WeeklyReport.Summary(r.Compliance, english)) yield return line;
        yield return L("本期新报问题", "problems reported in the period", r.Problems.Reported);
        foreach (var s in r.Problems.ByState) yield return (english ? "problems " + s.Key : "问题：" + s.Name, s.Count);
        yield return L("重大问题", "major problems", r.MajorProblems.Count);
        yield return L("期末逾期问题", "problems overdue at the period's end", r.Overdue.Count);
        var c = r.Complaints.Totals;
        yield return L("信访投诉受理", "complaints received", c.Received);
        yield return L("按时响应", "responded in time", c.Met);
        yield return L("超时响应", "response time missed", c.Missed);
        yield return L("待响应", "response pending", c.Pending);
        yield return L("已答复", "replied", c.Replied);
        yield return L("已回访", "visited", c.Visited);
        yield return L("应巡查企业", "enterprises due for a visit", r.EnterpriseVisits.Due);
        yield return L("逾期未巡查企业", "enterprises overdue for a visit", r.EnterpriseVisits.Overdue);
        foreach (var f in r.Campaigns) yield return (english ? $"fire points: {f.Name ?? f.Id}" : $"火点：{f.Name ?? f.Id}", f.FirePoints);
        yield return L("上期报表更正", "amendments to the previous period", r.Amendments.Count);
    }

    /// <summary>The Chinese name of a kind of report.</summary>
    public static string KindName(string kind) => kind switch
    {
        "week" => "周报",
        "month" => "月报",
        "quarter" => "季报",
        "half" => "半年报",
        "year" => "年报",
        _ => kind,
    };

    public static void WriteXlsx(Stream output, PeriodReport r, bool english = false)
    {
        var names = SheetNames(english);
        using var workbook = new ReportWorkbook(output);
        IReadOnlyList<string> H(string[] zh, string[] en) => english ? en : zh;
        workbook.Sheet(names[0], WeeklyReport.SummaryColumns(english), Summary(r, english).Select(s => (IReadOnlyList<object?>)[s.Label, s.Value]), freezeHeader: false);
        workbook.Sheet(names[1], [.. WeeklyReport.GridColumns.Select(c => c.Header(english))], WeeklyReport.GridRows(r.Compliance));
        workbook.Sheet(names[2], H(["统计", "键", "名称", "数量"], ["by", "key", "name", "count"]),
            r.Problems.ByState.Select(s => (IReadOnlyList<object?>)[english ? "state" : "状态", s.Key, s.Name, s.Count])
                .Concat(r.Problems.ByCategory.Select(s => (IReadOnlyList<object?>)[english ? "category" : "类别", s.Key, s.Name, s.Count])));
        workbook.Sheet(names[3], H(["问题编号", "网格编码", "类别", "状态", "上报时间", "列为重大问题时间", "原因"],
                ["problem", "grid", "category", "state", "reported_at", "major_at", "reason"]),
            r.MajorProblems.Select(p => (IReadOnlyList<object?>)[p.Id, p.Grid, english ? p.Category : p.CategoryName, english ? p.State : p.StateName,
                Time(p.ReportedAt), Time(p.MajorAt), p.Reason]));
        workbook.Sheet(names[4], WeeklyReport.OverdueColumns(english), r.Overdue.Select(p => WeeklyReport.OverdueRow(p, english)));
        var c = r.Complaints;
        workbook.Sheet(names[5], H(["乡镇编码", "乡镇（街道）", "受理", "按时响应", "超时响应", "待响应", "重复访", "已答复", "已回访", "不满意"],
                ["township", "name", "received", "met", "missed", "pending", "repeats", "replied", "visited", "dissatisfied"]),
            c.Townships.Append(c.Totals with { Grid = WeeklyReport.TotalLabel(english), Name = c.Name })
                .Select(t => (IReadOnlyList<object?>)[t.Grid, t.Name, t.Received, t.Met, t.Missed, t.Pending, t.Repeats, t.Replied, t.Visited, t.Dissatisfied]));
        workbook.Sheet(names[6], H(["企业编号", "企业名称", "网格编码", "管控类别", "缩短周期", "窗口起", "上次巡查", "应巡查截止", "状态"],
                ["enterprise", "name", "grid", "class", "shortened", "window_from", "last_visit", "due_by", "state"]),
            r.EnterpriseVisits.Items.Select(e => (IReadOnlyList<object?>)[e.Id, e.Name, e.Grid, english ? e.Class : ClassName(e.Class), e.Shortened ? 1 : 0,
                Time(e.WindowFrom), e.LastVisit is { } v ? Time(v) : null, e.DueBy is { } d ? Time(d) : null, english ? e.State : e.State == "due" ? "应巡查" : "逾期未巡查"]));
        workbook.Sheet(names[7], H(["编号", "类型", "名称", "区县", "起", "止", "火点"], ["campaign", "kind", "name", "county", "from", "to", "fire_points"]),
            r.Campaigns.Select(f => (IReadOnlyList<object?>)[f.Id, english ? f.Kind : CampaignName(f.Kind), f.Name, f.County, Day(f.From), Day(f.To), f.FirePoints]));
        workbook.Sheet(names[8], H(["周期", "网格编码", "报送编号", "指标", "报送值", "现值"], ["period", "grid", "submission", "figure", "submitted", "now"]),
            r.Amendments.Select(a => (IReadOnlyList<object?>)[a.Period, a.Grid, a.Submission, a.Figure, a.Submitted.ToString(), a.Now.ToString()]));
    }

    /// <summary>The CSV: the patrol summary per grid with the period on every line and a total line (the weekly report's CSV).</summary>
    public static Task WriteCsvAsync(Stream output, PeriodReport r, bool english = false, CancellationToken cancellationToken = default) =>
        WeeklyReport.WriteCsvAsync(output, r.Compliance, english, cancellationToken);

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static string ClassName(string c) => c switch
    {
        Grid.EnterpriseClasses.National => "国控",
        Grid.EnterpriseClasses.Province => "省控",
        Grid.EnterpriseClasses.CityCounty => "市控/县控",
        _ => "其他",
    };

    private static string CampaignName(string kind) => kind switch
    {
        Alarms.CampaignKinds.StrawBurningBan => "秸秆禁烧期",
        Alarms.CampaignKinds.HeavyPollutionEmergency => "重污染天气应急",
        _ => kind,
    };
}
