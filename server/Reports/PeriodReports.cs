using System.Text.Json;
using GridEdge.Protocol.Records;
using GridEdge.Server.Alarms;
using GridEdge.Server.Calendar;
using GridEdge.Server.Complaints;
using GridEdge.Server.Compliance;
using GridEdge.Server.Grid;
using GridEdge.Server.Periods;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Reports;

/// <summary>
/// Builds a <see cref="PeriodReport"/> from the ledgers, and finds the amendments to the previous period's submitted reports: each
/// figure of a submission's frozen totals that the ledgers now count differently.
/// </summary>
public sealed class PeriodReports(LedgerDatabase database, ComplianceLedger compliance, ComplaintLedger complaints, IGridRegistryStore registry,
    IWorkCalendar calendar, CampaignRegister campaigns, SubmissionLedger submissions, PeriodCalendar periods, JsonSerializerOptions json)
{
    /// <summary>The report of <paramref name="scope"/> for <paramref name="period"/> as the ledgers hold it at <paramref name="at"/>.</summary>
    public async Task<PeriodReport> BuildAsync(GridScope scope, GridRecord grid, ReportPeriod period, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var figures = await compliance.ComputeAsync(scope, period, cancellationToken);
        var overdue = await compliance.GetOverdueAtCutOffAsync(scope, period, cancellationToken);
        var (problems, major) = await ProblemsAsync(scope.Prefix, period, cancellationToken);
        var received = await complaints.ListReceivedAsync(scope.Code, period.From, period.To, cancellationToken);
        // A village's complaint figures are its township's row limited to the village.
        var townships = await registry.ListGridsAsync(null, GridLevels.Township, null, -1, cancellationToken, under: GridLevels.TownshipOf(scope.Code) ?? scope.Code);
        var complaintFigures = ComplaintFiguresReport.Build(grid, period, at, calendar, townships, received);
        var visits = new EnterpriseVisitFigures(figures.EnterprisesDue.Count(e => e.State == "due"), figures.EnterprisesDue.Count(e => e.State == "overdue"),
            figures.EnterprisesDue);
        return new PeriodReport(SubmissionLedger.Kind(period.Kind), period.Label, scope.Code, scope.Name, scope.Level, period.From, period.To, period.DueAt,
            at.ToOffset(ReportPeriod.ChinaStandardTime), figures, problems, major, overdue, complaintFigures, visits,
            await CampaignsAsync(scope.Prefix, period, cancellationToken), await AmendmentsAsync(scope, period, cancellationToken));
    }

    /// <summary>The report's JSON as the API writes it: what a submission freezes.</summary>
    public string Serialize(PeriodReport report) => JsonSerializer.Serialize(report, json);

    /// <summary>
    /// The amendments to the submitted reports of the period before <paramref name="period"/> (same kind) at or beneath the scope: every
    /// figure of a submission's frozen compliance totals that differs from the totals recomputed now (records that arrived after it).
    /// </summary>
    public async Task<IReadOnlyList<Amendment>> AmendmentsAsync(GridScope scope, ReportPeriod period, CancellationToken cancellationToken = default)
    {
        var previous = periods.For(scope.Code).Containing(period.Kind, period.From.AddTicks(-1));
        var submitted = await submissions.SnapshotsAsync(scope.Prefix, previous.Label, cancellationToken);
        if (submitted.Count == 0) return [];
        var now = await compliance.ComputeAsync(scope, previous, cancellationToken);
        var totals = now.Rollups.ToDictionary(r => r.Grid, r => r.Totals, StringComparer.Ordinal);
        totals[scope.Code] = now.Totals;
        var amendments = new List<Amendment>();
        foreach (var (submission, snapshot) in submitted)
        {
            if (!totals.TryGetValue(submission.Grid, out var current)
                || !snapshot.TryGetProperty("compliance", out var frozen) || !frozen.TryGetProperty("totals", out var then)) continue;
            var recomputed = JsonSerializer.SerializeToElement(current, json);
            var names = then.EnumerateObject().Select(p => p.Name).Union(recomputed.EnumerateObject().Select(p => p.Name)).ToList();
            foreach (var name in names)
            {
                var a = then.TryGetProperty(name, out var x) ? x : Null;
                var b = recomputed.TryGetProperty(name, out var y) ? y : Null;
                if (a.GetRawText() != b.GetRawText()) amendments.Add(new Amendment(previous.Label, submission.Grid, submission.Id, name, a, b));
            }
        }
        return amendments;
    }

    private static readonly JsonElement Null = JsonDocument.Parse("null").RootElement.Clone();

    private Task<(ProblemFigures, IReadOnlyList<MajorProblem>)> ProblemsAsync(string prefix, ReportPeriod period, CancellationToken cancellationToken) =>
        database.ReadAsync<(ProblemFigures, IReadOnlyList<MajorProblem>)>(async connection =>
        {
            (string, object?)[] range = [("@lo", prefix), ("@hi", prefix + ":"), ("@from", period.From.ToUnixTimeMilliseconds()), ("@to", period.To.ToUnixTimeMilliseconds())];
            var counts = await Sql.ListAsync(connection, null, """
                SELECT state, category, COUNT(*) FROM problems WHERE reported_at >= @from AND reported_at < @to AND grid >= @lo AND grid < @hi GROUP BY state, category;
                """, r => (State: r.GetString(0), Category: (ProblemCategory)r.GetInt32(1), Count: r.GetInt32(2)), cancellationToken, range);
            var byState = counts.GroupBy(c => c.State).OrderBy(g => StateOrder(g.Key)).Select(g => new ProblemCount(g.Key, ProblemLabels.State(g.Key), g.Sum(c => c.Count)));
            var byCategory = counts.GroupBy(c => c.Category).OrderBy(g => g.Key)
                .Select(g => new ProblemCount(CategoryKey(g.Key), ProblemLabels.Category(g.Key), g.Sum(c => c.Count)));
            var major = await Sql.ListAsync(connection, null, """
                SELECT id, grid, category, state, reported_at, major_at, major_reason FROM problems
                WHERE major_at IS NOT NULL AND major_at < @to AND (closed_at IS NULL OR closed_at >= @from) AND grid >= @lo AND grid < @hi
                ORDER BY major_at, id;
                """, r =>
            {
                var category = (ProblemCategory)r.GetInt32(2);
                var state = r.GetString(3);
                return new MajorProblem(r.GetInt64(0), r.GetString(1), CategoryKey(category), ProblemLabels.Category(category), state, ProblemLabels.State(state),
                    Cn(r.GetInt64(4)), Cn(r.GetInt64(5)), Str(r, 6));
            }, cancellationToken, range);
            return (new ProblemFigures(counts.Sum(c => c.Count), [.. byState], [.. byCategory]), major);
        }, cancellationToken);

    private async Task<IReadOnlyList<CampaignFires>> CampaignsAsync(string prefix, ReportPeriod period, CancellationToken cancellationToken)
    {
        var result = new List<CampaignFires>();
        foreach (var c in await campaigns.ListAsync(null, cancellationToken))
        {
            var county = c.County[..6];
            if (c.StartsAt >= period.To || c.EndsAt <= period.From || !(county.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(county, StringComparison.Ordinal)))
                continue;
            var from = c.StartsAt > period.From ? c.StartsAt : period.From;
            var to = c.EndsAt < period.To ? c.EndsAt : period.To;
            var within = prefix.Length >= county.Length ? prefix : county;
            var fires = await database.ReadAsync(connection => CampaignRegister.FirePointsAsync(connection, within, from, to, cancellationToken), cancellationToken);
            result.Add(new CampaignFires(c.Id, c.Kind, c.Name, c.County, c.From, c.To, fires.Sum(f => f.Count)));
        }
        return [.. result.OrderBy(c => c.From).ThenBy(c => c.Id, StringComparer.Ordinal)];
    }

    private static readonly string[] States =
        [ProblemStates.Reported, ProblemStates.Assigned, ProblemStates.Transferred, ProblemStates.Planned, ProblemStates.Rectified, ProblemStates.Verified, ProblemStates.Closed];

    private static int StateOrder(string state) => Array.IndexOf(States, state) is var i and >= 0 ? i : States.Length;

    /// <summary>A category as the API writes it (straw_burning).</summary>
    public static string CategoryKey(ProblemCategory category) => JsonNamingPolicy.SnakeCaseLower.ConvertName(category.ToString());

    private static DateTimeOffset Cn(long ms) => Ms(ms).ToOffset(ReportPeriod.ChinaStandardTime);
}
