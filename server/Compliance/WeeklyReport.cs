using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace GridEdge.Server.Compliance;

/// <summary>
/// The period report (weekly by default) as a file: XLSX written directly (a zip of SpreadsheetML parts, rows streamed through an
/// XmlWriter, numbers as numbers, strings inline) or CSV (UTF-8 with BOM so Excel on Chinese Windows reads it as UTF-8, RFC 4180
/// quoting, CRLF). Headers, sheet names and labels in Chinese, or in English with <c>lang=en</c>.
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

    public static void WriteXlsx(Stream output, ComplianceReport report, IReadOnlyList<OverdueProblem> overdue, bool english = false)
    {
        var sheetNames = SheetNames(english);
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8);
        Part(zip, "[Content_Types].xml", w =>
        {
            w.WriteStartElement("Types", "http://schemas.openxmlformats.org/package/2006/content-types");
            Default(w, "rels", "application/vnd.openxmlformats-package.relationships+xml");
            Default(w, "xml", "application/xml");
            Override(w, "/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml");
            Override(w, "/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml");
            for (var i = 1; i <= sheetNames.Count; i++)
                Override(w, $"/xl/worksheets/sheet{i}.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml");
            w.WriteEndElement();
        });
        Part(zip, "_rels/.rels", w =>
        {
            w.WriteStartElement("Relationships", RelationshipsNs);
            Relationship(w, "rId1", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument", "xl/workbook.xml");
            w.WriteEndElement();
        });
        Part(zip, "xl/workbook.xml", w =>
        {
            w.WriteStartElement("workbook", MainNs);
            w.WriteAttributeString("xmlns", "r", null, DocumentRelationshipsNs);
            w.WriteStartElement("sheets", MainNs);
            for (var i = 0; i < sheetNames.Count; i++)
            {
                w.WriteStartElement("sheet", MainNs);
                w.WriteAttributeString("name", sheetNames[i]);
                w.WriteAttributeString("sheetId", (i + 1).ToString(CultureInfo.InvariantCulture));
                w.WriteAttributeString("id", DocumentRelationshipsNs, $"rId{i + 1}");
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
        });
        Part(zip, "xl/_rels/workbook.xml.rels", w =>
        {
            w.WriteStartElement("Relationships", RelationshipsNs);
            for (var i = 1; i <= sheetNames.Count; i++)
                Relationship(w, $"rId{i}", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet", $"worksheets/sheet{i}.xml");
            Relationship(w, $"rId{sheetNames.Count + 1}", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles", "styles.xml");
            w.WriteEndElement();
        });
        using (var styles = zip.CreateEntry("xl/styles.xml", CompressionLevel.Fastest).Open())
            styles.Write(Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>" + Styles.Trim()));

        Sheet(zip, 1, freezeHeader: false, sheet =>
        {
            sheet.Row([(english ? "item" : "项目", true), (english ? "value" : "数值", true)]);
            foreach (var (label, value) in Summary(report, english)) sheet.Row([(label, false), (value, false)]);
        });
        Sheet(zip, 2, freezeHeader: true, sheet =>
        {
            sheet.Row(GridColumns.Select(c => ((object?)c.Header(english), true)).ToArray());
            var cells = new (object?, bool)[GridColumns.Count];
            foreach (var row in report.Rows)
            {
                for (var i = 0; i < cells.Length; i++) cells[i] = (GridColumns[i].Value(row), false);
                sheet.Row(cells);
            }
        });
        Sheet(zip, 3, freezeHeader: true, sheet =>
        {
            sheet.Row(OverdueColumns(english).Select(c => ((object?)c, true)).ToArray());
            // Categories and states by name (秸秆焚烧, 已下发), as the problem ledger's other sheets print them.
            foreach (var p in overdue)
                sheet.Row([(p.Id, false), (p.Grid, false), (english ? ((GridEdge.Protocol.Records.ProblemCategory)p.Category).ToString() : p.CategoryName, false),
                    (english ? p.StateAtCutOff : p.StateName, false), (Time(p.ReportedAt), false),
                    (Time(p.Deadline), false), (p.Assignee, false), (p.Department, false), (p.DaysOverdue, false)]);
        });
    }

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

    private const string MainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string RelationshipsNs = "http://schemas.openxmlformats.org/package/2006/relationships";
    private const string DocumentRelationshipsNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    // Style 0 is the default, style 1 bold (headers).
    private const string Styles = """
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
        """;

    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), CloseOutput = false };

    private static void Part(ZipArchive zip, string name, Action<XmlWriter> write)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        using var w = XmlWriter.Create(stream, Settings);
        w.WriteStartDocument(standalone: true);
        write(w);
        w.WriteEndDocument();
    }

    private static void Default(XmlWriter w, string extension, string type)
    {
        w.WriteStartElement("Default", "http://schemas.openxmlformats.org/package/2006/content-types");
        w.WriteAttributeString("Extension", extension);
        w.WriteAttributeString("ContentType", type);
        w.WriteEndElement();
    }

    private static void Override(XmlWriter w, string part, string type)
    {
        w.WriteStartElement("Override", "http://schemas.openxmlformats.org/package/2006/content-types");
        w.WriteAttributeString("PartName", part);
        w.WriteAttributeString("ContentType", type);
        w.WriteEndElement();
    }

    private static void Relationship(XmlWriter w, string id, string type, string target)
    {
        w.WriteStartElement("Relationship", RelationshipsNs);
        w.WriteAttributeString("Id", id);
        w.WriteAttributeString("Type", type);
        w.WriteAttributeString("Target", target);
        w.WriteEndElement();
    }

    private static void Sheet(ZipArchive zip, int number, bool freezeHeader, Action<SheetWriter> rows) =>
        Part(zip, $"xl/worksheets/sheet{number}.xml", w =>
        {
            w.WriteStartElement("worksheet", MainNs);
            if (freezeHeader)
            {
                w.WriteStartElement("sheetViews", MainNs);
                w.WriteStartElement("sheetView", MainNs);
                w.WriteAttributeString("workbookViewId", "0");
                w.WriteStartElement("pane", MainNs);
                w.WriteAttributeString("ySplit", "1");
                w.WriteAttributeString("topLeftCell", "A2");
                w.WriteAttributeString("activePane", "bottomLeft");
                w.WriteAttributeString("state", "frozen");
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteStartElement("sheetData", MainNs);
            rows(new SheetWriter(w));
            w.WriteEndElement();
            w.WriteEndElement();
        });

    /// <summary>Writes rows of a worksheet one at a time: nothing of the sheet is held in memory.</summary>
    private sealed class SheetWriter(XmlWriter w)
    {
        private int _row;

        public void Row((object? Value, bool Bold)[] cells)
        {
            _row++;
            var rowNumber = _row.ToString(CultureInfo.InvariantCulture);
            w.WriteStartElement("row", MainNs);
            w.WriteAttributeString("r", rowNumber);
            for (var i = 0; i < cells.Length; i++)
            {
                var (value, bold) = cells[i];
                if (value is null) continue;
                w.WriteStartElement("c", MainNs);
                w.WriteAttributeString("r", ColumnName(i) + rowNumber);
                if (bold) w.WriteAttributeString("s", "1");
                if (value is string text)
                {
                    w.WriteAttributeString("t", "inlineStr");
                    w.WriteStartElement("is", MainNs);
                    w.WriteStartElement("t", MainNs);
                    w.WriteAttributeString("xml", "space", null, "preserve");
                    w.WriteString(XmlSafe(text));
                    w.WriteEndElement();
                    w.WriteEndElement();
                }
                else
                {
                    w.WriteElementString("v", MainNs, Convert.ToString(value, CultureInfo.InvariantCulture));
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
    }

    /// <summary>A, B, ..., Z, AA, ...</summary>
    public static string ColumnName(int index)
    {
        var name = "";
        for (index++; index > 0; index = (index - 1) / 26) name = (char)('A' + (index - 1) % 26) + name;
        return name;
    }

    // XML 1.0 cannot carry most control characters, whatever a member typed into a name.
    private static string XmlSafe(string text)
    {
        foreach (var c in text)
            if (c < 0x20 && c is not ('\t' or '\n' or '\r') || c is '\uFFFE' or '\uFFFF')
                return new string(text.Select(ch => ch < 0x20 && ch is not ('\t' or '\n' or '\r') || ch is '\uFFFE' or '\uFFFF' ? ' ' : ch).ToArray());
        return text;
    }
}
