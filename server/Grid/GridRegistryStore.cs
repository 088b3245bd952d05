using System.Data.Common;
using System.Text.Json;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Grid;

/// <summary>The grid registry's tables (<see cref="GridSchema"/>) over the ledger database, the same SQL on SQLite and PostgreSQL.</summary>
public sealed class GridRegistryStore(LedgerDatabase database) : IGridRegistryStore
{
    private const string GridColumns = "code, level, name, parent, gateway, boundary, chief";

    /// <inheritdoc/>
    public async Task<ImportOutcome> ImportAsync(GridDocument document, bool create = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var errors = GridValidation.Check(document);
        if (errors.Count > 0) return new ImportOutcome(null, errors, false);
        var grids = document.Grids ?? [];
        var members = document.Members ?? [];
        var points = document.KeyPoints ?? [];
        var enterprises = document.Enterprises ?? [];

        return await database.WriteAsync(async (connection, transaction) =>
        {
            var existing = new Dictionary<string, string?>(StringComparer.Ordinal); // code -> gateway
            foreach (var (code, gateway) in await ListAsync(connection, transaction, "SELECT code, gateway FROM grids;", r => (r.GetString(0), Str(r, 1)), cancellationToken))
                existing[code] = gateway;
            var incoming = grids.Select(g => g.Code!).ToHashSet(StringComparer.Ordinal);
            bool Known(string code) => existing.ContainsKey(code) || incoming.Contains(code);

            var conflict = false;
            for (var i = 0; i < grids.Count; i++)
            {
                var g = grids[i];
                if (create && existing.ContainsKey(g.Code!)) { errors.Add(new($"grids[{i}].code", g.Code, "a code not yet in the registry")); conflict = true; }
                if (GridLevels.Parent(g.Code!) is { } parent && !Known(parent))
                    errors.Add(new($"grids[{i}].parent", parent, $"an existing {GridLevels.Name(GridLevels.Of(parent))} grid: the parent must exist one level up"));
            }
            var oldMemberGrids = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < members.Count; i++)
            {
                var m = members[i];
                if (!Known(m.Grid!)) errors.Add(new($"members[{i}].grid", m.Grid, "the code of a grid in the registry"));
                if (await ScalarAsync(connection, transaction, "SELECT grid FROM members WHERE id = @id;", cancellationToken, ("@id", m.Id)) is string old)
                {
                    oldMemberGrids[m.Id!] = old;
                    if (create) { errors.Add(new($"members[{i}].id", m.Id, "an id not yet in the registry")); conflict = true; }
                }
            }
            for (var i = 0; i < points.Count; i++)
            {
                if (!Known(points[i].Grid!)) errors.Add(new($"keyPoints[{i}].grid", points[i].Grid, "the code of a grid in the registry"));
                if (create && await ScalarAsync(connection, transaction, "SELECT 1 FROM key_points WHERE id = @id;", cancellationToken, ("@id", points[i].Id)) is not null)
                { errors.Add(new($"keyPoints[{i}].id", points[i].Id, "an id not yet in the registry")); conflict = true; }
            }
            for (var i = 0; i < enterprises.Count; i++)
            {
                if (!Known(enterprises[i].Grid!)) errors.Add(new($"enterprises[{i}].grid", enterprises[i].Grid, "the code of a grid in the registry"));
                if (create && await ScalarAsync(connection, transaction, "SELECT 1 FROM enterprises WHERE id = @id;", cancellationToken, ("@id", enterprises[i].Id)) is not null)
                { errors.Add(new($"enterprises[{i}].id", enterprises[i].Id, "an id not yet in the registry")); conflict = true; }
            }
            if (errors.Count > 0) return new ImportOutcome(null, errors, conflict && errors.All(e => e.Expected.EndsWith("not yet in the registry", StringComparison.Ordinal)));

            // The townships whose gateway's directory may change, and the gateways they had before.
            var townships = new HashSet<string>(StringComparer.Ordinal);
            foreach (var g in grids) if (GridLevels.TownshipOf(g.Code!) is { } t) townships.Add(t);
            foreach (var m in members) if (GridLevels.TownshipOf(m.Grid!) is { } t) townships.Add(t);
            foreach (var old in oldMemberGrids.Values) if (GridLevels.TownshipOf(old) is { } t) townships.Add(t);
            var gateways = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var t in townships) if (existing.GetValueOrDefault(t) is { } gw) gateways.Add(gw);

            // Parents first, so a document may list its grids in any order.
            await UpsertEachAsync(connection, transaction, """
                INSERT INTO grids (code, level, name, parent, gateway, boundary, chief) VALUES (@code, @level, @name, @parent, @gateway, @boundary, @chief)
                ON CONFLICT (code) DO UPDATE SET level = excluded.level, name = excluded.name, parent = excluded.parent, gateway = excluded.gateway,
                    boundary = excluded.boundary, chief = excluded.chief;
                """, grids.OrderBy(g => GridLevels.Of(g.Code!)), g => [("@code", g.Code), ("@level", GridLevels.Of(g.Code!)), ("@name", g.Name!.Trim()),
                ("@parent", GridLevels.Parent(g.Code!)), ("@gateway", g.Gateway), ("@boundary", g.Boundary is { ValueKind: not JsonValueKind.Null } b ? b.GetRawText() : null),
                ("@chief", g.Chief)], cancellationToken);
            await UpsertEachAsync(connection, transaction, """
                INSERT INTO members (id, name, grid, phone, active) VALUES (@id, @name, @grid, @phone, @active)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, grid = excluded.grid, phone = excluded.phone, active = excluded.active;
                """, members, m => [("@id", m.Id), ("@name", m.Name!.Trim()), ("@grid", m.Grid), ("@phone", m.Phone), ("@active", m.Active == false ? 0 : 1)],
                cancellationToken);
            await UpsertEachAsync(connection, transaction, """
                INSERT INTO key_points (id, grid, name, latitude, longitude) VALUES (@id, @grid, @name, @lat, @lon)
                ON CONFLICT (id) DO UPDATE SET grid = excluded.grid, name = excluded.name, latitude = excluded.latitude, longitude = excluded.longitude;
                """, points, k => [("@id", k.Id), ("@grid", k.Grid), ("@name", k.Name!.Trim()), ("@lat", k.Latitude), ("@lon", k.Longitude)], cancellationToken);
            await UpsertEachAsync(connection, transaction, """
                INSERT INTO enterprises (id, grid, name, class, file, latitude, longitude) VALUES (@id, @grid, @name, @class, @file, @lat, @lon)
                ON CONFLICT (id) DO UPDATE SET grid = excluded.grid, name = excluded.name, class = excluded.class, file = excluded.file,
                    latitude = excluded.latitude, longitude = excluded.longitude;
                """, enterprises, e => [("@id", e.Id), ("@grid", e.Grid), ("@name", e.Name!.Trim()), ("@class", e.Class),
                ("@file", e.File is { ValueKind: JsonValueKind.Object } f ? f.GetRawText() : "{}"), ("@lat", e.Latitude), ("@lon", e.Longitude)], cancellationToken);
            foreach (var t in townships)
                if (await ScalarAsync(connection, transaction, "SELECT gateway FROM grids WHERE code = @code;", cancellationToken, ("@code", t)) is string gw) gateways.Add(gw);
            return new ImportOutcome(new ImportResult(grids.Count, members.Count, points.Count, enterprises.Count, gateways.ToList()), [], false);
        }, cancellationToken);
    }

    private static async Task UpsertEachAsync<T>(DbConnection connection, DbTransaction transaction, string sql, IEnumerable<T> items,
        Func<T, (string Name, object? Value)[]> values, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        foreach (var item in items)
        {
            Bind(command, values(item));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static GridRecord ReadGrid(DbDataReader r) => new(r.GetString(0), r.GetInt32(1), r.GetString(2), Str(r, 3), Str(r, 4), Str(r, 5), Str(r, 6));

    /// <inheritdoc/>
    public async Task<GridRecord?> GetGridAsync(string code, CancellationToken cancellationToken = default) =>
        (await database.ReadAsync(c => ListAsync(c, null, $"SELECT {GridColumns} FROM grids WHERE code = @code;", ReadGrid, cancellationToken, ("@code", code)),
            cancellationToken)).FirstOrDefault();

    /// <inheritdoc/>
    public async Task<IReadOnlyList<GridRecord>> ListGridsAsync(string? parent, int? level, string? after, int limit, CancellationToken cancellationToken = default,
        string? under = null)
    {
        var filter = new SqlFilter().AddIf(parent, "parent = @parent", "@parent").AddIf(level, "level = @level", "@level").AddIf(after, "code > @after", "@after");
        if (under is not null) filter.Under("code", under);
        return await database.ReadAsync(c => ListAsync(c, null, $"SELECT {GridColumns} FROM grids {filter.Where} ORDER BY code LIMIT @limit;", ReadGrid,
            cancellationToken, filter.Parameters(("@limit", SqlFilter.Limit(limit)))), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<(long Children, long Members, long KeyPoints, long Enterprises)> CountUnderAsync(string code, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async connection =>
        {
            async Task<long> Count(string sql) => Convert.ToInt64(await ScalarAsync(connection, null, sql, cancellationToken, ("@code", code)));
            return (await Count("SELECT COUNT(*) FROM grids WHERE parent = @code;"), await Count("SELECT COUNT(*) FROM members WHERE grid = @code;"),
                await Count("SELECT COUNT(*) FROM key_points WHERE grid = @code;"), await Count("SELECT COUNT(*) FROM enterprises WHERE grid = @code;"));
        }, cancellationToken);

    /// <inheritdoc/>
    public async Task<MemberRecord?> GetMemberAsync(string id, CancellationToken cancellationToken = default) =>
        (await MembersAsync(new SqlFilter().Add("id = @id", ("@id", id)), 1, cancellationToken)).FirstOrDefault();

    /// <inheritdoc/>
    public Task<IReadOnlyList<MemberRecord>> ListMembersAsync(string? grid, string? after, int limit, CancellationToken cancellationToken = default)
    {
        var filter = new SqlFilter();
        if (grid is not null) filter.Under("grid", grid);
        return MembersAsync(filter.AddIf(after, "id > @after", "@after"), limit, cancellationToken);
    }

    private async Task<IReadOnlyList<MemberRecord>> MembersAsync(SqlFilter filter, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(c => ListAsync(c, null, $"SELECT id, name, grid, phone, active FROM members {filter.Where} ORDER BY id LIMIT @limit;",
            r => new MemberRecord(r.GetString(0), r.GetString(1), r.GetString(2), Str(r, 3), r.GetInt64(4) != 0),
            cancellationToken, filter.Parameters(("@limit", SqlFilter.Limit(limit)))), cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<KeyPointRecord>> ListKeyPointsAsync(string grid, CancellationToken cancellationToken = default, string? after = null, int limit = -1)
    {
        var filter = new SqlFilter().Add("grid = @grid", ("@grid", grid)).AddIf(after, "id > @after", "@after");
        return await database.ReadAsync(c => ListAsync(c, null, $"SELECT id, grid, name, latitude, longitude FROM key_points {filter.Where} ORDER BY id LIMIT @limit;",
            r => new KeyPointRecord(r.GetString(0), r.GetString(1), r.GetString(2), OptDouble(r, 3), OptDouble(r, 4)),
            cancellationToken, filter.Parameters(("@limit", SqlFilter.Limit(limit)))), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<EnterpriseRecord>> ListEnterprisesAsync(string grid, CancellationToken cancellationToken = default, string? id = null,
        string? enterpriseClass = null, string? after = null, int limit = -1)
    {
        var filter = new SqlFilter().Add("grid = @grid", ("@grid", grid)).AddIf(id, "id = @id", "@id").AddIf(enterpriseClass, "class = @class", "@class")
            .AddIf(after, "id > @after", "@after");
        return await database.ReadAsync(c => ListAsync(c, null,
            $"SELECT id, grid, name, class, file, latitude, longitude FROM enterprises {filter.Where} ORDER BY id LIMIT @limit;",
            r => new EnterpriseRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), OptDouble(r, 5), OptDouble(r, 6)),
            cancellationToken, filter.Parameters(("@limit", SqlFilter.Limit(limit)))), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, string>> CurrentGridsAsync(RegistryTable table, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        var name = table switch
        {
            RegistryTable.Members => "members",
            RegistryTable.KeyPoints => "key_points",
            RegistryTable.Enterprises => "enterprises",
            _ => throw new ArgumentOutOfRangeException(nameof(table)),
        };
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            var (condition, parameters) = In("id", "id", chunk);
            foreach (var (id, grid) in await database.ReadAsync(c => ListAsync(c, null, $"SELECT id, grid FROM {name} WHERE {condition};",
                r => (r.GetString(0), r.GetString(1)), cancellationToken, parameters), cancellationToken))
                found[id] = grid;
        }
        return found;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<(string Gateway, string Township)>> GatewayTownshipsAsync(CancellationToken cancellationToken = default) =>
        await database.ReadAsync(c => ListAsync(c, null, "SELECT gateway, code FROM grids WHERE level = 3 AND gateway IS NOT NULL;",
            r => (r.GetString(0), r.GetString(1)), cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> DirectoryGatewaysAsync(CancellationToken cancellationToken = default) =>
        await database.ReadAsync(c => ListAsync(c, null,
            "SELECT gateway FROM grids WHERE level = 3 AND gateway IS NOT NULL UNION SELECT gateway FROM gateway_directories ORDER BY 1;",
            r => r.GetString(0), cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public Task<TerminalDirectory?> DirectoryForAsync(string gatewayId, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async connection =>
        {
            var prefixes = (await ListAsync(connection, null, "SELECT code FROM grids WHERE level = 3 AND gateway = @gateway ORDER BY code;",
                r => GridLevels.Prefix(r.GetString(0)), cancellationToken, ("@gateway", gatewayId)));
            if (prefixes.Count == 0)
                return await ScalarAsync(connection, null, "SELECT 1 FROM gateway_directories WHERE gateway = @gateway;", cancellationToken, ("@gateway", gatewayId)) is null
                    ? null : TerminalDirectory.Empty;

            var terminals = new List<TerminalEntry>();
            var grids = new List<GridBoundary>();
            foreach (var prefix in prefixes)
            {
                terminals.AddRange(await ListAsync(connection, null, """
                    SELECT t.id, t.member, m.grid, t.token_sha256 FROM terminals t JOIN members m ON m.id = t.member
                    WHERE t.revoked_at IS NULL AND m.active = 1 AND m.grid >= @lo AND m.grid < @hi ORDER BY t.id;
                    """, r => new TerminalEntry(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)), cancellationToken, ("@lo", prefix), ("@hi", prefix + ":")));
                grids.AddRange(await ListAsync(connection, null, """
                    SELECT code, name, boundary FROM grids WHERE level = 4 AND boundary IS NOT NULL AND code >= @lo AND code < @hi ORDER BY code;
                    """, r =>
                    {
                        using var boundary = JsonDocument.Parse(r.GetString(2));
                        return new GridBoundary(r.GetString(0), r.GetString(1), boundary.RootElement.Clone());
                    }, cancellationToken, ("@lo", prefix), ("@hi", prefix + ":")));
            }
            return new TerminalDirectory(terminals.OrderBy(t => t.TerminalId, StringComparer.Ordinal).ToList(), grids);
        }, cancellationToken);

    /// <inheritdoc/>
    public async Task<PublishedDirectory?> GetPublishedDirectoryAsync(string gatewayId, CancellationToken cancellationToken = default) =>
        (await database.ReadAsync(c => ListAsync(c, null,
            "SELECT gateway, version, alert_rules, terminals, terminals_sha256, published_at FROM gateway_directories WHERE gateway = @gateway;",
            r => new PublishedDirectory(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), Ms(r.GetInt64(5))),
            cancellationToken, ("@gateway", gatewayId)), cancellationToken)).FirstOrDefault();

    /// <inheritdoc/>
    public Task RecordPublishedDirectoryAsync(PublishedDirectory published, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => ExecuteAsync(connection, transaction, """
            INSERT INTO gateway_directories (gateway, version, alert_rules, terminals, terminals_sha256, published_at)
            VALUES (@gateway, @version, @rules, @terminals, @sha, @at)
            ON CONFLICT (gateway) DO UPDATE SET version = excluded.version, alert_rules = excluded.alert_rules, terminals = excluded.terminals,
                terminals_sha256 = excluded.terminals_sha256, published_at = excluded.published_at;
            """, cancellationToken, ("@gateway", published.Gateway), ("@version", published.Version), ("@rules", published.AlertRules),
            ("@terminals", published.Terminals), ("@sha", published.TerminalsSha256), ("@at", published.PublishedAt.ToUnixTimeMilliseconds())), cancellationToken);
}
