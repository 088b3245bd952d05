using System.Data.Common;
using GridEdge.Server.Grid;
using GridEdge.Server.Periods;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Compliance;

/// <summary>
/// Judges each enterprise's visits at a period's end (004): visited when a counted visit falls in its class's window before the
/// end; the window is shortened (Server:Compliance:ShortenedVisitFactor) for a firm with a problem reported or a complaint received
/// within ViolationDistanceMeters of its registered position during its normal window (neither record names an enterprise, so
/// "about the firm" is read as "near it"). Lists the enterprises overdue (not visited in the window) and due (visited, but the window
/// runs out before the next period of the same kind ends).
/// </summary>
public static class EnterpriseVisits
{
    public const string Overdue = "overdue";
    public const string Due = "due";

    public sealed record Result(IReadOnlyList<(RegisteredPlace Enterprise, bool Visited)> Judged, IReadOnlyList<EnterpriseDue> Due);

    public static async Task<Result> JudgeAsync(DbConnection connection, LedgerEngine engine, GridScope scope, ReportPeriod period, ComplianceWindows windows,
        IReadOnlyDictionary<string, RegisteredPlace> places, IReadOnlyDictionary<string, List<(string Patrol, DateTimeOffset At)>> visits, CountingRuleBook rules,
        CancellationToken ct)
    {
        var enterprises = places.Where(p => p.Value.Kind == Protocol.Records.PlaceKind.Enterprise).ToList();
        var reports = enterprises.Any(e => e.Value.Latitude is not null) ? await ReportsNearAsync(connection, engine, scope, windows, ct) : [];
        var nextTo = period.Kind == PeriodKind.Week ? period.To.AddDays(7) : period.To.AddMonths(period.Kind switch
        {
            PeriodKind.Month => 1, PeriodKind.Quarter => 3, PeriodKind.Half => 6, _ => 12,
        });
        var judged = new List<(RegisteredPlace, bool)>(enterprises.Count);
        var due = new List<EnterpriseDue>();
        foreach (var (key, e) in enterprises)
        {
            var cls = e.Class ?? EnterpriseClasses.Other;
            var months = ComplianceLedger.VisitMonths(cls);
            var normalFrom = period.To.AddMonths(-months);
            var r = rules.For(e.Grid);
            var shortened = e.Latitude is { } lat && e.Longitude is { } lon
                && reports.Any(x => x.At >= normalFrom && PatrolJudge.DistanceMeters(x.Latitude, x.Longitude, lat, lon) <= r.ViolationDistanceMeters);
            var length = (period.To - normalFrom) * (shortened ? r.ShortenedVisitFactor : 1);
            var from = period.To - length;
            DateTimeOffset? last = visits.TryGetValue(key, out var v) && v.Count > 0 ? v.Max(x => x.At).ToOffset(ReportPeriod.ChinaStandardTime) : null;
            var visited = last is { } l && l >= from;
            judged.Add((e, visited));
            DateTimeOffset? dueBy = last is { } seen ? (seen + length).ToOffset(ReportPeriod.ChinaStandardTime) : null;
            if (!visited) due.Add(new EnterpriseDue(e.Id, e.Name, e.Grid, cls, shortened, from, last, dueBy, Overdue));
            else if (dueBy < nextTo) due.Add(new EnterpriseDue(e.Id, e.Name, e.Grid, cls, shortened, from, last, dueBy, Due));
        }
        return new Result(judged, [.. due.OrderBy(d => d.State == Overdue ? 0 : 1).ThenBy(d => d.Grid, StringComparer.Ordinal).ThenBy(d => d.Id, StringComparer.Ordinal)]);
    }

    /// <summary>Positions and times of the problems reported and complaints received in the scope during the widest window.</summary>
    private static async Task<List<(double Latitude, double Longitude, DateTimeOffset At)>> ReportsNearAsync(DbConnection connection, LedgerEngine engine, GridScope scope,
        ComplianceWindows windows, CancellationToken ct)
    {
        (string, object?)[] args = [("@lo", scope.Prefix), ("@hi", scope.Prefix + ":"), ("@earliest", ComplianceLedger.Earliest(windows).ToUnixTimeMilliseconds()),
            ("@cut", windows.PeriodTo.ToUnixTimeMilliseconds())];
        static (double, double, DateTimeOffset) Row(DbDataReader r) => (r.GetDouble(0), r.GetDouble(1), Sql.Ms(r.GetInt64(2)));
        var result = await Sql.ListAsync(connection, null,
            "SELECT latitude, longitude, reported_at FROM problems WHERE grid >= @lo AND grid < @hi AND reported_at >= @earliest AND reported_at < @cut;", Row, ct, args);
        // The complaint register is a feature of its own: a ledger without it has no complaints.
        var hasComplaints = engine == LedgerEngine.Postgres
            ? await Sql.ListAsync(connection, null, "SELECT 1 FROM information_schema.tables WHERE table_name = 'complaints';", r => 1, ct)
            : await Sql.ListAsync(connection, null, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'complaints';", r => 1, ct);
        if (hasComplaints.Count > 0)
            result.AddRange(await Sql.ListAsync(connection, null, """
                SELECT latitude, longitude, received_at FROM complaints
                WHERE grid >= @lo AND grid < @hi AND received_at >= @earliest AND received_at < @cut AND latitude IS NOT NULL AND longitude IS NOT NULL;
                """, Row, ct, args));
        return result;
    }
}
