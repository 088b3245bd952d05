using System.Globalization;
using System.Text;

namespace GridEdge.Server.Compliance;

/// <summary>
/// The period report (weekly by default) as a file: XLSX written with the Open XML SDK (<see cref="ReportWorkbook"/>) or CSV (UTF-8
/// with BOM so Excel on Chinese Windows reads it as UTF-8, RFC 4180 quoting, CRLF). Headers, sheet names and labels in Chinese, or in English with <c>lang=en</c>.
/// </summary>
public static class WeeklyReport
{
    /// <summary>One column of the per-grid sheet and of the CSV: its Chinese and English header.</summary>
    public sealed record Column(string Chinese, string English, Func<GridCompliance, object?> Value)
    {
        public string Header(bool english) => english ? English : Chinese;
    }

    public static readonly IReadOnlyList<Column> GridColumns =
    [
        new("网格编码", "grid", r => r.Grid),
        new("网格名称", "name", r => r.Name),
        new("层级", "level", r => Grid.GridLevels.Name(r.Level)),
        new("乡镇（街道）", "township", r => r.Township),
        new("网格员", "members", r => r.Members),
        new("活跃网格员", "active_members", r => r.ActiveMembers),
        new("打卡", "checkins", r => r.CheckIns),
        new("巡查记录", "patrols_recorded", r => r.PatrolsRecorded),
        new("有效巡查", "patrols", r => r.Patrols),
        new("巡查达标", "patrol_met", r => r.PatrolMet ? 1 : 0),
        new("重点点位", "key_points", r => r.KeyPoints),
        new("本月覆盖两次", "key_points_covered", r => r.KeyPointsCovered),
        new("本月覆盖一次", "key_points_once", r => r.KeyPointsOnce),
        new("国控企业", "national_enterprises", r => r.NationalEnterprises),
        new("国控已巡查", "national_visited", r => r.NationalVisited),
        new("省控企业", "province_enterprises", r => r.ProvinceEnterprises),
        new("省控已巡查", "province_visited", r => r.ProvinceVisited),
        new("市控县控企业", "city_county_enterprises", r => r.CityCountyEnterprises),
        new("市控县控已巡查", "city_county_visited", r => r.CityCountyVisited),
        new("其他企业", "other_enterprises", r => r.OtherEnterprises),
        new("其他已巡查", "other_visited", r => r.OtherVisited),
        new("新报问题", "problems_reported", r => r.ProblemsReported),
        new("未销号", "problems_open", r => r.ProblemsOpen),
        new("逾期", "problems_overdue", r => r.ProblemsOverdue),
        new("销号", "problems_closed", r => r.ProblemsClosed),
        new("逾期到达记录", "late_records", r => r.LateRecords),
        // Empty unless a straw-burning ban of the village's county overlaps the period (002: 一把火考核).
        new("火点", "fire_points", r => r.FirePoints),
    ];

    /// <summary>The columns the CSV puts before the grid columns on every line, so each line names its period.</summary>
    public static IReadOnlyList<string> PeriodColumns(bool english) => english ? ["period", "period_from", "period_to", "due_at"] : ["周期", "起", "止", "报送截止"];

    public static IReadOnlyList<string> OverdueColumns(bool english) => english
        ? ["problem", "grid", "category", "state_at_period_end", "reported_at", "deadline", "assignee", "department", "days_overdue"]
        : ["问题编号", "网格编码", "类别", "期末状态", "上报时间", "整改期限", "责任人", "责任部门", "逾期天数"];

    public static IReadOnlyList<string> SheetNames(bool english) => english ? ["Summary", "Grids", "Overdue problems"] : ["汇总", "网格", "逾期问题"];

    /// <summary>The total line's first cell in the CSV.</summary>
    public static string TotalLabel(bool english) => english ? "total" : "合计";

    /// <summary>The download's file name, e.g. gridedge-weekly-370102-2026-W48.xlsx (the grid's significant prefix).</summary>
    public static string FileName(GridScope scope, string period, string extension) => $"gridedge-weekly-{scope.Prefix}-{period}.{extension}";

    private static string Time(DateTimeOffset t) => Periods.ReportPeriod.Format(t);

    /// <summary>The summary sheet: label, value.</summary>
    public static IEnumerable<(string Label, object? Value)> Summary(ComplianceReport report, bool english)
    {
        var t = report.Totals;
        (string, object?) L(string zh, string en, object? value) => (english ? en : zh, value);
        yield return L("网格", "grid", report.Grid);
        yield return L("名称", "name", report.Name);
        yield return L("层级", "level", report.Level);
        yield return L("周期", "period", report.Label);
        yield return L("起", "period from", Time(report.PeriodFrom));
        yield return L("止", "period to", Time(report.PeriodTo));
        yield return L("报送截止", "due at", Time(report.DueAt));
        yield return L("重点点位自（本月）", "key points counted from (this month)", Time(report.Windows.KeyPointsFrom));
        yield return L("国控企业巡查自", "national enterprises visited from", Time(report.Windows.NationalFrom));
        yield return L("省控企业巡查自", "province enterprises visited from", Time(report.Windows.ProvinceFrom));
        yield return L("市控县控企业巡查自", "city/county enterprises visited from", Time(report.Windows.CityCountyFrom));
        yield return L("其他企业巡查自", "other enterprises visited from", Time(report.Windows.OtherFrom));
        yield return L("网格数", "grids", t.Grids);
        yield return L("巡查达标网格", "grids with >= 1 counted patrol", t.GridsPatrolMet);
        yield return L("网格员", "members", t.Members);
        yield return L("活跃网格员", "active members", t.ActiveMembers);
        yield return L("打卡", "check-ins", t.CheckIns);
        yield return L("巡查记录", "patrols recorded", t.PatrolsRecorded);
        yield return L("有效巡查", "patrols counted", t.Patrols);
        yield return L("重点点位", "key points", t.KeyPoints);
        yield return L("本月覆盖两次", "key points covered >= 2 this month", t.KeyPointsCovered);
        yield return L("本月覆盖一次", "key points covered once this month", t.KeyPointsOnce);
        yield return L("国控企业", "national enterprises", t.NationalEnterprises);
        yield return L("国控已巡查", "national enterprises visited", t.NationalVisited);
        yield return L("省控企业", "province enterprises", t.ProvinceEnterprises);
        yield return L("省控已巡查", "province enterprises visited", t.ProvinceVisited);
        yield return L("市控县控企业", "city/county enterprises", t.CityCountyEnterprises);
        yield return L("市控县控已巡查", "city/county enterprises visited", t.CityCountyVisited);
        yield return L("其他企业", "other enterprises", t.OtherEnterprises);
        yield return L("其他已巡查", "other enterprises visited", t.OtherVisited);
        yield return L("新报问题", "problems reported", t.ProblemsReported);
        yield return L("未销号", "problems open", t.ProblemsOpen);
        yield return L("逾期", "problems overdue", t.ProblemsOverdue);
        yield return L("销号", "problems closed", t.ProblemsClosed);
        yield return L("逾期到达记录", "records received after the due time", t.LateRecords);
        if (t.FirePoints is { } fires) yield return L("火点（一把火考核）", "fire points in a straw-burning ban", fires);
    }

    /// <summary>The workbook: the summary, one row per grid, and the problems overdue at the period's end.</summary>
    public static void WriteXlsx(Stream output, ComplianceReport report, IReadOnlyList<OverdueProblem> overdue, bool english = false)
    {
        var names = SheetNames(english);
        using var workbook = new ReportWorkbook(output);
        workbook.Sheet(names[0], SummaryColumns(english), Summary(report, english).Select(s => (IReadOnlyList<object?>)[s.Label, s.Value]), freezeHeader: false);
        workbook.Sheet(names[1], [.. GridColumns.Select(c => c.Header(english))], GridRows(report));
        workbook.Sheet(names[2], OverdueColumns(english), overdue.Select(p => OverdueRow(p, english)));
    }

    public static IReadOnlyList<string> SummaryColumns(bool english) => english ? ["item", "value"] : ["项目", "数值"];

    /// <summary>The per-grid sheet's rows, in <see cref="GridColumns"/>' order.</summary>
    public static IEnumerable<IReadOnlyList<object?>> GridRows(ComplianceReport report) =>
        report.Rows.Select(row => (IReadOnlyList<object?>)[.. GridColumns.Select(c => c.Value(row))]);

    /// <summary>An overdue problem's row: category and state by name (秸秆焚烧, 已交办), as the problem ledger's other sheets print them.</summary>
    public static IReadOnlyList<object?> OverdueRow(OverdueProblem p, bool english) =>
        [p.Id, p.Grid, english ? ((GridEdge.Protocol.Records.ProblemCategory)p.Category).ToString() : p.CategoryName, english ? p.StateAtCutOff : p.StateName,
         Time(p.ReportedAt), Time(p.Deadline), p.Assignee, p.Department, p.DaysOverdue];

    /// <summary>
    /// The CSV: a header line, one line per grid with the period's label, start, end and due time in front, and a total line (first
    /// cell 合计 / total) with the report's totals.
    /// </summary>
    public static async Task WriteCsvAsync(Stream output, ComplianceReport report, bool english = false, CancellationToken cancellationToken = default)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(',', PeriodColumns(english).Concat(GridColumns.Select(c => c.Header(english))).Select(Csv)));
        object?[] period = [report.Label, Time(report.PeriodFrom), Time(report.PeriodTo), Time(report.DueAt)];
        var line = new StringBuilder();
        async Task Line(IEnumerable<object?> cells)
        {
            line.Clear();
            foreach (var cell in cells)
            {
                if (line.Length > 0) line.Append(',');
                line.Append(Csv(cell));
            }
            await writer.WriteLineAsync(line, cancellationToken);
        }
        foreach (var row in report.Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Line(period.Concat(GridColumns.Select(c => c.Value(row))));
        }
        var t = report.Totals;
        await Line(period.Concat<object?>([TotalLabel(english), report.Name, null, null, t.Members, t.ActiveMembers, t.CheckIns, t.PatrolsRecorded, t.Patrols,
            t.GridsPatrolMet, t.KeyPoints, t.KeyPointsCovered, t.KeyPointsOnce, t.NationalEnterprises, t.NationalVisited, t.ProvinceEnterprises, t.ProvinceVisited,
            t.CityCountyEnterprises, t.CityCountyVisited, t.OtherEnterprises, t.OtherVisited, t.ProblemsReported, t.ProblemsOpen, t.ProblemsOverdue,
            t.ProblemsClosed, t.LateRecords, t.FirePoints]));
    }

    /// <summary>One CSV field: RFC 4180 quoting when it needs it, numbers in the invariant culture.</summary>
    internal static string Csv(object? value) => value switch
    {
        null => "",
        string s when s.AsSpan().IndexOfAny(",\"\r\n") >= 0 => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Csv(value.ToString()),
    };

    /// <summary>A, B, ..., Z, AA, ...</summary>
    public static string ColumnName(int index)
    {
        var name = "";
        for (index++; index > 0; index = (index - 1) / 26) name = (char)('A' + (index - 1) % 26) + name;
        return name;
    }
}
