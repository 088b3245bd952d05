using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using GridEdge.Server.Grid;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Audit;

/// <summary>The audit_log table over the ledger database, the same SQL on SQLite and PostgreSQL.</summary>
public sealed class AuditLog(LedgerDatabase database, TimeProvider? time = null) : IAuditLog
{
    private const string Columns = "id, at, actor, role, via, action, object_kind, object_id, grid, before, after";
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc/>
    public Task<long> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => AppendAsync(connection, transaction, entry, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public async Task<long> AppendAsync(DbConnection connection, DbTransaction transaction, AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var id = await ScalarAsync(connection, transaction, """
            INSERT INTO audit_log (at, actor, role, via, action, object_kind, object_id, grid, before, after)
            VALUES (@at, @actor, @role, @via, @action, @kind, @id, @grid, @before, @after)
            RETURNING id;
            """, cancellationToken, ("@at", _time.GetUtcNow().ToUnixTimeMilliseconds()), ("@actor", entry.Actor), ("@role", entry.Role), ("@via", entry.Via),
            ("@action", entry.Action), ("@kind", entry.ObjectKind), ("@id", entry.ObjectId), ("@grid", entry.Grid), ("@before", entry.Before), ("@after", entry.After));
        return Convert.ToInt64(id, CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public async Task<Page<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new SqlFilter();
        // A null grid compares false: an entry without one never lies under a scope.
        if (query.Scope is not null)
        {
            if (GridLevels.IsValid(query.Scope)) filter.Under("grid", query.Scope);
            else filter.Add("grid = @scope", ("@scope", query.Scope));
        }
        filter.AddIf(query.Actor, "actor = @actor", "@actor")
            .AddIf(query.ObjectKind, "object_kind = @kind", "@kind")
            .AddIf(query.ObjectId, "object_id = @objectid", "@objectid")
            .AddIf(query.From?.ToUnixTimeMilliseconds(), "at >= @from", "@from")
            .AddIf(query.To?.ToUnixTimeMilliseconds(), "at < @to", "@to");
        // The action and those beneath it: every "action." + more sorts at or after "action." and before "action/" ('/' follows '.').
        if (query.Action is not null)
            filter.Add("(action = @action OR (action >= @actionlo AND action < @actionhi))",
                ("@action", query.Action), ("@actionlo", query.Action + "."), ("@actionhi", query.Action + "/"));
        if (query.Cursor is not null)
        {
            if (!LedgerCursor.TryDecode(query.Cursor, AuditQuery.CursorKind, out var c))
                throw new ArgumentException($"cursor '{query.Cursor}' is not a cursor this log issued", nameof(query));
            filter.Add("(at, id) < (@cat, @cid)", ("@cat", c.At), ("@cid", c.Seq));
        }
        var items = await database.ReadAsync(connection => ListAsync(connection, null,
            $"SELECT {Columns} FROM audit_log {filter.Where} ORDER BY at DESC, id DESC LIMIT @limit;", Read, cancellationToken,
            filter.Parameters(("@limit", query.Limit + 1))), cancellationToken);
        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            next = new LedgerCursor(AuditQuery.CursorKind, items[^1].At.ToUnixTimeMilliseconds(), "-", items[^1].Id).Encode();
        }
        return new Page<AuditRecord>(items, next);
    }

    private static AuditRecord Read(DbDataReader r) => new(r.GetInt64(0), Ms(r.GetInt64(1)), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
        r.GetString(6), r.GetString(7), Str(r, 8), Json(Str(r, 9)), Json(Str(r, 10)));

    private static JsonElement? Json(string? json)
    {
        if (json is null) return null;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
