using GridEdge.Server.Compliance;
using GridEdge.Server.Grid;
using GridEdge.Server.Periods;
using GridEdge.Server.Users;
using static GridEdge.Server.Api.QueryParameters;

namespace GridEdge.Server.Reports;

/// <summary>
/// The grid and period a report, a submission or the board is asked for: the grid defaults to the caller's own, a wider one narrows
/// to the caller's own, and one outside it answers 404 as if it did not exist (and is counted); the period label follows the grid's county's rules and defaults to the
/// period of <c>kind</c> being reported now (the earliest whose due time has not passed).
/// </summary>
public static class ReportQuery
{
    /// <summary>The grid (registry row and report scope) of <paramref name="code"/>, defaulting to the caller's own; or the 400/404 answer.</summary>
    /// <param name="narrow">Whether a grid wider than the caller's narrows to its own (reading); a submission names exactly its grid.</param>
    public static async Task<(GridRecord? Grid, GridScope? Scope, IResult? Error)> GridAsync(HttpContext context, string? code, IGridRegistryStore registry, ComplianceLedger ledger,
        AccessFailures failures, CancellationToken cancellationToken, bool narrow = true)
    {
        code ??= context.User.Grid();
        if (code is null) return (null, null, Bad("grid", null, ComplianceLedger.GridRule + " (required of a caller without a grid of its own)"));
        if (!GridLevels.IsValid(code)) return (null, null, Bad("grid", code, ComplianceLedger.GridRule));
        // A wider grid than the caller's narrows to its own (as /api/compliance does); another one does not exist.
        var requested = code;
        var narrowed = requested;
        if (narrow ? !context.User.TryNarrow(requested, out narrowed) : !context.User.Covers(requested))
        {
            failures.OutsideGrid(context);
            return (null, null, NotFound("grid", requested, "a grid in the registry"));
        }
        code = narrowed ?? requested;
        if (await registry.GetGridAsync(code, cancellationToken) is not { } grid) return (null, null, NotFound("grid", requested, "a grid in the registry"));
        var (scope, error) = await ledger.ResolveGridAsync(code, cancellationToken);
        return scope is null ? (null, null, Bad("grid", code, error ?? ComplianceLedger.GridRule)) : (grid, scope, null);
    }

    /// <summary>The period <paramref name="label"/> under the rules of <paramref name="grid"/>'s county, of <paramref name="kind"/> when given; the one being reported now when absent.</summary>
    public static (ReportPeriod? Period, IResult? Error) Period(string? label, string grid, PeriodKind? kind, PeriodCalendar periods, DateTimeOffset now, string field = "period")
    {
        var rules = periods.For(grid);
        if (label is null) return (rules.Reporting(kind ?? PeriodKind.Week, now), null);
        if (!rules.TryParse(label, out var period)) return (null, Bad(field, label, ReportPeriod.Rule));
        if (kind is { } k && period.Kind != k) return (null, Bad(field, label, $"a period of kind {SubmissionLedger.Kind(k)}"));
        return (period, null);
    }

    /// <summary>A kind of period by its name in a route (week, month, quarter, half, year).</summary>
    public static PeriodKind? Kind(string name) => name switch
    {
        "week" => PeriodKind.Week,
        "month" => PeriodKind.Month,
        "quarter" => PeriodKind.Quarter,
        "half" => PeriodKind.Half,
        "year" => PeriodKind.Year,
        _ => null,
    };
}
