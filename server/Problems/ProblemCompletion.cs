using System.Text.Json.Serialization;
using GridEdge.Protocol.Records;
using GridEdge.Server.Compliance;
using GridEdge.Server.Grid;
using GridEdge.Server.Periods;

namespace GridEdge.Server.Problems;

/// <summary>A problem whose deadline falls in a period: open (its deadline now), or finished (the deadline and lateness stored when it was finished).</summary>
public sealed record DeadlineInPeriod(long Id, string Grid, ProblemCategory Category, string State, string? Assignee, string? Department, DateTimeOffset? Deadline,
    DateTimeOffset? FinishedAt, DateTimeOffset? FinishDeadline, long? LateMs)
{
    /// <summary>Still to be rectified (a problem rejected at verification is open again).</summary>
    public bool Open => State is not (ProblemStates.Rectified or ProblemStates.Verified or ProblemStates.Closed);
}

/// <summary>A problem finished after its deadline (逾期办结), as it was when finished.</summary>
public sealed record LateFinish(long Id, string Grid, ProblemCategory Category, string State, DateTimeOffset Deadline, DateTimeOffset FinishedAt, double HoursLate)
{
    public string CategoryName => ProblemLabels.Category(Category);
    public string StateName => ProblemLabels.State(State);
}

/// <summary>A problem not finished by its deadline, which has passed (逾期未办结).</summary>
public sealed record PastDeadline(long Id, string Grid, ProblemCategory Category, string State, string? Assignee, string? Department, DateTimeOffset Deadline,
    double HoursPastDeadline)
{
    public string CategoryName => ProblemLabels.Category(Category);
    public string StateName => ProblemLabels.State(State);
}

/// <summary>Problems finished late: how many, their hours late in sum, and (for the requested grid) which.</summary>
public sealed record LateFinishes(int Count, double HoursLate, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<LateFinish>? Items = null);

/// <summary>Problems open past their deadline: how many and (for the requested grid) which.</summary>
public sealed record PastDeadlines(int Count, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<PastDeadline>? Items = null);

/// <summary>One grid's on-time completion in a week: finished on time (按时办结), finished late (逾期办结), open past the deadline (逾期未办结).</summary>
public sealed record CompletionFigures(string Grid, string? Name, string Level, int ClosedOnTime, LateFinishes ClosedLate, PastDeadlines OpenPastDeadline);

/// <summary>
/// On-time completion of the problems whose deadline falls in a report week (003: 未按规定时间处理办结的，每件减1分): the requested
/// grid's totals with the late and open problems listed, and the same figures per county, township and village beneath it.
/// </summary>
public sealed record CompletionReport(string Grid, string Name, string Level, string Week, DateTimeOffset PeriodFrom, DateTimeOffset PeriodTo, DateTimeOffset DueAt, DateTimeOffset At,
    CompletionFigures Totals, IReadOnlyList<CompletionFigures> Counties, IReadOnlyList<CompletionFigures> Townships, IReadOnlyList<CompletionFigures> Villages)
{
    /// <summary>
    /// Counts each problem in its village, township and county beneath <paramref name="scope"/> and in the scope's totals; every
    /// registered grid beneath the scope gets a row, with or without problems.
    /// </summary>
    public static CompletionReport Build(GridRecord scope, ReportPeriod week, DateTimeOffset at, IEnumerable<GridRecord> grids, IEnumerable<DeadlineInPeriod> problems)
    {
        var rows = new SortedDictionary<string, Tally>(StringComparer.Ordinal);
        bool Listed(string code, int level) => level >= GridLevels.County && (level == GridLevels.Village || level > scope.Level) && GridLevels.IsUnder(code, scope.Code);
        foreach (var g in grids)
            if (Listed(g.Code, g.Level)) rows[g.Code] = new Tally(g.Code, g.Name, g.Level);
        var totals = new Tally(scope.Code, scope.Name, scope.Level, withItems: true);
        foreach (var p in problems)
        {
            totals.Add(p, at);
            for (var code = p.Grid; GridLevels.IsValid(code) && GridLevels.Of(code) is var level && level >= GridLevels.County; code = GridLevels.Parent(code)!)
                if (Listed(code, level))
                {
                    if (!rows.TryGetValue(code, out var row)) rows[code] = row = new Tally(code, null, level);
                    row.Add(p, at);
                }
        }
        IReadOnlyList<CompletionFigures> Level(int level) => [.. rows.Values.Where(r => r.Level == level).Select(r => r.Figures())];
        return new CompletionReport(scope.Code, scope.Name, GridLevels.Name(scope.Level), week.Label, week.From, week.To, week.DueAt, at, totals.Figures(),
            Level(GridLevels.County), Level(GridLevels.Township), Level(GridLevels.Village));
    }

    private static double Hours(long ms) => Math.Round(ms / 3_600_000.0, 2);

    private sealed class Tally(string grid, string? name, int level, bool withItems = false)
    {
        public int Level => level;
        private int _onTime, _late, _open;
        private long _lateMs;
        private readonly List<LateFinish>? _lateItems = withItems ? [] : null;
        private readonly List<PastDeadline>? _openItems = withItems ? [] : null;

        public void Add(DeadlineInPeriod p, DateTimeOffset at)
        {
            if (p.Open)
            {
                _open++;
                _openItems?.Add(new PastDeadline(p.Id, p.Grid, p.Category, p.State, p.Assignee, p.Department, p.Deadline!.Value,
                    Hours((long)(at - p.Deadline.Value).TotalMilliseconds)));
            }
            else if (p.LateMs is { } late && late > 0)
            {
                _late++;
                _lateMs += late;
                _lateItems?.Add(new LateFinish(p.Id, p.Grid, p.Category, p.State, p.FinishDeadline!.Value, p.FinishedAt!.Value, Hours(late)));
            }
            else
            {
                _onTime++;
            }
        }

        public CompletionFigures Figures() => new(grid, name, GridLevels.Name(level), _onTime,
            new LateFinishes(_late, Hours(_lateMs), _lateItems?.OrderBy(i => i.Deadline).ThenBy(i => i.Id).ToList()),
            new PastDeadlines(_open, _openItems?.OrderBy(i => i.Deadline).ThenBy(i => i.Id).ToList()));
    }
}
