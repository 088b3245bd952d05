using GridEdge.Server.Grid;
using GridEdge.Server.Periods;

namespace GridEdge.Server.Scores;

/// <summary>Applies a score sheet to the evidence of a period: each scored grid's items, rules, traced records, total, grade and rank.</summary>
public static class ScoreCalculator
{
    public static (IReadOnlyList<GridScore> Rows, IReadOnlyList<RankingRow> Ranking) Score(ScoreSheet sheet, ScoreEvidence evidence, ReportPeriod period,
        IReadOnlyList<ScoredGrid> scored)
    {
        var rowCodes = scored.Select(g => g.Code).ToHashSet(StringComparer.Ordinal);
        // Each record filed under its own grid (own rules) and under every scored grid above it (subtree rules).
        var own = new Dictionary<(string Kind, string Grid), List<ScoreRecord>>();
        var subtree = new Dictionary<(string Kind, string Grid), List<ScoreRecord>>();
        void File(string kind, ScoreRecord record)
        {
            Add(own, (kind, record.Grid), record);
            for (var code = record.Grid; code is not null && GridLevels.IsValid(code); code = GridLevels.Of(code) > GridLevels.City ? GridLevels.Parent(code) : null)
                if (rowCodes.Contains(code)) Add(subtree, (kind, code), record);
        }
        foreach (var (kind, records) in evidence.Records)
            foreach (var r in records) File(kind, r);
        foreach (var e in evidence.Registers)
            File("register:" + e.Kind, new ScoreRecord(ScoreRecord.Register, e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Grid,
                $"{e.Kind} {e.Date:yyyy-MM-dd}"));
        var activeUnder = evidence.Weeks.Select(w => (w.Week, Grids: Ancestors(w.Active, rowCodes))).ToList();

        var yearDays = (period.From.AddYears(1) - period.From).TotalDays;
        var rows = new List<GridScore>();
        foreach (var grid in scored)
        {
            var items = new List<ItemScore>();
            foreach (var item in sheet.Items)
            {
                var outcomes = new List<RuleOutcome>();
                foreach (var rule in item.Rules)
                {
                    var key = rule.Kind == ScoreRuleKinds.Register ? "register:" + rule.Register : rule.Kind;
                    var found = (rule.Own ? own : subtree).GetValueOrDefault((key, grid.Code)) ?? [];
                    if (rule.Kind == ScoreRuleKinds.PlatformUse)
                    {
                        var weeks = activeUnder.Where(w => w.Grids.Contains(grid.Code)).Select(w => new ScoreRecord(ScoreRecord.Week, w.Week.Label, grid.Code)).ToList();
                        var all = activeUnder.Count > 0 && weeks.Count == activeUnder.Count;
                        outcomes.Add(new RuleOutcome(rule.Kind, null, rule.Points, weeks.Count, all ? rule.Points : 0, weeks,
                            $"{weeks.Count} of {activeUnder.Count} weeks with patrols or check-ins"));
                    }
                    else if (rule.PerYear is { } perYear)
                    {
                        var required = (int)Math.Ceiling(perYear * (period.To - period.From).TotalDays / yearDays - 1e-9);
                        var missing = Math.Max(0, required - found.Count);
                        outcomes.Add(new RuleOutcome(rule.Kind, rule.Register, rule.Points, missing, missing * rule.Points, found,
                            $"{found.Count} held of {required} due in the period"));
                    }
                    else if (rule.Once)
                        outcomes.Add(new RuleOutcome(rule.Kind, rule.Register, rule.Points, found.Count, found.Count > 0 ? rule.Points : 0, found));
                    else
                        outcomes.Add(new RuleOutcome(rule.Kind, rule.Register, rule.Points, found.Count, found.Count * rule.Points, found));
                }
                var sum = outcomes.Sum(o => o.Points);
                var points = item.Bonus ? Math.Min(item.Max, sum) : Math.Max(0, item.Max + sum);
                items.Add(new ItemScore(item.Id, item.Name, item.NameEn, item.Max, item.Bonus, item.Rules.Count > 0, points, outcomes));
            }
            var total = items.Sum(i => i.Points);
            rows.Add(new GridScore(grid.Code, grid.Name, grid.Level, total, sheet.MaxPoints, Grade(total, sheet.MaxPoints), 0, items));
        }

        // Ranked within each level, highest first; equal totals share a rank (1, 2, 2, 4).
        var ranked = new List<GridScore>();
        foreach (var level in rows.GroupBy(r => r.Level).OrderBy(g => g.Key))
        {
            var ordered = level.OrderByDescending(r => r.Total).ThenBy(r => r.Grid, StringComparer.Ordinal).ToList();
            for (var i = 0; i < ordered.Count; i++)
                ranked.Add(ordered[i] with { Rank = i > 0 && ordered[i].Total == ordered[i - 1].Total ? ranked[^1].Rank : i + 1 });
        }
        return (ranked, [.. ranked.Select(r => new RankingRow(r.Rank, r.Grid, r.Name, r.Level, r.Total, r.Grade))]);
    }

    /// <summary>003's grades as shares of the maximum: 90% 优秀 (excellent), 80% 良好 (good), 60% 合格 (pass), below 不合格 (fail).</summary>
    public static string Grade(decimal total, decimal max) => (max == 0 ? 0 : total * 100 / max) switch
    {
        >= 90 => "excellent",
        >= 80 => "good",
        >= 60 => "pass",
        _ => "fail",
    };

    private static HashSet<string> Ancestors(IEnumerable<string> grids, HashSet<string> rows)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in grids)
            for (var code = g; code is not null && GridLevels.IsValid(code); code = GridLevels.Of(code) > GridLevels.City ? GridLevels.Parent(code) : null)
                if (rows.Contains(code) && !result.Add(code)) break;
        return result;
    }

    private static void Add(Dictionary<(string, string), List<ScoreRecord>> map, (string, string) key, ScoreRecord record)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(record);
    }
}
