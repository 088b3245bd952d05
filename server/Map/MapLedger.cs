using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridEdge.Server.Compliance;
using GridEdge.Server.Gateways;
using GridEdge.Server.Grid;
using GridEdge.Server.Problems;
using GridEdge.Server.Readings;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Map;

/// <summary>
/// The grid map's data in one pass: the village grids under a grid with their boundaries, and their figures from one
/// grouped query per figure over the whole scope (never one per village: a city has about 5,000), then the gateways of
/// their townships. The same SQL on SQLite and PostgreSQL.
/// </summary>
public sealed partial class MapLedger(LedgerDatabase database, IGridRegistryStore registry, IGatewayStore gateways, IReadingStore readings, TimeProvider time)
{
    /// <summary>Decimals a boundary coordinate keeps: 5 is about 1 m, finer than any village outline needs.</summary>
    public const int CoordinateDecimals = 5;

    /// <summary>The map of the village grids at or beneath <paramref name="grid"/> (every village when null).</summary>
    public async Task<MapView> BuildAsync(string? grid, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var (weekName, weekFrom, monthFrom) = Windows(now);
        var prefix = grid is null ? "" : GridLevels.Prefix(grid);
        (string, object?)[] parameters =
        [
            ("@lo", prefix), ("@hi", prefix + ":"), ("@now", now.ToUnixTimeMilliseconds()),
            ("@week", weekFrom.ToUnixTimeMilliseconds()), ("@month", monthFrom.ToUnixTimeMilliseconds()),
        ];

        var villages = new List<(string Code, string Name, string? Parent, string? Chief, string? Boundary)>();
        var figures = new Dictionary<string, int[]>(StringComparer.Ordinal);
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            // Codes are digits: every code with the prefix sorts at or after it and before prefix + ':' (the character after '9').
            villages = await ListAsync(connection, null,
                "SELECT code, name, parent, chief, boundary FROM grids WHERE level = 4 AND code >= @lo AND code < @hi ORDER BY code;",
                r => (r.GetString(0), r.GetString(1), Str(r, 2), Str(r, 3), Str(r, 4)), cancellationToken, parameters[..2]);
            foreach (var v in villages) figures[v.Code] = new int[7];

            await AddAsync(connection, "SELECT grid, COUNT(*) FROM members WHERE active != 0 AND grid >= @lo AND grid < @hi GROUP BY grid;",
                (f, r) => f[0] = r.GetInt32(1));
            await AddAsync(connection, "SELECT grid, COUNT(*) FROM patrols WHERE started_at >= @week AND grid >= @lo AND grid < @hi GROUP BY grid;",
                (f, r) => f[1] = r.GetInt32(1));
            // A key point counts the distinct patrols that visited it since the month began: twice covers it (001), once is a start.
            await AddAsync(connection, """
                SELECT k.grid, COUNT(*), SUM(CASE WHEN COALESCE(v.n, 0) >= 2 THEN 1 ELSE 0 END), SUM(CASE WHEN COALESCE(v.n, 0) >= 1 THEN 1 ELSE 0 END)
                FROM key_points k LEFT JOIN (
                    SELECT place_id, COUNT(*) AS n FROM (
                        SELECT DISTINCT place_id, gateway, seq FROM patrol_places
                        WHERE kind = 0 AND place_id IS NOT NULL AND at >= @month AND grid >= @lo AND grid < @hi) AS visits
                    GROUP BY place_id) v ON v.place_id = k.id
                WHERE k.grid >= @lo AND k.grid < @hi
                GROUP BY k.grid;
                """, (f, r) => (f[2], f[3], f[4]) = (r.GetInt32(1), r.GetInt32(2), r.GetInt32(3)));
            await AddAsync(connection, $"""
                SELECT grid, COUNT(*), SUM(CASE WHEN deadline IS NOT NULL AND deadline < @now AND state NOT IN {ProblemStates.NotOverdueSql} THEN 1 ELSE 0 END)
                FROM problems WHERE state != 'closed' AND grid >= @lo AND grid < @hi GROUP BY grid;
                """, (f, r) => (f[5], f[6]) = (r.GetInt32(1), r.GetInt32(2)));
        }

        var map = villages.Select(v =>
        {
            var f = figures[v.Code];
            return new MapVillage(v.Code, v.Name, v.Parent, v.Chief, Rounded(v.Boundary), new VillageFigures(f[0], f[1], f[2], f[3], f[4], f[5], f[6]));
        }).ToList();
        return new MapView(grid, weekName, weekFrom, monthFrom, now, map, await GatewaysAsync(grid, villages.Select(v => v.Parent), cancellationToken));

        async Task AddAsync(DbConnection connection, string sql, Action<int[], DbDataReader> apply)
        {
            var used = parameters.Where(p => sql.Contains(p.Item1, StringComparison.Ordinal)).ToArray();
            await using var command = Command(connection, null, sql, used);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            // Records of a grid missing from the registry (or not a village) have no village to go to.
            while (await reader.ReadAsync(cancellationToken))
                if (figures.TryGetValue(reader.GetString(0), out var f)) apply(f, reader);
        }
    }

    /// <summary>
    /// The gateways at the centers of the townships the map shows (those in the grid, or holding its villages), with their
    /// state from the ledger and the clock quality of each one's newest reading (one indexed read per gateway: a city has
    /// a gateway per township, a hundred or so, not one per village).
    /// </summary>
    private async Task<IReadOnlyList<MapGateway>> GatewaysAsync(string? grid, IEnumerable<string?> villageParents, CancellationToken ct)
    {
        var townships = villageParents.Where(p => p is not null).ToHashSet(StringComparer.Ordinal);
        var pairs = (await registry.GatewayTownshipsAsync(ct))
            .Where(p => townships.Contains(p.Township) || grid is null || GridLevels.IsUnder(p.Township, grid))
            .OrderBy(p => p.Township, StringComparer.Ordinal).ThenBy(p => p.Gateway, StringComparer.Ordinal).ToList();
        if (pairs.Count == 0) return [];
        var names = await TownshipNamesAsync([.. pairs.Select(p => p.Township).Distinct()], ct);
        var known = (await gateways.GetGatewaysAsync(ct)).ToDictionary(g => g.Id, StringComparer.Ordinal);
        var result = new List<MapGateway>();
        foreach (var (id, township) in pairs)
        {
            var newest = (await readings.QueryReadingsAsync(new ReadingQuery(Gateway: id, Limit: 1, Descending: true), ct)).Items.FirstOrDefault();
            known.TryGetValue(id, out var g);
            result.Add(new MapGateway(id, township, names.GetValueOrDefault(township, township), g?.Online ?? false, g?.LastSeen, g?.SoftwareVersion,
                g?.ConfigVersion, g?.Streams.Sum(s => s.Missing) ?? 0, newest?.Clock, newest?.Timestamp));
        }
        return result;
    }

    private Task<Dictionary<string, string>> TownshipNamesAsync(IReadOnlyList<string> codes, CancellationToken ct) =>
        database.ReadAsync(async connection =>
        {
            var (condition, parameters) = In("code", "c", codes);
            var rows = await ListAsync(connection, null, $"SELECT code, name FROM grids WHERE {condition};", r => (r.GetString(0), r.GetString(1)), ct, parameters);
            return rows.ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
        }, ct);

    /// <summary>
    /// The ISO week (Monday 00:00 China time) and calendar month a moment lies in, China time being a fixed UTC+08:00 (the
    /// build has no time zone data).
    /// </summary>
    public static (string Week, DateTimeOffset WeekFrom, DateTimeOffset MonthFrom) Windows(DateTimeOffset at)
    {
        var local = at.ToOffset(GridEdge.Server.Periods.ReportPeriod.ChinaStandardTime);
        var day = local.Date;
        var monday = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
        var week = $"{ISOWeek.GetYear(day):0000}-W{ISOWeek.GetWeekOfYear(day):00}";
        return (week, new DateTimeOffset(monday, GridEdge.Server.Periods.ReportPeriod.ChinaStandardTime), new DateTimeOffset(day.Year, day.Month, 1, 0, 0, 0, GridEdge.Server.Periods.ReportPeriod.ChinaStandardTime));
    }

    /// <summary>
    /// A stored GeoJSON geometry with every coordinate rounded to <see cref="CoordinateDecimals"/>, written into the answer
    /// as it is when it is already that short (a city's 5,209 outlines are not parsed and rebuilt on every request); null
    /// when absent or unreadable.
    /// </summary>
    public static RawJson? Rounded(string? boundary)
    {
        if (boundary is null) return null;
        if (!LongDecimals().IsMatch(boundary)) return IsJson(boundary) ? new RawJson(boundary) : null;
        JsonNode? node;
        try { node = JsonNode.Parse(boundary); }
        catch (JsonException) { return null; }
        if (node is JsonObject geometry && geometry["coordinates"] is { } coordinates) geometry["coordinates"] = Round(coordinates);
        return node is null ? null : new RawJson(node.ToJsonString());
    }

    private static bool IsJson(string text)
    {
        try
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text));
            while (reader.Read()) { }
            return true;
        }
        catch (JsonException) { return false; }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\d\.\d{6,}")]
    private static partial System.Text.RegularExpressions.Regex LongDecimals();

    private static JsonNode? Round(JsonNode? node) => node switch
    {
        JsonArray array => new JsonArray([.. array.Select(Round)]),
        JsonValue value when value.TryGetValue<double>(out var d) => JsonValue.Create(Math.Round(d, CoordinateDecimals)),
        _ => node?.DeepClone(),
    };
}
