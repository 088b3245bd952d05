using GridEdge.Server.Periods;
using GridEdge.Server.Users;
using GridEdge.Server.Api;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Compliance;

/// <summary>The compliance figures as JSON and the period report (weekly by default) as an XLSX or CSV download.</summary>
public static class ComplianceEndpoints
{
    public static IEndpointRouteBuilder MapComplianceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/compliance", ComplianceAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapGet("/api/reports/weekly", WeeklyAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> ComplianceAsync(HttpRequest request, ComplianceLedger ledger, AccessFailures failures, PeriodCalendar periods, TimeProvider time,
        CancellationToken ct)
    {
        var (scope, week, error) = await ParseAsync(request, ledger, failures, periods, time, ["grid", "week", "period"], ct);
        if (error is not null) return error;
        return Results.Ok(await ledger.ComputeAsync(scope!, week!, ct));
    }

    private static async Task<IResult> WeeklyAsync(HttpRequest request, ComplianceLedger ledger, AccessFailures failures, PeriodCalendar periods, TimeProvider time,
        CancellationToken ct)
    {
        var (scope, week, error) = await ParseAsync(request, ledger, failures, periods, time, ["grid", "week", "period", "format", "lang"], ct);
        if (error is not null) return error;
        var format = request.Query.TryGetValue("format", out var f) ? f.ToString() : "xlsx";
        if (format is not ("xlsx" or "csv")) return Bad("format", format, "xlsx or csv");
        // Chinese unless lang=en: an explicit parameter, so a browser's Accept-Language never changes an official's download.
        var lang = request.Query.TryGetValue("lang", out var l) ? l.ToString() : "zh";
        if (lang is not ("zh" or "en")) return Bad("lang", lang, "zh (Chinese headers, the default) or en");
        var english = lang == "en";

        var report = await ledger.ComputeAsync(scope!, week!, ct);
        if (format == "csv")
            return Results.Stream(stream => WeeklyReport.WriteCsvAsync(stream, report, english, ct), "text/csv; charset=utf-8",
                WeeklyReport.FileName(scope!, week!.Label, "csv"));

        var overdue = await ledger.GetOverdueAtCutOffAsync(scope!, week!, ct);
        // The zip is written synchronously (ZipArchive): into a temp file that vanishes when the response has sent it.
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"gridedge-report-{Guid.NewGuid():N}.xlsx"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        try
        {
            WeeklyReport.WriteXlsx(file, report, overdue, english);
            file.Position = 0;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        return Results.File(file, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", WeeklyReport.FileName(scope!, week!.Label, "xlsx"));
    }

    private static async Task<(GridScope? Scope, ReportPeriod? Period, IResult? Error)> ParseAsync(HttpRequest request, ComplianceLedger ledger, AccessFailures failures,
        PeriodCalendar periods, TimeProvider time, string[] known, CancellationToken ct)
    {
        var q = request.Query;
        foreach (var key in q.Keys)
        {
            if (Array.IndexOf(known, key) < 0) return (null, null, Bad(key, q[key].ToString(), "one of the parameters " + string.Join(", ", known)));
            if (q[key].Count > 1) return (null, null, Bad(key, q[key].ToString(), "one value"));
        }
        if (!q.TryGetValue("grid", out var gridText) || string.IsNullOrEmpty(gridText))
            return (null, null, Bad("grid", null, ComplianceLedger.GridRule + " (required)"));

        // The period follows the rules of the grid's county (Server:Periods:Counties), the defaults for a city.
        var (period, periodError) = PeriodQuery.Parse(q, periods.For(gridText), time.GetUtcNow());
        if (periodError is not null) return (null, null, periodError);
        // A caller with a grid gets figures of its own subtree: a wider grid narrows to its own, another one does not exist.
        string? code = gridText;
        if (GridEdge.Server.Grid.GridLevels.IsValid(code) && !request.HttpContext.User.TryNarrow(code, out code))
        {
            failures.OutsideGrid(request.HttpContext);
            return (null, null, NotFound("grid", gridText, "a grid in the registry"));
        }
        var (scope, error) = await ledger.ResolveGridAsync(code, ct);
        if (error == ComplianceLedger.NoSuchGrid) return (null, null, NotFound("grid", gridText, "a grid in the registry"));
        if (error is not null) return (null, null, Bad("grid", gridText, error));
        return (scope, period, null);
    }
}
