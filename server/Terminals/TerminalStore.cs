using GridEdge.Protocol.Wire;
using GridEdge.Server.Grid;
using GridEdge.Server.Storage;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Terminals;

/// <summary>The terminals table over the ledger database, the same SQL on SQLite and PostgreSQL.</summary>
public sealed class TerminalStore(LedgerDatabase database, TimeProvider? time = null) : ITerminalStore
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc/>
    public async Task<(IssuedTerminal? Terminal, FieldError? Error, RegistryFailure Failure)> IssueAsync(string id, string memberId, CancellationToken cancellationToken = default)
    {
        if (!TerminalIds.IsValid(id)) return (null, new FieldError("id", id, TerminalIds.Rule), RegistryFailure.Invalid);
        if (!TerminalIds.IsValid(memberId)) return (null, new FieldError("member", memberId, TerminalIds.Rule), RegistryFailure.Invalid);
        var token = TerminalTokens.New();
        var hash = TerminalTokens.Hash(token);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return await database.WriteAsync<(IssuedTerminal?, FieldError?, RegistryFailure)>(async (connection, transaction) =>
        {
            var member = (await Sql.ListAsync(connection, transaction, "SELECT grid, active FROM members WHERE id = @id;",
                r => (Grid: r.GetString(0), Active: r.GetInt64(1) != 0), cancellationToken, ("@id", memberId))).FirstOrDefault();
            if (member.Grid is null) return (null, new FieldError("member", memberId, "the id of a member in the registry"), RegistryFailure.NotFound);
            if (!member.Active) return (null, new FieldError("member", memberId, "an active member (this one is inactive)"), RegistryFailure.Conflict);
            if (await ScalarAsync(connection, transaction, "SELECT 1 FROM terminals WHERE id = @id AND revoked_at IS NULL;", cancellationToken, ("@id", id)) is not null)
                return (null, new FieldError("id", id, "a terminal id not in use (revoke the terminal first to issue it again)"), RegistryFailure.Conflict);
            await ExecuteAsync(connection, transaction, """
                INSERT INTO terminals (id, member, token_sha256, issued_at, revoked_at) VALUES (@id, @member, @hash, @at, NULL)
                ON CONFLICT (id) DO UPDATE SET member = excluded.member, token_sha256 = excluded.token_sha256, issued_at = excluded.issued_at, revoked_at = NULL;
                """, cancellationToken, ("@id", id), ("@member", memberId), ("@hash", hash), ("@at", now));
            return (new IssuedTerminal(id, memberId, member.Grid, token, hash, Ms(now)), null, RegistryFailure.None);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<TerminalRecord?> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await database.WriteAsync((connection, transaction) => ExecuteAsync(connection, transaction,
            "UPDATE terminals SET revoked_at = COALESCE(revoked_at, @at) WHERE id = @id;", cancellationToken, ("@id", id), ("@at", now)), cancellationToken);
        return await GetAsync(id, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<TerminalRecord?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await QueryAsync(new SqlFilter().Add("t.id = @id", ("@id", id)), 1, cancellationToken)).FirstOrDefault();

    /// <inheritdoc/>
    public Task<IReadOnlyList<TerminalRecord>> ListAsync(string? member, string? grid, bool? active, string? after, int limit, CancellationToken cancellationToken = default)
    {
        var filter = new SqlFilter().AddIf(member, "t.member = @member", "@member");
        if (grid is not null) filter.Under("m.grid", grid);
        if (active is not null) filter.Add(active.Value ? "t.revoked_at IS NULL" : "t.revoked_at IS NOT NULL");
        filter.AddIf(after, "t.id > @after", "@after");
        return QueryAsync(filter, limit, cancellationToken);
    }

    private async Task<IReadOnlyList<TerminalRecord>> QueryAsync(SqlFilter filter, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => Sql.ListAsync(connection, null, $"""
            SELECT t.id, t.member, t.token_sha256, t.issued_at, t.revoked_at, m.grid FROM terminals t LEFT JOIN members m ON m.id = t.member
            {filter.Where} ORDER BY t.id LIMIT @limit;
            """, r => new TerminalRecord(r.GetString(0), r.GetString(1), r.GetString(2), Ms(r.GetInt64(3)), OptMs(r, 4), Str(r, 5)),
            cancellationToken, filter.Parameters(("@limit", SqlFilter.Limit(limit)))), cancellationToken);
}
