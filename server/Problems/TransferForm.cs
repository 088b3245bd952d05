using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace GridEdge.Server.Problems;

/// <summary>What the transfer form (问题移送表) shows beside the problem: names the ledger holds only as codes and ids.</summary>
/// <param name="Village">The name of the problem's grid.</param>
/// <param name="Township">The name of the township above it.</param>
/// <param name="Department">The department's name (or id when it is no longer in the register).</param>
/// <param name="TransferredBy">Who transferred it: display name and user name.</param>
public sealed record TransferFormNames(string? Village, string? Township, string Department, string TransferredBy);

/// <summary>
/// The transfer form (问题移送表, 001: 移交移送) as a self-contained printable HTML page: A4 print CSS, no external resource,
/// every field HTML-escaped. Dates are shown in China Standard Time.
/// </summary>
public static class TransferForm
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    /// <summary>The last transfer of <paramref name="problem"/>'s events, or null when it was never transferred.</summary>
    public static StoredProblemEvent? LastTransfer(StoredProblem problem) => problem.Events?.LastOrDefault(e => e.Action == "transfer");

    public static string Render(StoredProblem problem, StoredProblemEvent transfer, TransferFormNames names)
    {
        var events = problem.Events ?? [];
        // The department's steps after this transfer: acceptance, report-back (or a return), and the closes.
        var after = events.Where(e => e.N > transfer.N).ToList();
        var accept = after.FirstOrDefault(e => e.Action == "accept");
        var report = after.FirstOrDefault(e => e.Action == "report");
        var returned = after.FirstOrDefault(e => e.Action == "return");
        var closes = after.Where(e => e.Action == "close").ToList();
        string? Detail(StoredProblemEvent? e, string name) =>
            e?.Detail is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var html = new StringBuilder();
        void Row(string label, string? value, int span = 3) =>
            html.Append("<tr><th>").Append(Escape(label)).Append("</th><td colspan=\"").Append(span).Append("\">").Append(Escape(value ?? "")).Append("</td></tr>\n");
        void Pair(string l1, string? v1, string l2, string? v2) =>
            html.Append("<tr><th>").Append(Escape(l1)).Append("</th><td>").Append(Escape(v1 ?? "")).Append("</td><th>").Append(Escape(l2)).Append("</th><td>")
                .Append(Escape(v2 ?? "")).Append("</td></tr>\n");

        html.Append("""
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8">
            <title>问题移送表</title>
            <style>
            @page { size: A4; margin: 20mm 18mm; }
            body { font-family: "SimSun", "Songti SC", serif; font-size: 12pt; color: #000; margin: 0; }
            h1 { text-align: center; font-size: 20pt; letter-spacing: 0.3em; margin: 0 0 4mm; }
            .no { text-align: right; margin-bottom: 3mm; }
            table { width: 100%; border-collapse: collapse; table-layout: fixed; }
            th, td { border: 1px solid #000; padding: 2.5mm; vertical-align: top; word-break: break-all; }
            th { width: 22%; font-weight: normal; text-align: center; background: #fff; }
            .sign { height: 18mm; }
            .sign td { vertical-align: bottom; text-align: right; }
            @media screen { body { max-width: 174mm; margin: 10mm auto; } }
            </style></head><body>

            """);
        html.Append("<h1>问题移送表</h1>\n<div class=\"no\">编号：").Append(Escape(problem.Id.ToString(CultureInfo.InvariantCulture))).Append("</div>\n<table>\n");
        Pair("问题类别", ProblemLabels.Category(problem.Category), "发现时间", Time(problem.ReportedAt));
        Pair("所在网格", names.Village is null ? problem.GridCode : $"{names.Village}（{problem.GridCode}）", "所属乡镇（街道）", names.Township);
        Row("问题地点", (problem.Address is null ? "" : problem.Address + "；")
            + string.Create(CultureInfo.InvariantCulture, $"经纬度 {problem.Latitude:0.000000}, {problem.Longitude:0.000000}"));
        Row("问题描述", problem.Description);
        Pair("发现人", problem.MemberId, "当前状态", ProblemLabels.State(problem.State));
        Pair("移送单位（网格）", names.Township ?? names.Village ?? problem.GridCode, "移送人", names.TransferredBy);
        Pair("接收部门", names.Department, "移送时间", Time(transfer.At));
        Pair("办理时限", Detail(transfer, "deadline") is { } d && DateTimeOffset.TryParse(d, CultureInfo.InvariantCulture, DateTimeStyles.None, out var due) ? Time(due) : null,
            "重大问题", problem.Handling?.Major == true ? "是：" + problem.Handling.MajorReason : "否");
        Row("移送意见", Detail(transfer, "note"));
        Pair("受理时间", accept is null ? null : Time(accept.At), "受理人", accept?.By);
        if (returned is not null) Pair("退回时间", Time(returned.At), "退回理由", Detail(returned, "reason"));
        Pair("反馈时间", report is null ? null : Time(report.At), "反馈人", report?.By);
        Row("办理结果", Detail(report, "result"));
        foreach (var close in closes)
            Pair(Detail(close, "part") == ClosingParts.Department ? "部门销号" : "乡镇销号", Time(close.At), "销号人", close.By);
        html.Append("<tr class=\"sign\"><th>移送单位意见</th><td colspan=\"3\">（盖章）　　负责人签字：　　　　　　年　　月　　日</td></tr>\n");
        html.Append("<tr class=\"sign\"><th>接收部门意见</th><td colspan=\"3\">（盖章）　　负责人签字：　　　　　　年　　月　　日</td></tr>\n");
        html.Append("</table>\n</body></html>\n");
        return html.ToString();
    }

    private static string Time(DateTimeOffset at) => at.ToOffset(Cst).ToString("yyyy年M月d日 HH:mm", CultureInfo.InvariantCulture);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
