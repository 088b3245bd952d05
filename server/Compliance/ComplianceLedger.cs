using GridEdge.Server.Alarms;
using System.Data.Common;
using System.Text.RegularExpressions;
using GridEdge.Protocol.Records;
using GridEdge.Server.Complaints;
using GridEdge.Server.Grid;
using GridEdge.Server.Periods;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Compliance;

/// <summary>
/// Computes the compliance figures (patrol frequency, key point coverage, enterprise visits, problem handling) of a period per grid
/// at every level (each grid's own inventory, members and records), per member, and rolled up the levels. The counts are set-based
/// queries over the whole scope, never one query per grid; the patrols are read once and judged in memory (<see cref="PatrolJudge"/>),
/// since whether one counts depends on its track and its grid's boundary. The same SQL on SQLite and PostgreSQL but for index hints
/// (SQLite's INDEXED BY) and reading a deadline out of an event's JSON detail.
/// </summary>
public sealed partial class ComplianceLedger(LedgerDatabase database, CountingRuleBook? ruleBook = null)
{
    private readonly CountingRuleBook _rules = ruleBook ?? new CountingRuleBook(new ComplianceOptions());

    public const string GridRule = "the 12-digit code of a grid in the registry (a city, county, township or village grid)";

    /// <summary>The error of a grid code that is not in the registry (or lies outside the caller's grid: the same answer).</summary>
    public static readonly string NoSuchGrid = GridRule + "; there is no grid with this code";

    /// <summary>The scope of a grid code, or why it is not one.</summary>
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

    /// <summary>The visit window of an enterprise class in months (004): 国控 and 省控 monthly, 市控 and 县控 every two months, others quarterly.</summary>
    public static int VisitMonths(string enterpriseClass) => enterpriseClass switch
    {
        EnterpriseClasses.National or EnterpriseClasses.Province => 1,
        EnterpriseClasses.CityCounty => 2,
        _ => 3,
    };

    /// <summary>The windows of a period: key points over the calendar month of the period's last day up to its end; enterprises over their class's months before its end.</summary>
    public static ComplianceWindows WindowsOf(ReportPeriod period)
    {
        var last = period.To.AddTicks(-1).ToOffset(ReportPeriod.ChinaStandardTime);
        var month = ReportPeriod.Midnight(new DateOnly(last.Year, last.Month, 1));
        return new ComplianceWindows(period.From, period.To, period.DueAt, month, period.To.AddMonths(-VisitMonths(EnterpriseClasses.National)),
            period.To.AddMonths(-VisitMonths(EnterpriseClasses.Province)), period.To.AddMonths(-VisitMonths(EnterpriseClasses.CityCounty)),
            period.To.AddMonths(-VisitMonths(EnterpriseClasses.Other)));
    }

    public async Task<ComplianceReport> ComputeAsync(GridScope scope, ReportPeriod period, CancellationToken cancellationToken = default)
    {
        var windows = WindowsOf(period);
        await using var connection = await database.OpenAsync(cancellationToken);
        var builders = new Dictionary<string, RowBuilder>(StringComparer.Ordinal);
        var order = new List<RowBuilder>();
        var outlines = new Dictionary<string, VillageOutline>(StringComparer.Ordinal);

        await using (var c = Command(connection, scope, windows, """
            SELECT g.code, g.name, g.level, t.name, g.boundary FROM grids g LEFT JOIN grids t ON t.code = g.parent AND t.level = 3
            WHERE g.code >= @lo AND g.code < @hi AND g.level BETWEEN 1 AND 4 ORDER BY g.code;
            """))
        await using (var r = await c.ExecuteReaderAsync(cancellationToken))
            while (await r.ReadAsync(cancellationToken))
            {
                var b = new RowBuilder { Grid = r.GetString(0), Name = r.GetString(1), Level = r.GetInt32(2), Township = r.IsDBNull(3) ? null : r.GetString(3) };
                if (b.Level == GridLevels.Township) b.Township = b.Name;
                builders[b.Grid] = b;
                order.Add(b);
                if (!r.IsDBNull(4) && ParseOutline(b.Grid, r.GetString(4)) is { } outline) outlines[b.Grid] = outline;
            }

        var members = new Dictionary<string, MemberBuilder>(StringComparer.Ordinal);
        MemberBuilder Member(string id, string grid)
        {
            if (!members.TryGetValue(id, out var m)) members[id] = m = new MemberBuilder { Member = id, Grid = grid };
            return m;
        }
        await using (var c = Command(connection, scope, windows, "SELECT id, name, grid FROM members WHERE active != 0 AND grid >= @lo AND grid < @hi ORDER BY id;"))
        await using (var r = await c.ExecuteReaderAsync(cancellationToken))
            while (await r.ReadAsync(cancellationToken))
            {
                var m = Member(r.GetString(0), r.GetString(2));
                (m.Name, m.Registered) = (r.GetString(1), true);
                if (builders.TryGetValue(m.Grid, out var b)) b.Members++;
            }

        // Check-ins by the terminal's fix time, per grid and member; those received after the due time are late.
        // A scope of a county or more reads the period through the time index; a township or village through its grids.
        var sqlite = database.Engine == LedgerEngine.Sqlite;
        var checkinIndex = !sqlite ? "" : scope.Level <= 2 ? "INDEXED BY checkins_by_time" : "INDEXED BY checkins_by_grid_time";
        await using (var c = Command(connection, scope, windows, $"""
            SELECT grid, member, COUNT(*), SUM(CASE WHEN received_at > @due THEN 1 ELSE 0 END) FROM checkins {checkinIndex}
            WHERE fix_time >= @from AND fix_time < @cut AND grid >= @lo AND grid < @hi
            GROUP BY grid, member;
            """))
        await using (var r = await c.ExecuteReaderAsync(cancellationToken))
            while (await r.ReadAsync(cancellationToken))
            {
                var (grid, count, late) = (r.GetString(0), r.GetInt32(2), r.GetInt32(3));
                var m = Member(r.GetString(1), grid);
                (m.CheckIns, m.LateRecords) = (m.CheckIns + count, m.LateRecords + late);
                if (builders.TryGetValue(grid, out var b)) (b.CheckIns, b.LateRecords) = (b.CheckIns + count, b.LateRecords + late);
                (builders.TryGetValue(grid, out b) ? b : null)?.Active.Add(m.Member);
            }

        var patrols = await PatrolsAsync(connection, scope, windows, cancellationToken);
        var counted = new Dictionary<(string, long), PatrolEvidence>();
        foreach (var p in patrols)
        {
            var reasons = PatrolJudge.Reasons(p, outlines.GetValueOrDefault(p.Grid), _rules.For(p.Grid));
            if (reasons.Count == 0) counted[(p.Gateway, p.Seq)] = p;
            if (p.StartedAt < windows.PeriodFrom) continue;
            var m = Member(p.Member, p.Grid);
            builders.TryGetValue(p.Grid, out var b);
            m.PatrolsRecorded++;
            if (b is not null) b.PatrolsRecorded++;
            if (p.ReceivedAt > period.DueAt)
            {
                m.LateRecords++;
                if (b is not null) b.LateRecords++;
            }
            b?.Active.Add(p.Member);
            if (reasons.Count == 0)
            {
                m.Patrols++;
                if (b is not null) b.Patrols++;
            }
            else m.NotCounted.Add(new NotCounted(p.RecordId, p.StartedAt.ToOffset(ReportPeriod.ChinaStandardTime), reasons));
        }

        var places = await PlacesAsync(connection, scope, windows, cancellationToken);
        var visits = await VisitsAsync(connection, scope, windows, counted, places, members, cancellationToken);

        // A key point is covered when at least 2 distinct counted patrols visited it this calendar month (001: 每月不少于2次).
        foreach (var kp in places.Values.Where(p => p.Kind == PlaceKind.KeyPoint))
        {
            if (!builders.TryGetValue(kp.Grid, out var b)) continue;
            b.KeyPoints++;
            var n = visits.TryGetValue(kp.Id, out var v) ? v.Where(x => x.At >= windows.KeyPointsFrom).Select(x => x.Patrol).Distinct().Count() : 0;
            if (n >= 2) b.KeyPointsCovered++;
            else if (n == 1) b.KeyPointsOnce++;
        }

        var enterprisesDue = await EnterpriseVisits.JudgeAsync(connection, database.Engine, scope, period, windows, places, visits, _rules, cancellationToken);
        foreach (var (e, visited) in enterprisesDue.Judged)
        {
            if (!builders.TryGetValue(e.Grid, out var b)) continue;
            b.Add(e.Class ?? EnterpriseClasses.Other, visited);
        }

        await ForEach(connection, scope, windows, $"""
            {ProblemsAtCutOff()}
            SELECT grid, SUM(CASE WHEN reported_at >= @from THEN 1 ELSE 0 END), SUM(CASE WHEN state_at != 'closed' THEN 1 ELSE 0 END), SUM(overdue), SUM(closed_in_period)
            FROM s GROUP BY grid;
            """, (b, r) => { b.ProblemsReported = r.GetInt32(1); b.ProblemsOpen = r.GetInt32(2); b.ProblemsOverdue = r.GetInt32(3); b.ProblemsClosed = r.GetInt32(4); },
            builders, cancellationToken);

        // Fire points (002: 一把火考核) in the part of the period a straw-burning ban of the grid's county covers.
        var bans = await Sql.ListAsync(connection, null, $"""
            SELECT county, starts_at, ends_at FROM campaigns WHERE kind = '{CampaignKinds.StrawBurningBan}' AND starts_at < @cut AND ends_at > @from;
            """, r => (County: r.GetString(0), From: r.GetInt64(1), To: r.GetInt64(2)), cancellationToken,
            ("@cut", windows.PeriodTo.ToUnixTimeMilliseconds()), ("@from", windows.PeriodFrom.ToUnixTimeMilliseconds()));
        foreach (var ban in bans)
        {
            var county = ban.County[..6];
            if (!county.StartsWith(scope.Prefix[..Math.Min(6, scope.Prefix.Length)], StringComparison.Ordinal)) continue;
            foreach (var b in order.Where(b => b.Grid.StartsWith(county, StringComparison.Ordinal) && b.Level == GridLevels.Village)) b.FirePoints ??= 0;
            var from = Sql.Ms(Math.Max(ban.From, windows.PeriodFrom.ToUnixTimeMilliseconds()));
            var to = Sql.Ms(Math.Min(ban.To, windows.PeriodTo.ToUnixTimeMilliseconds()));
            foreach (var (grid, count) in await CampaignRegister.FirePointsAsync(connection, county, from, to, cancellationToken))
                if (builders.TryGetValue(grid, out var b)) b.FirePoints = (b.FirePoints ?? 0) + count;
        }

        var rows = order.Select(b => b.Build()).ToList();
        var rollups = rows.Where(r => r.Level < GridLevels.Village)
            .Select(r => new ComplianceRollup(r.Grid, r.Name, r.Level, ComplianceTotals.Of([.. rows.Where(x => GridLevels.IsUnder(x.Grid, r.Grid))])))
            .ToList();
        var memberRows = members.Values.OrderBy(m => m.Grid, StringComparer.Ordinal).ThenBy(m => m.Member, StringComparer.Ordinal).Select(m => m.Build()).ToList();
        return new ComplianceReport(scope.Code, scope.Level, scope.Name, period.Kind.ToString().ToLowerInvariant(), period.Label,
            period.Kind == PeriodKind.Week ? period.Label : null, period.From, period.To, period.DueAt, _rules.For(scope.Code), windows,
            ComplianceTotals.Of(rows), rows, rollups, memberRows, enterprisesDue.Due);
    }

    private static VillageOutline? ParseOutline(string code, string boundary)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(boundary);
            return VillageOutline.Parse(code, document.RootElement);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// The patrols of the scope started from the earliest window (the enterprises') to the period's end, each with whether a check-in
    /// of its member in its grid, judged inside the grid's geofence on the terminal, fell between its start and end.
    /// </summary>
    private async Task<List<PatrolEvidence>> PatrolsAsync(DbConnection connection, GridScope scope, ComplianceWindows windows, CancellationToken ct)
    {
        var patrolIndex = database.Engine != LedgerEngine.Sqlite || scope.Level <= 2 ? "" : "INDEXED BY patrols_by_grid_time";
        await using var command = Command(connection, scope, windows, $"""
            SELECT p.gateway, p.seq, p.record_id, p.member, p.grid, p.started_at, p.ended_at, p.clock, p.received_at, p.track,
                   CASE WHEN EXISTS (SELECT 1 FROM checkins c WHERE c.member = p.member AND c.grid = p.grid AND c.geofence = {(int)GeofenceResult.Inside}
                                     AND c.fix_time >= p.started_at AND c.fix_time <= p.ended_at) THEN 1 ELSE 0 END
            FROM patrols p {patrolIndex}
            WHERE p.started_at >= @earliest AND p.started_at < @cut AND p.grid >= @lo AND p.grid < @hi;
            """);
        var result = new List<PatrolEvidence>();
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result.Add(new PatrolEvidence(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), Sql.Ms(r.GetInt64(5)), Sql.Ms(r.GetInt64(6)),
                (ClockQuality)r.GetInt32(7), Sql.Ms(r.GetInt64(8)), PatrolJudge.ReadTrack(r.GetString(9)), r.GetInt32(10) == 1));
        return result;
    }

    /// <summary>The registered key points and enterprises of the scope with their positions.</summary>
    private static async Task<Dictionary<string, RegisteredPlace>> PlacesAsync(DbConnection connection, GridScope scope, ComplianceWindows windows, CancellationToken ct)
    {
        var result = new Dictionary<string, RegisteredPlace>(StringComparer.Ordinal);
        await using (var c = Command(connection, scope, windows, "SELECT id, grid, name, latitude, longitude FROM key_points WHERE grid >= @lo AND grid < @hi ORDER BY id;"))
        await using (var r = await c.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                result[r.GetString(0)] = new RegisteredPlace(PlaceKind.KeyPoint, r.GetString(0), r.GetString(1), r.GetString(2), null,
                    r.IsDBNull(3) ? null : r.GetDouble(3), r.IsDBNull(4) ? null : r.GetDouble(4));
        await using (var c = Command(connection, scope, windows, "SELECT id, grid, name, class, latitude, longitude FROM enterprises WHERE grid >= @lo AND grid < @hi ORDER BY id;"))
        await using (var r = await c.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                result["e:" + r.GetString(0)] = new RegisteredPlace(PlaceKind.Enterprise, r.GetString(0), r.GetString(1), r.GetString(2), EnterpriseClasses.Normalize(r.GetString(3)),
                    r.IsDBNull(4) ? null : r.GetDouble(4), r.IsDBNull(5) ? null : r.GetDouble(5));
        return result;
    }

    /// <summary>
    /// The counted visits to each registered place (keyed as in <paramref name="places"/>): a visit of a counted patrol, with a track
    /// point or a check-in of the patrol within the county's distance of the place's position (a place without a registered position
    /// is taken on the terminal's word). A visit of a counted patrol in the period that fails is listed with its member.
    /// </summary>
    private async Task<Dictionary<string, List<(string Patrol, DateTimeOffset At)>>> VisitsAsync(DbConnection connection, GridScope scope, ComplianceWindows windows,
        Dictionary<(string, long), PatrolEvidence> counted, Dictionary<string, RegisteredPlace> places, Dictionary<string, MemberBuilder> members, CancellationToken ct)
    {
        var result = new Dictionary<string, List<(string, DateTimeOffset)>>(StringComparer.Ordinal);
        var rows = new List<(string Gateway, long Seq, int Kind, string Id, DateTimeOffset At)>();
        await using (var c = Command(connection, scope, windows, """
            SELECT gateway, seq, kind, place_id, at FROM patrol_places
            WHERE kind IN (0, 1) AND place_id IS NOT NULL AND at >= @earliest AND at < @cut AND grid >= @lo AND grid < @hi;
            """))
        await using (var r = await c.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) rows.Add((r.GetString(0), r.GetInt64(1), r.GetInt32(2), r.GetString(3), Sql.Ms(r.GetInt64(4))));
        foreach (var (gateway, seq, kind, id, at) in rows)
        {
            if (!counted.TryGetValue((gateway, seq), out var patrol)) continue;
            var key = kind == (int)PlaceKind.KeyPoint ? id : "e:" + id;
            if (!places.TryGetValue(key, out var place)) continue;
            var distance = _rules.For(patrol.Grid).PlaceDistanceMeters;
            if (place.Latitude is { } lat && place.Longitude is { } lon && !await NearAsync(connection, patrol, lat, lon, distance, ct))
            {
                if (patrol.StartedAt >= windows.PeriodFrom && members.TryGetValue(patrol.Member, out var m))
                    m.VisitsNotCounted.Add(new VisitNotCounted(patrol.RecordId, id, PatrolJudge.NoPositionNear(distance)));
                continue;
            }
            if (!result.TryGetValue(key, out var list)) result[key] = list = [];
            list.Add((gateway + "/" + seq, at));
        }
        return result;
    }

    /// <summary>Whether a track point of the patrol, or a check-in of its member during it, lies within <paramref name="meters"/> of the place.</summary>
    private static async Task<bool> NearAsync(DbConnection connection, PatrolEvidence patrol, double lat, double lon, double meters, CancellationToken ct)
    {
        if (patrol.Track.Any(t => PatrolJudge.DistanceMeters(t.Latitude, t.Longitude, lat, lon) <= meters)) return true;
        var checkIns = await Sql.ListAsync(connection, null,
            "SELECT latitude, longitude FROM checkins WHERE member = @member AND fix_time >= @from AND fix_time <= @to;",
            r => (r.GetDouble(0), r.GetDouble(1)), ct, ("@member", patrol.Member), ("@from", patrol.StartedAt.ToUnixTimeMilliseconds()),
            ("@to", patrol.EndedAt.ToUnixTimeMilliseconds()));
        return checkIns.Any(c => PatrolJudge.DistanceMeters(c.Item1, c.Item2, lat, lon) <= meters);
    }

    /// <summary>The problems overdue at the period's end in the scope, most overdue first.</summary>
    public async Task<IReadOnlyList<OverdueProblem>> GetOverdueAtCutOffAsync(GridScope scope, ReportPeriod period, CancellationToken cancellationToken = default)
    {
        var windows = WindowsOf(period);
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
                deadline, r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), Math.Round((period.To - deadline).TotalDays, 2)));
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
            ("@lo", scope.Prefix), ("@hi", scope.Prefix + ":"), ("@from", w.PeriodFrom.ToUnixTimeMilliseconds()), ("@cut", w.PeriodTo.ToUnixTimeMilliseconds()),
            ("@due", w.DueAt.ToUnixTimeMilliseconds()), ("@earliest", Earliest(w).ToUnixTimeMilliseconds()),
        ];
        var used = ParameterName().Matches(sql).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        return Sql.Command(connection, null, sql, all.Where(p => used.Contains(p.Name)).ToArray());
    }

    /// <summary>The earliest instant any figure reads: the widest enterprise window, the key points' month or the period's start.</summary>
    internal static DateTimeOffset Earliest(ComplianceWindows w) => new[] { w.PeriodFrom, w.KeyPointsFrom, w.NationalFrom, w.ProvinceFrom, w.CityCountyFrom, w.OtherFrom }.Min();

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
        public int Level;
        public string? Township;
        public readonly HashSet<string> Active = new(StringComparer.Ordinal);
        public int Members, CheckIns, PatrolsRecorded, Patrols, KeyPoints, KeyPointsCovered, KeyPointsOnce, LateRecords;
        public int NationalEnterprises, NationalVisited, ProvinceEnterprises, ProvinceVisited, CityCountyEnterprises, CityCountyVisited, OtherEnterprises, OtherVisited;
        public int ProblemsReported, ProblemsOpen, ProblemsOverdue, ProblemsClosed;
        public int? FirePoints;

        public void Add(string enterpriseClass, bool visited)
        {
            var v = visited ? 1 : 0;
            switch (enterpriseClass)
            {
                case EnterpriseClasses.National: NationalEnterprises++; NationalVisited += v; break;
                case EnterpriseClasses.Province: ProvinceEnterprises++; ProvinceVisited += v; break;
                case EnterpriseClasses.CityCounty: CityCountyEnterprises++; CityCountyVisited += v; break;
                default: OtherEnterprises++; OtherVisited += v; break;
            }
        }

        public GridCompliance Build() => new(Grid, Name, Level, Township, Members, Active.Count, CheckIns, PatrolsRecorded, Patrols, Patrols >= 1,
            KeyPoints, KeyPointsCovered, KeyPointsOnce, NationalEnterprises, NationalVisited, ProvinceEnterprises, ProvinceVisited, CityCountyEnterprises, CityCountyVisited,
            OtherEnterprises, OtherVisited, ProblemsReported, ProblemsOpen, ProblemsOverdue, ProblemsClosed, LateRecords, FirePoints);
    }

    private sealed class MemberBuilder
    {
        public string Member = "";
        public string? Name;
        public string Grid = "";
        public bool Registered;
        public int CheckIns, PatrolsRecorded, Patrols, LateRecords;
        public readonly List<NotCounted> NotCounted = [];
        public readonly List<VisitNotCounted> VisitsNotCounted = [];

        public MemberCompliance Build() => new(Member, Name, Grid, Registered, CheckIns, PatrolsRecorded, Patrols, Patrols >= 1, LateRecords,
            [.. NotCounted.OrderBy(n => n.StartedAt)], VisitsNotCounted);
    }
}

/// <summary>A registered key point or enterprise (with its class) and its position, when registered.</summary>
public sealed record RegisteredPlace(PlaceKind Kind, string Id, string Grid, string Name, string? Class, double? Latitude, double? Longitude);
