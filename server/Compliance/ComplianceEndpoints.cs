using GridEdge.Server.Users;
using GridEdge.Server.Api;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Compliance;

/// <summary>The compliance figures as JSON and the weekly report as an XLSX or CSV download.</summary>
public static class ComplianceEndpoints
{
    public static IEndpointRouteBuilder MapComplianceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/compliance", ComplianceAsync).RequireAuthorization(Permissions.ReadLedgers);
        app.MapGet("/api/reports/weekly", WeeklyAsync).RequireAuthorization(Permissions.ReadLedgers);
        return app;
    }

    private static async Task<IResult> ComplianceAsync(HttpRequest request, ComplianceLedger ledger, AccessFailures failures, TimeProvider time, CancellationToken ct)
    {
        var (scope, week, error) = await ParseAsync(request, ledger, failures, time, ["grid", "week"], ct);
        if (error is not null) return error;
        return Results.Ok(await ledger.ComputeAsync(scope!, week!, ct));
    }

    private static async Task<IResult> WeeklyAsync(HttpRequest request, ComplianceLedger ledger, AccessFailures failures, TimeProvider time, CancellationToken ct)
    {
        var (scope, week, error) = await ParseAsync(request, ledger, failures, time, ["grid", "week", "format"], ct);
        if (error is not null) return error;
        var format = request.Query.TryGetValue("format", out var f) ? f.ToString() : "xlsx";
        if (format is not ("xlsx" or "csv")) return Bad("format", format, "xlsx or csv");

        var report = await ledger.ComputeAsync(scope!, week!, ct);
        if (format == "csv")
            return Results.Stream(stream => WeeklyReport.WriteCsvAsync(stream, report, ct), "text/csv; charset=utf-8",
                WeeklyReport.FileName(scope!, week!.Name, "csv"));

        var overdue = await ledger.GetOverdueAtCutOffAsync(scope!, week!, ct);
        // The zip is written synchronously (ZipArchive): into a temp file that vanishes when the response has sent it.
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"gridedge-report-{Guid.NewGuid():N}.xlsx"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        try
        {
            WeeklyReport.WriteXlsx(file, report, overdue);
            file.Position = 0;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        return Results.File(file, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", WeeklyReport.FileName(scope!, week!.Name, "xlsx"));
    }

    private static async Task<(GridScope? Scope, ReportWeek? Week, IResult? Error)> ParseAsync(HttpRequest request, ComplianceLedger ledger, AccessFailures failures,
        TimeProvider time, string[] known, CancellationToken ct)
    {
        var q = request.Query;
        foreach (var key in q.Keys)
        {
            if (Array.IndexOf(known, key) < 0) return (null, null, Bad(key, q[key].ToString(), "one of the parameters " + string.Join(", ", known)));
            if (q[key].Count > 1) return (null, null, Bad(key, q[key].ToString(), "one value"));
        }
        if (!q.TryGetValue("grid", out var gridText) || string.IsNullOrEmpty(gridText))
            return (null, null, Bad("grid", null, ComplianceLedger.GridRule + " (required)"));

        ReportWeek week;
        if (q.TryGetValue("week", out var weekText) && !string.IsNullOrEmpty(weekText))
        {
            if (!ReportWeek.TryParse(weekText, out week)) return (null, null, Bad("week", weekText, ReportWeek.Rule));
        }
        else
        {
            // Without a week: the week being reported now, the one whose cut-off is next.
            week = ReportWeek.Containing(time.GetUtcNow());
        }
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
        return (scope, week, null);
    }

}
