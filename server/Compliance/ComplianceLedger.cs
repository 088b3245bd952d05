using GridEdge.Server.Alarms;
using System.Data.Common;
using System.Text.RegularExpressions;
using GridEdge.Server.Grid;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Compliance;

/// <summary>
/// Computes the compliance figures (patrol frequency, key point coverage, enterprise visits, problem handling) per village
/// grid over the grid ledger's tables. Every figure is one set-based query grouped by grid over the whole scope, never one
/// query per grid: a city has about 5,000 village grids and a million check-ins a month. The same SQL on SQLite and
/// PostgreSQL but for index hints (SQLite's INDEXED BY) and reading a deadline out of an event's JSON detail.
/// </summary>
public sealed partial class ComplianceLedger(LedgerDatabase database)
{

    public const string GridRule = "the 12-digit code of a grid in the registry (a city, county, township or village grid)";

    /// <summary>The scope of a grid code, or why it is not one.</summary>
    /// <summary>The error of a grid code that is not in the registry (or lies outside the caller's grid: the same answer).</summary>
    public static readonly string NoSuchGrid = GridRule + "; there is no grid with this code";

    public async Task<(GridScope? Scope, string? Error)> ResolveGridAsync(string? code, CancellationToken cancellationToken = default)
    {
        if (code is null || code.Length != 12 || !code.All(char.IsAsciiDigit)) return (null, GridRule);
        var rows = await database.ReadAsync(c => Sql.ListAsync(c, null, "SELECT level, name FROM grids WHERE code = @code;",
            r => (Level: r.GetInt32(0), Name: r.GetString(1)), cancellationToken, ("@code", code)), cancellationToken);
        if (rows.Count == 0) return (null, NoSuchGrid);
        var (level, name) = rows[0];
        if (level is < 1 or > 4) return (null, GridRule + $"; this grid has level {level}, expected 1 to 4");
        return (new GridScope(code, level, name, code[..GridScope.PrefixLength(level)]), null);
    }

    public async Task<ComplianceReport> ComputeAsync(GridScope scope, ReportWeek week, CancellationToken cancellationToken = default)
    {
        var windows = new ComplianceWindows(week.PeriodFrom, week.CutOff, week.KeyPointWindowFrom,
            week.VisitWindowFrom(EnterpriseClasses.Province), week.VisitWindowFrom(EnterpriseClasses.CityCounty), week.VisitWindowFrom(EnterpriseClasses.Other));
        await using var connection = await database.OpenAsync(cancellationToken);
        var builders = new Dictionary<string, RowBuilder>(StringComparer.Ordinal);
        var order = new List<RowBuilder>();

        await using (var c = Command(connection, scope, windows, """
            SELECT g.code, g.name, t.name FROM grids g LEFT JOIN grids t ON t.code = g.parent
            WHERE g.level = 4 AND g.code >= @lo AND g.code < @hi ORDER BY g.code;
            """))
        await using (var r = await c.ExecuteReaderAsync(cancellationToken))
            while (await r.ReadAsync(cancellationToken))
            {
                var b = new RowBuilder { Grid = r.GetString(0), Name = r.GetString(1), Township = r.IsDBNull(2) ? null : r.GetString(2) };
                builders[b.Grid] = b;
                order.Add(b);
            }

        await ForEach(connection, scope, windows, "SELECT grid, COUNT(*) FROM members WHERE active != 0 AND grid >= @lo AND grid < @hi GROUP BY grid;",
            (b, r) => { b.Members = r.GetInt32(1); }, builders, cancellationToken);

        // Check-ins by the terminal's fix time, patrols by their start; a member is active with either in the period.
        // A scope of a county or more reads the period through the time index; a township or village through its grids.
        // PostgreSQL's planner picks between the same indexes by itself.
        var sqlite = database.Engine == LedgerEngine.Sqlite;
        var checkinIndex = !sqlite ? "" : scope.Level <= 2 ? "INDEXED BY checkins_by_time" : "INDEXED BY checkins_by_grid_time";
        var patrolIndex = !sqlite || scope.Level <= 2 ? "" : "INDEXED BY patrols_by_grid_time";
        await ForEach(connection, scope, windows, $"""
            SELECT grid, SUM(c), COUNT(*), SUM(p) FROM (
                SELECT grid, member, SUM(CASE WHEN k = 1 THEN 1 ELSE 0 END) AS c, SUM(CASE WHEN k = 0 THEN 1 ELSE 0 END) AS p FROM (
                    SELECT grid, member, 1 AS k FROM checkins {checkinIndex}
                    WHERE fix_time >= @from AND fix_time < @cut AND grid >= @lo AND grid < @hi
                    UNION ALL
                    SELECT grid, member, 0 FROM patrols {patrolIndex}
                    WHERE started_at >= @from AND started_at < @cut AND grid >= @lo AND grid < @hi) AS records
                GROUP BY grid, member) AS per_member
            GROUP BY grid;
            """, (b, r) => { b.CheckIns = r.GetInt32(1); b.ActiveMembers = r.GetInt32(2); b.Patrols = r.GetInt32(3); }, builders, cancellationToken);

        // A key point counts the distinct patrols that visited it from the start of the cut-off's month to the cut-off.
        await ForEach(connection, scope, windows, """
            SELECT k.grid, COUNT(*), SUM(CASE WHEN COALESCE(v.n, 0) >= 2 THEN 1 ELSE 0 END), SUM(CASE WHEN COALESCE(v.n, 0) = 1 THEN 1 ELSE 0 END)
            FROM key_points k LEFT JOIN (
                SELECT place_id, COUNT(*) AS n FROM (
                    SELECT DISTINCT place_id, gateway, seq FROM patrol_places
                    WHERE kind = 0 AND place_id IS NOT NULL AND at >= @month AND at < @cut) AS visits
                GROUP BY place_id) v ON v.place_id = k.id
            WHERE k.grid >= @lo AND k.grid < @hi
            GROUP BY k.grid;
            """, (b, r) => { b.KeyPoints = r.GetInt32(1); b.KeyPointsCovered = r.GetInt32(2); b.KeyPointsOnce = r.GetInt32(3); }, builders, cancellationToken);

        // An enterprise is visited when a patrol was there within its class's window ending at the cut-off; an unknown class is 'other'.
        await ForEach(connection, scope, windows, """
            SELECT grid, cls, COUNT(*), SUM(visited) FROM (
                SELECT e.grid, CASE WHEN e.class IN ('province', 'city_county') THEN e.class ELSE 'other' END AS cls,
                    CASE WHEN EXISTS (SELECT 1 FROM patrol_places p
                            WHERE p.kind = 1 AND p.place_id = e.id AND p.at < @cut
                              AND p.at >= CASE e.class WHEN 'province' THEN @province WHEN 'city_county' THEN @cityCounty ELSE @other END) THEN 1 ELSE 0 END AS visited
                FROM enterprises e WHERE e.grid >= @lo AND e.grid < @hi) AS classed
            GROUP BY grid, cls;
            """, (b, r) =>
            {
                var (total, visited) = (r.GetInt32(2), r.GetInt32(3));
                switch (r.GetString(1))
                {
                    case EnterpriseClasses.Province: (b.ProvinceEnterprises, b.ProvinceVisited) = (total, visited); break;
                    case EnterpriseClasses.CityCounty: (b.CityCountyEnterprises, b.CityCountyVisited) = (total, visited); break;
                    default: (b.OtherEnterprises, b.OtherVisited) = (total, visited); break;
                }
            }, builders, cancellationToken);

        await ForEach(connection, scope, windows, $"""
            {ProblemsAtCutOff()}
            SELECT grid, SUM(CASE WHEN reported_at >= @from THEN 1 ELSE 0 END), SUM(CASE WHEN state_at != 'closed' THEN 1 ELSE 0 END), SUM(overdue), SUM(closed_in_period)
            FROM s GROUP BY grid;
            """, (b, r) => { b.ProblemsReported = r.GetInt32(1); b.ProblemsOpen = r.GetInt32(2); b.ProblemsOverdue = r.GetInt32(3); b.ProblemsClosed = r.GetInt32(4); },
            builders, cancellationToken);

        // Fire points (002: 一把火考核) in the part of the week a straw-burning ban of the village's county covers.
        var bans = await Sql.ListAsync(connection, null, $"""
            SELECT county, starts_at, ends_at FROM campaigns WHERE kind = '{CampaignKinds.StrawBurningBan}' AND starts_at < @cut AND ends_at > @from;
            """, r => (County: r.GetString(0), From: r.GetInt64(1), To: r.GetInt64(2)), cancellationToken,
            ("@cut", windows.CutOff.ToUnixTimeMilliseconds()), ("@from", windows.PeriodFrom.ToUnixTimeMilliseconds()));
        foreach (var ban in bans)
        {
            var county = ban.County[..6];
            if (!county.StartsWith(scope.Prefix[..Math.Min(6, scope.Prefix.Length)], StringComparison.Ordinal)) continue;
            foreach (var b in order.Where(b => b.Grid.StartsWith(county, StringComparison.Ordinal))) b.FirePoints ??= 0;
            var from = Sql.Ms(Math.Max(ban.From, windows.PeriodFrom.ToUnixTimeMilliseconds()));
            var to = Sql.Ms(Math.Min(ban.To, windows.CutOff.ToUnixTimeMilliseconds()));
            foreach (var (grid, count) in await CampaignRegister.FirePointsAsync(connection, county, from, to, cancellationToken))
                if (builders.TryGetValue(grid, out var b)) b.FirePoints += count;
        }

        var rows = order.Select(b => b.Build()).ToList();
        return new ComplianceReport(scope.Code, scope.Level, scope.Name, week.Name, windows, ComplianceTotals.Of(rows), rows);
    }

    /// <summary>The problems overdue at the week's cut-off in the scope, most overdue first.</summary>
    public async Task<IReadOnlyList<OverdueProblem>> GetOverdueAtCutOffAsync(GridScope scope, ReportWeek week, CancellationToken cancellationToken = default)
    {
        var windows = new ComplianceWindows(week.PeriodFrom, week.CutOff, week.KeyPointWindowFrom, week.CutOff, week.CutOff, week.CutOff);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, scope, windows, $"""
            {ProblemsAtCutOff()}
            SELECT s.id, s.grid, p.category, s.state_at, p.reported_at, s.deadline_at, p.assignee, p.department
            FROM s JOIN problems p ON p.id = s.id WHERE s.overdue = 1 ORDER BY s.deadline_at, s.id;
            """);
        var result = new List<OverdueProblem>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var deadline = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5));
            result.Add(new OverdueProblem(r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
                deadline, r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), Math.Round((week.CutOff - deadline).TotalDays, 2)));
        }
        return result;
    }

    /// <summary>
    /// Each problem reported before the cut-off with its state at the cut-off, replayed from problem_events (the last
    /// transition before the cut-off; 'reported' without one), and the deadline in force then (the last assignment, transfer
    /// or plan before the cut-off carries it in its detail; without one, the problem's deadline column). Overdue: that
    /// deadline passed before the cut-off while the problem was not yet rectified.
    /// </summary>
    private string ProblemsAtCutOff() => $"""
        WITH s AS (
            SELECT id, grid, reported_at, state_at, deadline_at,
                   CASE WHEN deadline_at IS NOT NULL AND deadline_at < @cut AND state_at NOT IN {ProblemStates.NotOverdueSql} THEN 1 ELSE 0 END AS overdue,
                   closed_in_period
            FROM (
                SELECT p.id, p.grid, p.reported_at,
                       COALESCE((SELECT e.to_state FROM problem_events e WHERE e.problem_id = p.id AND e.at < @cut ORDER BY e.n DESC LIMIT 1), 'reported') AS state_at,
                       COALESCE((SELECT {DeadlineOfDetail}
                                 FROM problem_events e
                                 WHERE e.problem_id = p.id AND e.at < @cut AND e.action IN ('assign', 'transfer', 'plan') AND {HasDeadline}
                                 ORDER BY e.n DESC LIMIT 1), p.deadline) AS deadline_at,
                       CASE WHEN EXISTS (SELECT 1 FROM problem_events e WHERE e.problem_id = p.id AND e.action = 'close' AND e.at >= @from AND e.at < @cut)
                            THEN 1 ELSE 0 END AS closed_in_period
                FROM problems p
                WHERE p.grid >= @lo AND p.grid < @hi AND p.reported_at < @cut) AS replayed)
        """;

    // The deadline an event's JSON detail carries (an ISO 8601 time with its offset) as Unix milliseconds. The detail is
    // written by this server (always JSON on PostgreSQL); SQLite checks it, as ledgers from earlier servers are read too.
    private string DeadlineOfDetail => database.Engine == LedgerEngine.Postgres
        ? "CAST(round(EXTRACT(EPOCH FROM CAST(CAST(e.detail AS jsonb) ->> 'deadline' AS timestamptz)) * 1000) AS BIGINT)"
        : "CAST(round((julianday(json_extract(e.detail, '$.deadline')) - 2440587.5) * 86400000) AS INTEGER)";

    private string HasDeadline => database.Engine == LedgerEngine.Postgres
        ? "e.detail IS NOT NULL AND CAST(e.detail AS jsonb) ->> 'deadline' IS NOT NULL"
        : "json_valid(e.detail) AND json_extract(e.detail, '$.deadline') IS NOT NULL";

    /// <summary>A query with those of the scope's and the windows' parameters it uses.</summary>
    private static DbCommand Command(DbConnection connection, GridScope scope, ComplianceWindows w, string sql)
    {
        // Codes are digits: every code with the prefix sorts at or after it and before prefix + ':' (the character after '9').
        (string Name, object? Value)[] all =
        [
            ("@lo", scope.Prefix), ("@hi", scope.Prefix + ":"), ("@from", w.PeriodFrom.ToUnixTimeMilliseconds()), ("@cut", w.CutOff.ToUnixTimeMilliseconds()),
            ("@month", w.KeyPointsFrom.ToUnixTimeMilliseconds()), ("@province", w.ProvinceFrom.ToUnixTimeMilliseconds()),
            ("@cityCounty", w.CityCountyFrom.ToUnixTimeMilliseconds()), ("@other", w.OtherFrom.ToUnixTimeMilliseconds()),
        ];
        var used = ParameterName().Matches(sql).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        return Sql.Command(connection, null, sql, all.Where(p => used.Contains(p.Name)).ToArray());
    }

    [GeneratedRegex(@"@[A-Za-z]+")]
    private static partial Regex ParameterName();

    private static async Task ForEach(DbConnection connection, GridScope scope, ComplianceWindows windows, string sql,
        Action<RowBuilder, DbDataReader> apply, Dictionary<string, RowBuilder> builders, CancellationToken ct)
    {
        await using var command = Command(connection, scope, windows, sql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        // Records of a grid missing from the registry (or not a village) have no row to go to.
        while (await reader.ReadAsync(ct))
            if (builders.TryGetValue(reader.GetString(0), out var b)) apply(b, reader);
    }

    private sealed class RowBuilder
    {
        public string Grid = "";
        public string Name = "";
        public string? Township;
        public int Members, ActiveMembers, CheckIns, Patrols, KeyPoints, KeyPointsCovered, KeyPointsOnce;
        public int ProvinceEnterprises, ProvinceVisited, CityCountyEnterprises, CityCountyVisited, OtherEnterprises, OtherVisited;
        public int ProblemsReported, ProblemsOpen, ProblemsOverdue, ProblemsClosed;
        public int? FirePoints;

        public GridCompliance Build() => new(Grid, Name, Township, Members, ActiveMembers, CheckIns, Patrols, Patrols >= 1,
            KeyPoints, KeyPointsCovered, KeyPointsOnce, ProvinceEnterprises, ProvinceVisited, CityCountyEnterprises, CityCountyVisited,
            OtherEnterprises, OtherVisited, ProblemsReported, ProblemsOpen, ProblemsOverdue, ProblemsClosed, FirePoints);
    }

}
