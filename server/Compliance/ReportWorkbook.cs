using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace GridEdge.Server.Compliance;

/// <summary>
/// An XLSX workbook written with the Open XML SDK, one sheet at a time: each sheet's rows are streamed through an
/// <see cref="OpenXmlWriter"/> (nothing of a sheet is held in memory), the header row bold, numbers as numbers, strings inline.
/// Every report (weekly, monthly, quarterly, half-year, yearly) writes through it.
/// </summary>
public sealed class ReportWorkbook : IDisposable
{
    private readonly SpreadsheetDocument _document;
    private readonly WorkbookPart _workbook;
    private readonly Sheets _sheets;
    private uint _count;

    /// <summary>Starts a workbook on <paramref name="output"/> (left open); it is complete once disposed.</summary>
    public ReportWorkbook(Stream output)
    {
        _document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook);
        _workbook = _document.AddWorkbookPart();
        _workbook.Workbook = new Workbook();
        _sheets = _workbook.Workbook.AppendChild(new Sheets());
        // Cell format 0 is the default, 1 bold (headers).
        _workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = new Stylesheet(
            new Fonts(new Font(new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
                new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Calibri" })) { Count = 2 },
            new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
            new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 },
            new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
            new CellFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 },
                new CellFormat { NumberFormatId = 0, FontId = 1, FillId = 0, BorderId = 0, FormatId = 0, ApplyFont = true }) { Count = 2 },
            new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 });
    }

    /// <summary>Adds a sheet: a bold header row, then <paramref name="rows"/> (null cells are left empty).</summary>
    /// <param name="freezeHeader">Keep the header row in view while scrolling (a long table).</param>
    public void Sheet(string name, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows, bool freezeHeader = true)
    {
        var part = _workbook.AddNewPart<WorksheetPart>();
        using (var w = OpenXmlWriter.Create(part))
        {
            w.WriteStartElement(new Worksheet());
            if (freezeHeader)
                w.WriteElement(new SheetViews(new SheetView(new Pane
                {
                    VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen,
                }) { WorkbookViewId = 0 }));
            w.WriteStartElement(new SheetData());
            uint number = 0;
            Row(w, ++number, header, bold: true);
            foreach (var row in rows) Row(w, ++number, row, bold: false);
            w.WriteEndElement();
            w.WriteEndElement();
        }
        _sheets.Append(new Sheet { Name = name, SheetId = ++_count, Id = _workbook.GetIdOfPart(part) });
    }

    public void Dispose() => _document.Dispose();

    private static void Row(OpenXmlWriter w, uint number, IReadOnlyList<object?> cells, bool bold)
    {
        var reference = number.ToString(CultureInfo.InvariantCulture);
        w.WriteStartElement(new Row { RowIndex = number });
        for (var i = 0; i < cells.Count; i++)
            if (Cell(cells[i], WeeklyReport.ColumnName(i) + reference) is { } cell)
            {
                if (bold) cell.StyleIndex = 1;
                w.WriteElement(cell);
            }
        w.WriteEndElement();
    }

    private static Cell? Cell(object? value, string reference) => value switch
    {
        null => null,
        string text => new Cell(new InlineString(new Text(XmlSafe(text)) { Space = SpaceProcessingModeValues.Preserve }))
            { CellReference = reference, DataType = CellValues.InlineString },
        bool b => new Cell(new CellValue(b ? 1 : 0)) { CellReference = reference, DataType = CellValues.Number },
        int or long or double or decimal or float => new Cell(new CellValue(Convert.ToString(value, CultureInfo.InvariantCulture)!))
            { CellReference = reference, DataType = CellValues.Number },
        DateTimeOffset t => Cell(Periods.ReportPeriod.Format(t), reference),
        _ => Cell(Convert.ToString(value, CultureInfo.InvariantCulture), reference),
    };

    // XML 1.0 cannot carry most control characters, whatever a member typed into a name.
    private static string XmlSafe(string text)
    {
        static bool Bad(char c) => c < 0x20 && c is not ('\t' or '\n' or '\r') || c is '\uFFFE' or '\uFFFF';
        return text.Any(Bad) ? new string(text.Select(c => Bad(c) ? ' ' : c).ToArray()) : text;
    }
}
