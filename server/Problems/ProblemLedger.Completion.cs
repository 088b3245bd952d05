using GridEdge.Protocol.Records;
using GridEdge.Server.Grid;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Problems;

// On-time completion (003: 未按规定时间处理办结的，每件减1分): the problems whose deadline falls in a period.
public sealed partial class ProblemLedger
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<DeadlineInPeriod>> GetDeadlinesInAsync(string grid, DateTimeOffset from, DateTimeOffset to, DateTimeOffset at,
        string? department = null, CancellationToken cancellationToken = default)
    {
        // Finished: judged by the deadline and lateness stored when it was finished, never by its deadline now. Open: by its
        // deadline now, once that has passed. A problem rejected at verification is open again, whatever its earlier finish said.
        var filter = new SqlFilter().Under("grid", grid).AddIf(department, "department = @department", "@department").Add($"""
            ((state IN {ProblemStates.NotOverdueSql} AND finished_at IS NOT NULL AND finish_deadline >= @from AND finish_deadline < @to)
             OR (state NOT IN {ProblemStates.NotOverdueSql} AND deadline >= @from AND deadline < @to AND deadline < @at))
            """, ("@from", from.ToUnixTimeMilliseconds()), ("@to", to.ToUnixTimeMilliseconds()), ("@at", at.ToUnixTimeMilliseconds()));
        return await database.ReadAsync(c => ListAsync(c, null, $"""
            SELECT id, grid, category, state, assignee, department, deadline, finished_at, finish_deadline, late_ms
            FROM problems {filter.Where} ORDER BY id;
            """, r => new DeadlineInPeriod(r.GetInt64(0), r.GetString(1), (ProblemCategory)r.GetInt32(2), r.GetString(3), Str(r, 4), Str(r, 5), OptMs(r, 6),
                OptMs(r, 7), OptMs(r, 8), OptLong(r, 9)), cancellationToken, filter.Parameters()), cancellationToken);
    }
}
