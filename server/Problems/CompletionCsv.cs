using System.Text;
using GridEdge.Server.Compliance;
using GridEdge.Server.Grid;

namespace GridEdge.Server.Problems;

/// <summary>
/// On-time completion as CSV, as the weekly report writes it (UTF-8 with BOM for Excel on Chinese Windows, RFC 4180, CRLF), with
/// Chinese headers: the requested grid's totals first, then its counties, townships and villages.
/// </summary>
public static class CompletionCsv
{
    public static readonly IReadOnlyList<string> Headers = ["层级", "网格编码", "网格名称", "按时办结", "逾期办结", "逾期小时数", "逾期未办结", "周", "统计起", "统计止"];

    /// <summary>The download's file name, e.g. gridedge-completion-370102-2026-W48.csv (the grid's significant prefix).</summary>
    public static string FileName(CompletionReport report) => $"gridedge-completion-{GridLevels.Prefix(report.Grid)}-{report.Week}.csv";

    public static async Task WriteAsync(Stream output, CompletionReport report, CancellationToken cancellationToken = default)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(',', Headers.Select(WeeklyReport.Csv)));
        var from = Time(report.PeriodFrom);
        var to = Time(report.PeriodTo);
        foreach (var row in report.Counties.Prepend(report.Totals).Concat(report.Townships).Concat(report.Villages))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(string.Join(',', new object?[]
            {
                LevelName(row.Level), row.Grid, row.Name, row.ClosedOnTime, row.ClosedLate.Count, row.ClosedLate.HoursLate, row.OpenPastDeadline.Count,
                report.Week, from, to,
            }.Select(WeeklyReport.Csv)).AsMemory(), cancellationToken);
        }
    }

    private static string LevelName(string level) => level switch
    {
        "city" => "市",
        "county" => "县（区）",
        "township" => "乡镇（街道）",
        "village" => "村（社区）",
        _ => level,
    };

    private static string Time(DateTimeOffset t) =>
        t.ToOffset(GridEdge.Server.Periods.ReportPeriod.ChinaStandardTime).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
}
