using GridEdge.Server.Compliance;
using GridEdge.Server.Grid;
using GridEdge.Server.Periods;
using GridEdge.Server.Users;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Reports;

/// <summary>The period reports (week, month, quarter, half, year) as JSON, XLSX or CSV: GET /api/reports/{kind}.</summary>
public static class ReportEndpoints
{
    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        // /api/reports/weekly, /submissions and /board are literal routes: they win over {kind}.
        app.MapGet("/api/reports/{kind}", ReportAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> ReportAsync(string kind, HttpRequest request, PeriodReports reports, IGridRegistryStore registry, ComplianceLedger ledger,
        AccessFailures failures, PeriodCalendar periods, TimeProvider time, CancellationToken ct)
    {
        if (ReportQuery.Kind(kind) is not { } periodKind) return NotFound("kind", kind, "a kind of report: week, month, quarter, half or year");
        var q = request.Query;
        if (Unknown(q, "grid", "period", "format", "lang") is { } unknown) return unknown;
        var code = Single(q, "grid", out var error);
        if (error is not null) return error;
        var label = Single(q, "period", out error);
        if (error is not null) return error;
        var format = Single(q, "format", out error) ?? "json";
        if (error is not null) return error;
        if (format is not ("json" or "xlsx" or "csv")) return Bad("format", format, "json, xlsx or csv");
        // Chinese unless lang=en: an explicit parameter, so a browser's Accept-Language never changes an official's download.
        var lang = Single(q, "lang", out error) ?? "zh";
        if (error is not null) return error;
        if (lang is not ("zh" or "en")) return Bad("lang", lang, "zh (Chinese headers, the default) or en");

        var (grid, scope, gridError) = await ReportQuery.GridAsync(request.HttpContext, code, registry, ledger, failures, ct);
        if (gridError is not null) return gridError;
        var now = time.GetUtcNow();
        var (period, periodError) = ReportQuery.Period(label, grid!.Code, periodKind, periods, now);
        if (periodError is not null) return periodError;

        var report = await reports.BuildAsync(scope!, grid, period!, now, ct);
        var english = lang == "en";
        if (format == "json") return Results.Ok(report);
        if (format == "csv")
            return Results.Stream(stream => PeriodReportFile.WriteCsvAsync(stream, report, english, ct), "text/csv; charset=utf-8",
                PeriodReportFile.FileName(report, scope!, "csv"));
        // The package is written synchronously: into a temp file that vanishes when the response has sent it.
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"gridedge-report-{Guid.NewGuid():N}.xlsx"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        try
        {
            PeriodReportFile.WriteXlsx(file, report, english);
            file.Position = 0;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        return Results.File(file, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", PeriodReportFile.FileName(report, scope!, "xlsx"));
    }
}
