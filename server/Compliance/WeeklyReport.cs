using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace GridEdge.Server.Compliance;

/// <summary>
/// The weekly report (due Wednesday 12:00) as a file: XLSX written directly (a zip of SpreadsheetML parts, rows streamed
/// through an XmlWriter, numbers as numbers, strings inline) or CSV (UTF-8 with BOM so Excel on Chinese Windows reads
/// it as UTF-8, RFC 4180 quoting, CRLF).
/// </summary>
public static class WeeklyReport
{
    /// <summary>One column of the per-grid sheet and of the CSV.</summary>
    public sealed record Column(string Header, Func<GridCompliance, object?> Value);

    public static readonly IReadOnlyList<Column> GridColumns =
    [
        new("grid", r => r.Grid),
        new("name", r => r.Name),
        new("township", r => r.Township),
        new("members", r => r.Members),
        new("active_members", r => r.ActiveMembers),
        new("checkins", r => r.CheckIns),
        new("patrols", r => r.Patrols),
        new("patrol_met", r => r.PatrolMet ? 1 : 0),
        new("key_points", r => r.KeyPoints),
        new("key_points_covered", r => r.KeyPointsCovered),
        new("key_points_once", r => r.KeyPointsOnce),
        new("province_enterprises", r => r.ProvinceEnterprises),
        new("province_visited", r => r.ProvinceVisited),
        new("city_county_enterprises", r => r.CityCountyEnterprises),
        new("city_county_visited", r => r.CityCountyVisited),
        new("other_enterprises", r => r.OtherEnterprises),
        new("other_visited", r => r.OtherVisited),
        new("problems_reported", r => r.ProblemsReported),
        new("problems_open", r => r.ProblemsOpen),
        new("problems_overdue", r => r.ProblemsOverdue),
        new("problems_closed", r => r.ProblemsClosed),
        // Empty unless a straw-burning ban of the village's county overlaps the week (002: 一把火考核).
        new("fire_points", r => r.FirePoints),
    ];

    public static readonly IReadOnlyList<string> OverdueColumns =
        ["problem", "grid", "category", "state_at_cut_off", "reported_at", "deadline", "assignee", "department", "days_overdue"];

    public static readonly IReadOnlyList<string> SheetNames = ["Summary", "Grids", "Overdue problems"];

    /// <summary>The download's file name, e.g. gridedge-weekly-370102-2026-W48.xlsx (the grid's significant prefix).</summary>
    public static string FileName(GridScope scope, string week, string extension) => $"gridedge-weekly-{scope.Prefix}-{week}.{extension}";

    private static string Time(DateTimeOffset t) => t.ToOffset(ReportWeek.ChinaStandardTime).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>The summary sheet: label (English and Chinese), value.</summary>
    public static IEnumerable<(string Label, object? Value)> Summary(ComplianceReport report)
    {
        var t = report.Totals;
        yield return ("grid 网格", report.Grid);
        yield return ("name 名称", report.Name);
        yield return ("level 层级", report.Level);
        yield return ("week 周", report.Week);
        yield return ("cut-off 截止 (Wednesday 12:00 +08:00)", Time(report.Windows.CutOff));
        yield return ("period from 起", Time(report.Windows.PeriodFrom));
        yield return ("key points counted from 重点点位自", Time(report.Windows.KeyPointsFrom));
        yield return ("province enterprises visited from 省控企业自", Time(report.Windows.ProvinceFrom));
        yield return ("city/county enterprises visited from 市县控企业自", Time(report.Windows.CityCountyFrom));
        yield return ("other enterprises visited from 其他企业自", Time(report.Windows.OtherFrom));
        yield return ("village grids 村级网格", t.Grids);
        yield return ("grids with >= 1 patrol 巡查达标网格", t.GridsPatrolMet);
        yield return ("members 网格员", t.Members);
        yield return ("active members 活跃网格员", t.ActiveMembers);
        yield return ("check-ins 打卡", t.CheckIns);
        yield return ("patrols 巡查", t.Patrols);
        yield return ("key points 重点点位", t.KeyPoints);
        yield return ("key points covered >= 2 this month 覆盖两次", t.KeyPointsCovered);
        yield return ("key points covered once 覆盖一次", t.KeyPointsOnce);
        yield return ("province enterprises 省控企业", t.ProvinceEnterprises);
        yield return ("province enterprises visited 已走访", t.ProvinceVisited);
        yield return ("city/county enterprises 市县控企业", t.CityCountyEnterprises);
        yield return ("city/county enterprises visited 已走访", t.CityCountyVisited);
        yield return ("other enterprises 其他企业", t.OtherEnterprises);
        yield return ("other enterprises visited 已走访", t.OtherVisited);
        yield return ("problems reported 新报问题", t.ProblemsReported);
        yield return ("problems open 未销号", t.ProblemsOpen);
        yield return ("problems overdue 逾期", t.ProblemsOverdue);
        yield return ("problems closed 销号", t.ProblemsClosed);
        if (t.FirePoints is { } fires) yield return ("fire points in a straw-burning ban 火点 (一把火考核)", fires);
    }

    public static void WriteXlsx(Stream output, ComplianceReport report, IReadOnlyList<OverdueProblem> overdue)
    {
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8);
        Part(zip, "[Content_Types].xml", w =>
        {
            w.WriteStartElement("Types", "http://schemas.openxmlformats.org/package/2006/content-types");
            Default(w, "rels", "application/vnd.openxmlformats-package.relationships+xml");
            Default(w, "xml", "application/xml");
            Override(w, "/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml");
            Override(w, "/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml");
            for (var i = 1; i <= SheetNames.Count; i++)
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
            for (var i = 0; i < SheetNames.Count; i++)
            {
                w.WriteStartElement("sheet", MainNs);
                w.WriteAttributeString("name", SheetNames[i]);
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
            for (var i = 1; i <= SheetNames.Count; i++)
                Relationship(w, $"rId{i}", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet", $"worksheets/sheet{i}.xml");
            Relationship(w, $"rId{SheetNames.Count + 1}", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles", "styles.xml");
            w.WriteEndElement();
        });
        using (var styles = zip.CreateEntry("xl/styles.xml", CompressionLevel.Fastest).Open())
            styles.Write(Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>" + Styles.Trim()));

        Sheet(zip, 1, freezeHeader: false, sheet =>
        {
            sheet.Row([("item 项目", true), ("value 数值", true)]);
            foreach (var (label, value) in Summary(report)) sheet.Row([(label, false), (value, false)]);
        });
        Sheet(zip, 2, freezeHeader: true, sheet =>
        {
            sheet.Row(GridColumns.Select(c => ((object?)c.Header, true)).ToArray());
            var cells = new (object?, bool)[GridColumns.Count];
            foreach (var row in report.Rows)
            {
                for (var i = 0; i < cells.Length; i++) cells[i] = (GridColumns[i].Value(row), false);
                sheet.Row(cells);
            }
        });
        Sheet(zip, 3, freezeHeader: true, sheet =>
        {
            sheet.Row(OverdueColumns.Select(c => ((object?)c, true)).ToArray());
            foreach (var p in overdue)
                sheet.Row([(p.Id, false), (p.Grid, false), (p.Category, false), (p.StateAtCutOff, false), (Time(p.ReportedAt), false),
                    (Time(p.Deadline), false), (p.Assignee, false), (p.Department, false), (p.DaysOverdue, false)]);
        });
    }

    public static async Task WriteCsvAsync(Stream output, ComplianceReport report, CancellationToken cancellationToken = default)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(',', GridColumns.Select(c => Csv(c.Header))));
        var line = new StringBuilder();
        foreach (var row in report.Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            line.Clear();
            for (var i = 0; i < GridColumns.Count; i++)
            {
                if (i > 0) line.Append(',');
                line.Append(Csv(GridColumns[i].Value(row)));
            }
            await writer.WriteLineAsync(line, cancellationToken);
        }
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
