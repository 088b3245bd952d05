using GridEdge.Server.Calendar;
using GridEdge.Server.Compliance;
using GridEdge.Server.Grid;
using GridEdge.Server.Periods;

namespace GridEdge.Server.Complaints;

/// <summary>
/// One township's complaints received in a week: the response clock at the time asked (met, missed, pending), the repeats
/// among them (重复访), and how many were replied to (答复), visited (回访), and left the complainant dissatisfied at the latest visit.
/// </summary>
public sealed record TownshipComplaints(string Grid, string? Name, int Received, int Met, int Missed, int Pending, int Repeats, int Replied, int Visited,
    int Dissatisfied);

/// <summary>A complaint whose response clock was missed: nobody arrived by <see cref="DueAt"/> (arrived later, or not yet).</summary>
public sealed record MissedComplaint(long Id, string Grid, DateTimeOffset ReceivedAt, DateTimeOffset DueAt, DateTimeOffset? ArrivedAt);

/// <summary>The complaint figures of a grid and report week: totals, one row per township beneath the grid, and the missed complaints.</summary>
public sealed record ComplaintFiguresReport(string Grid, string Name, string Level, string Week, DateTimeOffset PeriodFrom, DateTimeOffset PeriodTo, DateTimeOffset DueAt, DateTimeOffset At,
    TownshipComplaints Totals, IReadOnlyList<TownshipComplaints> Townships, IReadOnlyList<MissedComplaint> Missed)
{
    /// <summary>Counts each complaint in its township (every registered township of <paramref name="townships"/> gets a row) and in the totals.</summary>
    public static ComplaintFiguresReport Build(GridRecord scope, ReportPeriod week, DateTimeOffset at, IWorkCalendar calendar, IEnumerable<GridRecord> townships,
        IEnumerable<ComplaintHandling> complaints)
    {
        var rows = new SortedDictionary<string, Tally>(StringComparer.Ordinal);
        foreach (var t in townships) rows[t.Code] = new Tally(t.Code, t.Name);
        var totals = new Tally(scope.Code, scope.Name);
        var missed = new List<MissedComplaint>();
        foreach (var h in complaints)
        {
            var clock = ResponseClock.Of(h.Complaint, calendar, at);
            totals.Add(h, clock.Response);
            if (GridLevels.TownshipOf(h.Complaint.Grid) is { } township)
            {
                if (!rows.TryGetValue(township, out var row)) rows[township] = row = new Tally(township, null);
                row.Add(h, clock.Response);
            }
            if (clock.Response == ResponseClock.Missed)
                missed.Add(new MissedComplaint(h.Complaint.Id, h.Complaint.Grid, h.Complaint.ReceivedAt, clock.DueAt, clock.ArrivedAt));
        }
        return new ComplaintFiguresReport(scope.Code, scope.Name, GridLevels.Name(scope.Level), week.Label, week.From, week.To, week.DueAt, at, totals.Figures(),
            [.. rows.Values.Select(r => r.Figures())], missed);
    }

    private sealed class Tally(string grid, string? name)
    {
        private int _received, _met, _missed, _pending, _repeats, _replied, _visited, _dissatisfied;

        public void Add(ComplaintHandling h, string response)
        {
            _received++;
            if (response == ResponseClock.Met) _met++;
            else if (response == ResponseClock.Missed) _missed++;
            else _pending++;
            if (h.Complaint.RepeatOf is not null) _repeats++;
            if (h.Replied) _replied++;
            if (h.Visited) _visited++;
            if (h.LastSatisfaction == ComplaintSteps.Dissatisfied) _dissatisfied++;
        }

        public TownshipComplaints Figures() => new(grid, name, _received, _met, _missed, _pending, _repeats, _replied, _visited, _dissatisfied);
    }
}
