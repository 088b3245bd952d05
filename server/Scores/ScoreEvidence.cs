using System.Text.Json.Serialization;
using GridEdge.Protocol.Records;
using GridEdge.Server.Alarms;
using GridEdge.Server.Calendar;
using GridEdge.Server.Complaints;
using GridEdge.Server.Compliance;
using GridEdge.Server.Grid;
using GridEdge.Server.Periods;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Scores;

/// <summary>
/// A record a score rule counted: a problem, a complaint, a grid, a village's week, a register entry or a week of data.
/// <see cref="Id"/> is what the console links by (a problem or complaint id, a grid code, a register entry id, a week label).
/// </summary>
public sealed record ScoreRecord(string Type, string Id, string Grid, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null)
{
    public const string Problem = "problem", Complaint = "complaint", GridType = "grid", GridWeek = "grid-week", Register = "register", Week = "week";
}

/// <summary>A grid scored or counted: code, name and level.</summary>
public sealed record ScoredGrid(string Code, string Name, int Level, bool HasBoundary);

/// <summary>
/// What the rules count in a scope and period, read once for the whole scope (a county's villages in a handful of set-based
/// queries, never one per grid) and then shared out to each scored grid by its code.
/// </summary>
public sealed class ScoreEvidence
{
    /// <summary>The grids of the scope (every level), in code order.</summary>
    public required IReadOnlyList<ScoredGrid> Grids { get; init; }
    /// <summary>The records each counting rule kind found, each in its grid.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<ScoreRecord>> Records { get; init; }
    /// <summary>The register entries of the period.</summary>
    public required IReadOnlyList<RegisterEntry> Registers { get; init; }
    /// <summary>The weeks of the period that have ended, and the grids with a patrol or check-in in each.</summary>
    public required IReadOnlyList<(ReportPeriod Week, HashSet<string> Active)> Weeks { get; init; }

    /// <summary>Reads the evidence of every rule kind under <paramref name="scope"/> for <paramref name="period"/>, as things stand at <paramref name="now"/>.</summary>
    public static async Task<ScoreEvidence> LoadAsync(LedgerDatabase database, ComplianceLedger compliance, IProblemLedger problems, ComplaintLedger complaints,
        IWorkCalendar calendar, PeriodRules rules, GridScope scope, ReportPeriod period, DateTimeOffset now, CancellationToken ct)
    {
        var (from, to) = (period.From.ToUnixTimeMilliseconds(), period.To.ToUnixTimeMilliseconds());
        var (lo, hi) = (scope.Prefix, scope.Prefix + ":");
        var records = new Dictionary<string, IReadOnlyList<ScoreRecord>>(StringComparer.Ordinal);

        var grids = await database.ReadAsync(c => Sql.ListAsync(c, null,
            "SELECT code, name, level, CASE WHEN boundary IS NULL THEN 0 ELSE 1 END FROM grids WHERE code >= @lo AND code < @hi AND level BETWEEN 2 AND 4 ORDER BY code;",
            r => new ScoredGrid(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3) == 1), ct, ("@lo", lo), ("@hi", hi)), ct);
        records[ScoreRuleKinds.UncodedGrid] = [.. grids.Where(g => g.Level == GridLevels.Village && !g.HasBoundary)
            .Select(g => new ScoreRecord(ScoreRecord.GridType, g.Code, g.Code, "no boundary in the registry"))];

        // Late: finished after the deadline stored then, or still open after it (completion figures, as of now).
        var deadlines = await problems.GetDeadlinesInAsync(scope.Code, period.From, period.To, now, cancellationToken: ct);
        records[ScoreRuleKinds.LateCase] = [.. deadlines.Where(p => p.Open || p.LateMs > 0).Select(p => new ScoreRecord(ScoreRecord.Problem,
            p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Grid, p.Open ? "open past its deadline" : "finished late"))];

        var received = await complaints.ListReceivedAsync(scope.Code, period.From, period.To, ct);
        records[ScoreRuleKinds.MissedComplaint] = [.. received.Where(h => ResponseClock.Of(h.Complaint, calendar, now).Response == ResponseClock.Missed)
            .Select(h => new ScoreRecord(ScoreRecord.Complaint, h.Complaint.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), h.Complaint.Grid))];

        await database.ReadAsync(async c =>
        {
            // A case needing joint enforcement: transferred to a department in the period, not accepted (受理) by it before the period ended.
            records[ScoreRuleKinds.JointEnforcement] = await Sql.ListAsync(c, null, """
                SELECT p.id, p.grid FROM problems p
                WHERE p.grid >= @lo AND p.grid < @hi AND (p.accepted_at IS NULL OR p.accepted_at >= @to)
                  AND EXISTS (SELECT 1 FROM problem_events e WHERE e.problem_id = p.id AND e.action = 'transfer' AND e.at >= @from AND e.at < @to)
                ORDER BY p.id;
                """, r => new ScoreRecord(ScoreRecord.Problem, r.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture), r.GetString(1),
                    "transferred, not accepted by the department"), ct, ("@lo", lo), ("@hi", hi), ("@from", from), ("@to", to));

            // Fire points in the part of the period a straw-burning ban of the grid's county covers (the compliance figures' count, with ids).
            var fires = new List<ScoreRecord>();
            var bans = await Sql.ListAsync(c, null, $"""
                SELECT county, starts_at, ends_at FROM campaigns WHERE kind = '{CampaignKinds.StrawBurningBan}' AND starts_at < @to AND ends_at > @from;
                """, r => (County: r.GetString(0), From: r.GetInt64(1), To: r.GetInt64(2)), ct, ("@to", to), ("@from", from));
            foreach (var ban in bans)
            {
                var county = ban.County[..6];
                if (!county.StartsWith(lo[..Math.Min(6, lo.Length)], StringComparison.Ordinal) && !lo.StartsWith(county, StringComparison.Ordinal)) continue;
                var (banLo, banHi) = lo.Length > 6 ? (lo, hi) : (county, county + ":");
                fires.AddRange(await Sql.ListAsync(c, null, $"""
                    SELECT id, grid FROM problems
                    WHERE source = '{ProblemLedger.AlertSource}' AND category = @category AND reported_at >= @from AND reported_at < @to AND grid >= @lo AND grid < @hi
                    ORDER BY id;
                    """, r => new ScoreRecord(ScoreRecord.Problem, r.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture), r.GetString(1), "fire point"),
                    ct, ("@category", (int)ProblemCategory.StrawBurning), ("@from", Math.Max(ban.From, from)), ("@to", Math.Min(ban.To, to)), ("@lo", banLo), ("@hi", banHi)));
            }
            // Two overlapping bans of a county would find a fire point twice: it counts once.
            records[ScoreRuleKinds.FirePoint] = [.. fires.DistinctBy(f => f.Id)];
            return 0;
        }, ct);

        // The weeks of the period that have ended: which villages had a counted patrol, which grids sent any patrol or check-in.
        var weeks = new List<(ReportPeriod Week, HashSet<string> Active)>();
        for (var w = rules.Containing(PeriodKind.Week, period.From); w.To <= period.To && w.To <= now; w = rules.Containing(PeriodKind.Week, w.To))
            if (w.From >= period.From) weeks.Add((w, new HashSet<string>(StringComparer.Ordinal)));
        var missed = new List<ScoreRecord>();
        if (weeks.Count > 0)
        {
            var judged = await compliance.JudgePatrolsAsync(scope, weeks[0].Week.From, weeks[^1].Week.To, ct);
            var patrolled = new HashSet<(string Grid, string Week)>();
            foreach (var p in judged)
            {
                var i = weeks.FindIndex(w => p.StartedAt >= w.Week.From && p.StartedAt < w.Week.To);
                if (i < 0) continue;
                weeks[i].Active.Add(p.Grid);
                if (p.Counts) patrolled.Add((p.Grid, weeks[i].Week.Label));
            }
            await database.ReadAsync(async c =>
            {
                foreach (var (week, active) in weeks)
                    foreach (var grid in await Sql.ListAsync(c, null,
                        "SELECT DISTINCT grid FROM checkins WHERE fix_time >= @from AND fix_time < @to AND grid >= @lo AND grid < @hi;", r => r.GetString(0), ct,
                        ("@from", week.From.ToUnixTimeMilliseconds()), ("@to", week.To.ToUnixTimeMilliseconds()), ("@lo", lo), ("@hi", hi)))
                        active.Add(grid);
                return 0;
            }, ct);
            foreach (var village in grids.Where(g => g.Level == GridLevels.Village))
                foreach (var (week, _) in weeks)
                    if (!patrolled.Contains((village.Code, week.Label)))
                        missed.Add(new ScoreRecord(ScoreRecord.GridWeek, village.Code + "/" + week.Label, village.Code, week.Label));
        }
        records[ScoreRuleKinds.PatrolWeekMissed] = missed;

        var registers = await database.ReadAsync(c => ScoreRegisters.ListAsync(c, null, scope.Code, period.From, period.To, ct), ct);
        return new ScoreEvidence { Grids = grids, Records = records, Registers = registers, Weeks = weeks };
    }
}
