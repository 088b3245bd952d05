using GridEdge.Server.Complaints;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Compliance;

/// <summary>A patrol record of a period and whether it counts under the county's counting rules.</summary>
public sealed record JudgedPatrol(string RecordId, string Grid, string Member, DateTimeOffset StartedAt, bool Counts);

// The patrols of a span judged as the figures judge them, for the assessment (server/Scores): which weeks each village patrolled.
public sealed partial class ComplianceLedger
{
    /// <summary>Every patrol of the scope started in [<paramref name="from"/>, <paramref name="to"/>), judged by <see cref="PatrolJudge"/> against its grid's outline.</summary>
    public async Task<IReadOnlyList<JudgedPatrol>> JudgePatrolsAsync(GridScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var windows = new ComplianceWindows(from, to, to, from, from, from, from, from);
        await using var connection = await database.OpenAsync(cancellationToken);
        var outlines = new Dictionary<string, VillageOutline>(StringComparer.Ordinal);
        await using (var c = Command(connection, scope, windows, "SELECT code, boundary FROM grids WHERE code >= @lo AND code < @hi AND boundary IS NOT NULL;"))
        await using (var r = await c.ExecuteReaderAsync(cancellationToken))
            while (await r.ReadAsync(cancellationToken))
                if (ParseOutline(r.GetString(0), r.GetString(1)) is { } outline) outlines[r.GetString(0)] = outline;
        var patrols = await PatrolsAsync(connection, scope, windows, cancellationToken);
        return [.. patrols.Select(p => new JudgedPatrol(p.RecordId, p.Grid, p.Member, p.StartedAt,
            PatrolJudge.Reasons(p, outlines.GetValueOrDefault(p.Grid), _rules.For(p.Grid)).Count == 0))];
    }
}
