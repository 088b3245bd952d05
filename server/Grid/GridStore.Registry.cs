using System.Buffers.Text;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Ledgers;
using Microsoft.Data.Sqlite;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Server.Grid;

/// <summary>
/// The grid registry (grids, members, terminals, key points, enterprises) and the patrol and problem ledgers, in the same
/// SQLite file as the readings ledger (<see cref="GridLedgerSchema"/>): WAL, synchronous=FULL, one writer at a time.
/// </summary>
public sealed partial class GridStore : IDisposable
{
    private readonly SqliteFile _file;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    public GridStore(string ledgerPath, TimeProvider? time = null, ILogger<GridStore>? log = null)
    {
        _file = new SqliteFile(ledgerPath);
        Path = _file.Path;
        AttachmentDirectory = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path) ?? ".", "attachments");
        _time = time ?? TimeProvider.System;
        _log = (ILogger?)log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>The ledger file.</summary>
    public string Path { get; }

    /// <summary>Where attachments are assembled (<c>{sha256}.part</c>) and kept once verified (<c>{sha256}</c>).</summary>
    public string AttachmentDirectory { get; }

    /// <summary>Counters of attachment assembly since start.</summary>
    public AttachmentCounters Attachments { get; } = new();

    /// <summary>Creates the grid tables (and the gateways table last-seen times go to) if needed. Idempotent.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        Directory.CreateDirectory(AttachmentDirectory);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
            await ExecuteAsync(connection, null, GridLedgerSchema.Sql, cancellationToken);
            // The readings ledger owns this table; created here too so a grid store works on a file of its own (tests, tools).
            await ExecuteAsync(connection, null, Gateways.GatewaySchema.GatewaysTable, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    // ---- registry writes ----

    /// <summary>
    /// Applies a document as upserts in one transaction after checking it whole: every field, and every reference (a parent one
    /// level up, a member's or inventory entry's grid) against the registry and the document itself. With
    /// <paramref name="create"/> an id or code already in the registry is a conflict (POST), otherwise it is replaced (PUT, seed).
    /// </summary>
    public async Task<ImportOutcome> ImportAsync(GridDocument document, bool create = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var errors = GridValidation.Check(document);
        if (errors.Count > 0) return new ImportOutcome(null, errors, false);
        var grids = document.Grids ?? [];
        var members = document.Members ?? [];
        var points = document.KeyPoints ?? [];
        var enterprises = document.Enterprises ?? [];

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var existing = new Dictionary<string, string?>(StringComparer.Ordinal); // code -> gateway
            await using (var read = Command(connection, transaction, "SELECT code, gateway FROM grids;"))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken)) existing[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
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
                if (await ScalarAsync(connection, transaction, "SELECT grid FROM members WHERE id = $id;", cancellationToken, ("$id", m.Id)) is string old)
                {
                    oldMemberGrids[m.Id!] = old;
                    if (create) { errors.Add(new($"members[{i}].id", m.Id, "an id not yet in the registry")); conflict = true; }
                }
            }
            for (var i = 0; i < points.Count; i++)
            {
                if (!Known(points[i].Grid!)) errors.Add(new($"keyPoints[{i}].grid", points[i].Grid, "the code of a grid in the registry"));
                if (create && await ScalarAsync(connection, transaction, "SELECT 1 FROM key_points WHERE id = $id;", cancellationToken, ("$id", points[i].Id)) is not null)
                { errors.Add(new($"keyPoints[{i}].id", points[i].Id, "an id not yet in the registry")); conflict = true; }
            }
            for (var i = 0; i < enterprises.Count; i++)
            {
                if (!Known(enterprises[i].Grid!)) errors.Add(new($"enterprises[{i}].grid", enterprises[i].Grid, "the code of a grid in the registry"));
                if (create && await ScalarAsync(connection, transaction, "SELECT 1 FROM enterprises WHERE id = $id;", cancellationToken, ("$id", enterprises[i].Id)) is not null)
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

            await using (var upsert = Command(connection, transaction, """
                INSERT INTO grids (code, level, name, parent, gateway, boundary, chief) VALUES ($code, $level, $name, $parent, $gateway, $boundary, $chief)
                ON CONFLICT (code) DO UPDATE SET level = excluded.level, name = excluded.name, parent = excluded.parent, gateway = excluded.gateway,
                    boundary = excluded.boundary, chief = excluded.chief;
                """))
            {
                // Parents first, so a document may list its grids in any order.
                foreach (var g in grids.OrderBy(g => GridLevels.Of(g.Code!)))
                {
                    Bind(upsert, ("$code", g.Code), ("$level", GridLevels.Of(g.Code!)), ("$name", g.Name!.Trim()), ("$parent", GridLevels.Parent(g.Code!)),
                        ("$gateway", g.Gateway), ("$boundary", g.Boundary is { ValueKind: not JsonValueKind.Null } b ? b.GetRawText() : null), ("$chief", g.Chief));
                    await upsert.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            await using (var upsert = Command(connection, transaction, """
                INSERT INTO members (id, name, grid, phone, active) VALUES ($id, $name, $grid, $phone, $active)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, grid = excluded.grid, phone = excluded.phone, active = excluded.active;
                """))
            {
                foreach (var m in members)
                {
                    Bind(upsert, ("$id", m.Id), ("$name", m.Name!.Trim()), ("$grid", m.Grid), ("$phone", m.Phone), ("$active", m.Active == false ? 0 : 1));
                    await upsert.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            await using (var upsert = Command(connection, transaction, """
                INSERT INTO key_points (id, grid, name, latitude, longitude) VALUES ($id, $grid, $name, $lat, $lon)
                ON CONFLICT (id) DO UPDATE SET grid = excluded.grid, name = excluded.name, latitude = excluded.latitude, longitude = excluded.longitude;
                """))
            {
                foreach (var k in points)
                {
                    Bind(upsert, ("$id", k.Id), ("$grid", k.Grid), ("$name", k.Name!.Trim()), ("$lat", k.Latitude), ("$lon", k.Longitude));
                    await upsert.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            await using (var upsert = Command(connection, transaction, """
                INSERT INTO enterprises (id, grid, name, class, file, latitude, longitude) VALUES ($id, $grid, $name, $class, $file, $lat, $lon)
                ON CONFLICT (id) DO UPDATE SET grid = excluded.grid, name = excluded.name, class = excluded.class, file = excluded.file,
                    latitude = excluded.latitude, longitude = excluded.longitude;
                """))
            {
                foreach (var e in enterprises)
                {
                    Bind(upsert, ("$id", e.Id), ("$grid", e.Grid), ("$name", e.Name!.Trim()), ("$class", e.Class),
                        ("$file", e.File is { ValueKind: JsonValueKind.Object } f ? f.GetRawText() : "{}"), ("$lat", e.Latitude), ("$lon", e.Longitude));
                    await upsert.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            foreach (var t in townships)
                if (await ScalarAsync(connection, transaction, "SELECT gateway FROM grids WHERE code = $code;", cancellationToken, ("$code", t)) is string gw) gateways.Add(gw);
            await transaction.CommitAsync(cancellationToken);
            return new ImportOutcome(new ImportResult(grids.Count, members.Count, points.Count, enterprises.Count, gateways.ToList()), [], false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Issues a terminal to a member: a random token (32 bytes, base64url) returned once, only its SHA-256 stored. A revoked
    /// terminal id may be issued again (a new token); an active one is a conflict.
    /// </summary>
    public async Task<(IssuedTerminal? Terminal, FieldError? Error, RegistryFailure Failure)> IssueTerminalAsync(string id, string memberId, CancellationToken cancellationToken = default)
    {
        if (!TerminalIds.IsValid(id)) return (null, new FieldError("id", id, TerminalIds.Rule), RegistryFailure.Invalid);
        if (!TerminalIds.IsValid(memberId)) return (null, new FieldError("member", memberId, TerminalIds.Rule), RegistryFailure.Invalid);
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var hash = TokenHash(token);
        var now = Now();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            string grid;
            await using (var read = Command(connection, transaction, "SELECT grid, active FROM members WHERE id = $id;", ("$id", memberId)))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken)) return (null, new FieldError("member", memberId, "the id of a member in the registry"), RegistryFailure.NotFound);
                if (reader.GetInt64(1) == 0) return (null, new FieldError("member", memberId, "an active member (this one is inactive)"), RegistryFailure.Conflict);
                grid = reader.GetString(0);
            }
            if (await ScalarAsync(connection, transaction, "SELECT revoked_at IS NULL FROM terminals WHERE id = $id;", cancellationToken, ("$id", id)) is long active && active == 1)
                return (null, new FieldError("id", id, "a terminal id not in use (revoke the terminal first to issue it again)"), RegistryFailure.Conflict);
            await using (var write = Command(connection, transaction, """
                INSERT INTO terminals (id, member, token_sha256, issued_at, revoked_at) VALUES ($id, $member, $hash, $at, NULL)
                ON CONFLICT (id) DO UPDATE SET member = excluded.member, token_sha256 = excluded.token_sha256, issued_at = excluded.issued_at, revoked_at = NULL;
                """, ("$id", id), ("$member", memberId), ("$hash", hash), ("$at", now)))
                await write.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (new IssuedTerminal(id, memberId, grid, token, hash, DateTimeOffset.FromUnixTimeMilliseconds(now)), null, RegistryFailure.None);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Revokes a terminal (idempotent: the first revocation time stays); null when there is no such terminal.</summary>
    public async Task<TerminalRecord?> RevokeTerminalAsync(string id, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var write = Command(connection, null, "UPDATE terminals SET revoked_at = coalesce(revoked_at, $at) WHERE id = $id;", ("$id", id), ("$at", Now()));
            await write.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
        return await GetTerminalAsync(id, cancellationToken);
    }

    /// <summary>The SHA-256 of a token as the directory carries it: UTF-8 bytes, lower-case hex.</summary>
    public static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    // ---- registry reads ----

    private const string GridColumns = "code, level, name, parent, gateway, boundary, chief";

    private static GridRecord ReadGrid(DbDataReader r) => new(r.GetString(0), r.GetInt32(1), r.GetString(2), Str(r, 3), Str(r, 4), Str(r, 5), Str(r, 6));

    public async Task<GridRecord?> GetGridAsync(string code, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT {GridColumns} FROM grids WHERE code = $code;", ("$code", code));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadGrid(reader) : null;
    }

    /// <summary>Grids by code, optionally only the children of <paramref name="parent"/> or one level, after the code <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<GridRecord>> ListGridsAsync(string? parent, int? level, string? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var where = new List<string>();
        await using var command = Command(connection, null, "");
        if (parent is not null) { where.Add("parent = $parent"); Bind(command, ("$parent", parent)); }
        if (level is not null) { where.Add("level = $level"); Bind(command, ("$level", level)); }
        if (after is not null) { where.Add("code > $after"); Bind(command, ("$after", after)); }
        command.CommandText = $"SELECT {GridColumns} FROM grids {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY code LIMIT $limit;";
        Bind(command, ("$limit", limit));
        var items = new List<GridRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) items.Add(ReadGrid(reader));
        return items;
    }

    /// <summary>How many children, members, key points and enterprises a grid has (directly).</summary>
    public async Task<(long Children, long Members, long KeyPoints, long Enterprises)> CountUnderAsync(string code, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        async Task<long> Count(string sql) => (long)(await ScalarAsync(connection, null, sql, cancellationToken, ("$code", code)))!;
        return (await Count("SELECT count(*) FROM grids WHERE parent = $code;"), await Count("SELECT count(*) FROM members WHERE grid = $code;"),
            await Count("SELECT count(*) FROM key_points WHERE grid = $code;"), await Count("SELECT count(*) FROM enterprises WHERE grid = $code;"));
    }

    public async Task<MemberRecord?> GetMemberAsync(string id, CancellationToken cancellationToken = default) =>
        (await ListMembersAsync(null, null, 1, cancellationToken, id)).FirstOrDefault();

    /// <summary>Members by id; <paramref name="grid"/> matches the grid and every grid beneath it.</summary>
    public async Task<IReadOnlyList<MemberRecord>> ListMembersAsync(string? grid, string? after, int limit, CancellationToken cancellationToken = default, string? id = null)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var where = new List<string>();
        await using var command = Command(connection, null, "");
        if (id is not null) { where.Add("id = $id"); Bind(command, ("$id", id)); }
        if (grid is not null) AddGridFilter(command, where, "grid", grid);
        if (after is not null) { where.Add("id > $after"); Bind(command, ("$after", after)); }
        command.CommandText = $"SELECT id, name, grid, phone, active FROM members {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY id LIMIT $limit;";
        Bind(command, ("$limit", limit));
        var items = new List<MemberRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) items.Add(new(reader.GetString(0), reader.GetString(1), reader.GetString(2), Str(reader, 3), reader.GetInt64(4) != 0));
        return items;
    }

    public async Task<TerminalRecord?> GetTerminalAsync(string id, CancellationToken cancellationToken = default) =>
        (await ListTerminalsAsync(null, null, null, null, 1, cancellationToken, id)).FirstOrDefault();

    /// <summary>Terminals by id with their member's grid; <paramref name="active"/> null for all.</summary>
    public async Task<IReadOnlyList<TerminalRecord>> ListTerminalsAsync(string? member, string? grid, bool? active, string? after, int limit,
        CancellationToken cancellationToken = default, string? id = null)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var where = new List<string>();
        await using var command = Command(connection, null, "");
        if (id is not null) { where.Add("t.id = $id"); Bind(command, ("$id", id)); }
        if (member is not null) { where.Add("t.member = $member"); Bind(command, ("$member", member)); }
        if (grid is not null) AddGridFilter(command, where, "m.grid", grid);
        if (active is not null) where.Add(active.Value ? "t.revoked_at IS NULL" : "t.revoked_at IS NOT NULL");
        if (after is not null) { where.Add("t.id > $after"); Bind(command, ("$after", after)); }
        command.CommandText = $"""
            SELECT t.id, t.member, t.token_sha256, t.issued_at, t.revoked_at, m.grid FROM terminals t LEFT JOIN members m ON m.id = t.member
            {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY t.id LIMIT $limit;
            """;
        Bind(command, ("$limit", limit));
        var items = new List<TerminalRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            items.Add(new(reader.GetString(0), reader.GetString(1), reader.GetString(2), Ms(reader.GetInt64(3)), OptMs(reader, 4), Str(reader, 5)));
        return items;
    }

    /// <summary>The key points of a grid by id; with <paramref name="after"/>, those whose id follows it; at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<KeyPointRecord>> ListKeyPointsAsync(string grid, CancellationToken cancellationToken = default, string? after = null, int limit = -1)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT id, grid, name, latitude, longitude FROM key_points WHERE grid = $grid{(after is null ? "" : " AND id > $after")} ORDER BY id LIMIT $limit;",
            ("$grid", grid), ("$after", after), ("$limit", limit));
        var items = new List<KeyPointRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            items.Add(new(reader.GetString(0), reader.GetString(1), reader.GetString(2), OptDouble(reader, 3), OptDouble(reader, 4)));
        return items;
    }

    /// <summary>
    /// The enterprises of a grid by id: the one with <paramref name="id"/>, or those of class <paramref name="enterpriseClass"/>
    /// (any when null) whose id follows <paramref name="after"/>; at most <paramref name="limit"/>.
    /// </summary>
    public async Task<IReadOnlyList<EnterpriseRecord>> ListEnterprisesAsync(string grid, CancellationToken cancellationToken = default, string? id = null,
        string? enterpriseClass = null, string? after = null, int limit = -1)
    {
        var where = "grid = $grid" + (id is null ? "" : " AND id = $id") + (enterpriseClass is null ? "" : " AND class = $class") + (after is null ? "" : " AND id > $after");
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT id, grid, name, class, file, latitude, longitude FROM enterprises WHERE {where} ORDER BY id LIMIT $limit;",
            ("$grid", grid), ("$id", id), ("$class", enterpriseClass), ("$after", after), ("$limit", limit));
        var items = new List<EnterpriseRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            items.Add(new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), OptDouble(reader, 5), OptDouble(reader, 6)));
        return items;
    }

    // ---- terminal directories ----

    /// <summary>Every gateway that serves a township, or was sent a directory before (it may have lost its last township).</summary>
    public async Task<IReadOnlyList<string>> DirectoryGatewaysAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT gateway FROM grids WHERE level = 3 AND gateway IS NOT NULL UNION SELECT gateway FROM gateway_directories ORDER BY 1;
            """);
        var items = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) items.Add(reader.GetString(0));
        return items;
    }

    /// <summary>
    /// What <paramref name="gatewayId"/> needs to serve terminals: the active terminals of active members whose grid lies under
    /// one of the gateway's townships, and the boundaries of the village grids under them. Null when the gateway serves no
    /// township and was never sent a directory (a gateway outside the grid keeps whatever it has).
    /// </summary>
    public async Task<TerminalDirectory?> DirectoryForAsync(string gatewayId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var prefixes = new List<string>();
        await using (var command = Command(connection, null, "SELECT code FROM grids WHERE level = 3 AND gateway = $gateway ORDER BY code;", ("$gateway", gatewayId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) prefixes.Add(GridLevels.Prefix(reader.GetString(0)));
        if (prefixes.Count == 0)
            return await ScalarAsync(connection, null, "SELECT 1 FROM gateway_directories WHERE gateway = $gateway;", cancellationToken, ("$gateway", gatewayId)) is null
                ? null : TerminalDirectory.Empty;

        var terminals = new List<TerminalEntry>();
        var grids = new List<GridBoundary>();
        foreach (var prefix in prefixes)
        {
            await using (var command = Command(connection, null, """
                SELECT t.id, t.member, m.grid, t.token_sha256 FROM terminals t JOIN members m ON m.id = t.member
                WHERE t.revoked_at IS NULL AND m.active = 1 AND m.grid >= $lo AND m.grid < $hi ORDER BY t.id;
                """, ("$lo", prefix), ("$hi", prefix + ":")))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                    terminals.Add(new TerminalEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            await using (var command = Command(connection, null, """
                SELECT code, name, boundary FROM grids WHERE level = 4 AND boundary IS NOT NULL AND code >= $lo AND code < $hi ORDER BY code;
                """, ("$lo", prefix), ("$hi", prefix + ":")))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                {
                    using var boundary = JsonDocument.Parse(reader.GetString(2));
                    grids.Add(new GridBoundary(reader.GetString(0), reader.GetString(1), boundary.RootElement.Clone()));
                }
        }
        return new TerminalDirectory(terminals.OrderBy(t => t.TerminalId, StringComparer.Ordinal).ToList(), grids);
    }

    /// <summary>The last configuration published to a gateway with its directory, or null.</summary>
    public async Task<PublishedDirectory?> GetPublishedDirectoryAsync(string gatewayId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT gateway, version, alert_rules, terminals, terminals_sha256, published_at FROM gateway_directories WHERE gateway = $gateway;", ("$gateway", gatewayId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new PublishedDirectory(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), Ms(reader.GetInt64(5)))
            : null;
    }

    /// <summary>Records a configuration with a directory as published (after the broker took it).</summary>
    public async Task RecordPublishedDirectoryAsync(PublishedDirectory published, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = Command(connection, null, """
                INSERT INTO gateway_directories (gateway, version, alert_rules, terminals, terminals_sha256, published_at)
                VALUES ($gateway, $version, $rules, $terminals, $sha, $at)
                ON CONFLICT (gateway) DO UPDATE SET version = excluded.version, alert_rules = excluded.alert_rules, terminals = excluded.terminals,
                    terminals_sha256 = excluded.terminals_sha256, published_at = excluded.published_at;
                """, ("$gateway", published.Gateway), ("$version", published.Version), ("$rules", published.AlertRules), ("$terminals", published.Terminals),
                ("$sha", published.TerminalsSha256), ("$at", published.PublishedAt.ToUnixTimeMilliseconds()));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    // ---- plumbing ----

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static void AddGridFilter(SqliteCommand command, List<string> where, string column, string grid)
    {
        var prefix = GridLevels.Prefix(grid);
        where.Add($"{column} >= $gridlo AND {column} < $gridhi");
        Bind(command, ("$gridlo", prefix), ("$gridhi", prefix + ":"));
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        Bind(command, parameters);
        return command;
    }

    private static void Bind(SqliteCommand command, params (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            if (command.Parameters.Contains(name)) command.Parameters[name].Value = value ?? DBNull.Value;
            else command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _file.OpenAsync(cancellationToken);

    private static string? Str(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static double? OptDouble(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
    private static DateTimeOffset Ms(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    private static DateTimeOffset? OptMs(DbDataReader r, int i) => r.IsDBNull(i) ? null : Ms(r.GetInt64(i));

    public void Dispose()
    {
        _file.ClearPool();
        _writeLock.Dispose();
    }
}

/// <summary>The outcome of <see cref="GridStore.ImportAsync"/>: the result, or every error (a conflict when only ids already taken were wrong).</summary>
public sealed record ImportOutcome(ImportResult? Result, IReadOnlyList<FieldError> Errors, bool Conflict);

/// <summary>The last configuration published to a gateway with its terminal directory.</summary>
public sealed record PublishedDirectory(string Gateway, string Version, string AlertRules, string Terminals, string TerminalsSha256, DateTimeOffset PublishedAt);

/// <summary>Counters of attachment assembly.</summary>
public sealed class AttachmentCounters
{
    private long _completed, _mismatches;
    public long Completed => Interlocked.Read(ref _completed);
    public long Mismatches => Interlocked.Read(ref _mismatches);
    internal void Complete() => Interlocked.Increment(ref _completed);
    internal void Mismatch() => Interlocked.Increment(ref _mismatches);
}
