using GridEdge.Protocol.Wire;
using GridEdge.Server.Grid;
using GridEdge.Server.Storage;
using GridEdge.Server.Terminals;
using static GridEdge.Server.Storage.Sql;

namespace GridEdge.Server.Gateways;

/// <summary>The gateway_credentials table over the ledger database, the same SQL on SQLite and PostgreSQL.</summary>
public sealed class GatewayCredentialStore(LedgerDatabase database, TimeProvider? time = null) : IGatewayCredentialStore
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private const string Columns = "gateway, township, password_hash, previous_hash, previous_until, issued_at, revoked_at";

    /// <inheritdoc/>
    public async Task<(IssuedGatewayCredential? Issued, FieldError? Error, CredentialFailure Failure)> AddAsync(string gateway, string? township, CancellationToken cancellationToken = default)
    {
        if (!GatewayIds.IsValid(gateway)) return (null, new FieldError("id", gateway, GatewayIds.Rule), CredentialFailure.Invalid);
        if (township is not null && string.IsNullOrWhiteSpace(township)) return (null, new FieldError("township", township, "a township code"), CredentialFailure.Invalid);
        var password = TerminalTokens.New();
        var hash = MosquittoPasswordHash.Hash(password); // outside the write: PBKDF2 takes tens of milliseconds
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return await database.WriteAsync<(IssuedGatewayCredential?, FieldError?, CredentialFailure)>(async (connection, transaction) =>
        {
            if (await ScalarAsync(connection, transaction, "SELECT 1 FROM gateway_credentials WHERE gateway = @id AND revoked_at IS NULL;", cancellationToken, ("@id", gateway)) is not null)
                return (null, new FieldError("id", gateway, "a gateway without active credentials (rotate or revoke them instead)"), CredentialFailure.Conflict);
            await ExecuteAsync(connection, transaction, $"""
                INSERT INTO gateway_credentials ({Columns}) VALUES (@id, @township, @hash, NULL, NULL, @at, NULL)
                ON CONFLICT (gateway) DO UPDATE SET township = excluded.township, password_hash = excluded.password_hash,
                    previous_hash = NULL, previous_until = NULL, issued_at = excluded.issued_at, revoked_at = NULL;
                """, cancellationToken, ("@id", gateway), ("@township", township), ("@hash", hash), ("@at", now));
            return (new IssuedGatewayCredential(new GatewayCredential(gateway, township, hash, null, null, Ms(now), null), password, false), null, CredentialFailure.None);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<(IssuedGatewayCredential? Issued, FieldError? Error, CredentialFailure Failure)> RotateAsync(string gateway, TimeSpan grace, CancellationToken cancellationToken = default)
    {
        if (!GatewayIds.IsValid(gateway)) return (null, new FieldError("id", gateway, GatewayIds.Rule), CredentialFailure.Invalid);
        var password = TerminalTokens.New();
        var hash = MosquittoPasswordHash.Hash(password);
        var now = _time.GetUtcNow();
        var until = now.Add(grace).ToUnixTimeMilliseconds();
        var rotated = await database.WriteAsync(async (connection, transaction) =>
        {
            var changed = await ExecuteAsync(connection, transaction, """
                UPDATE gateway_credentials SET previous_hash = password_hash, previous_until = @until, password_hash = @hash, issued_at = @at
                WHERE gateway = @id AND revoked_at IS NULL;
                """, cancellationToken, ("@id", gateway), ("@hash", hash), ("@until", until), ("@at", now.ToUnixTimeMilliseconds()));
            return changed == 1;
        }, cancellationToken);
        if (!rotated) return (null, new FieldError("id", gateway, "a gateway with active credentials (add them first)"), CredentialFailure.NotFound);
        var stored = await GetAsync(gateway, cancellationToken);
        return (new IssuedGatewayCredential(stored!, password, true), null, CredentialFailure.None);
    }

    /// <inheritdoc/>
    public async Task<GatewayCredential?> RevokeAsync(string gateway, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await database.WriteAsync((connection, transaction) => ExecuteAsync(connection, transaction,
            "UPDATE gateway_credentials SET revoked_at = COALESCE(revoked_at, @at) WHERE gateway = @id;", cancellationToken, ("@id", gateway), ("@at", now)), cancellationToken);
        return await GetAsync(gateway, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<GatewayCredential?> GetAsync(string gateway, CancellationToken cancellationToken = default) =>
        (await QueryAsync("WHERE gateway = @id", cancellationToken, ("@id", gateway))).FirstOrDefault();

    /// <inheritdoc/>
    public Task<IReadOnlyList<GatewayCredential>> ListAsync(bool? active, CancellationToken cancellationToken = default) =>
        QueryAsync(active switch { true => "WHERE revoked_at IS NULL", false => "WHERE revoked_at IS NOT NULL", null => "" }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<GatewayCredential>> RevokedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        QueryAsync("WHERE revoked_at > @since", cancellationToken, ("@since", since.ToUnixTimeMilliseconds()));

    private async Task<IReadOnlyList<GatewayCredential>> QueryAsync(string where, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        await database.ReadAsync(connection => Sql.ListAsync(connection, null, $"SELECT {Columns} FROM gateway_credentials {where} ORDER BY gateway;",
            r => new GatewayCredential(r.GetString(0), Str(r, 1), r.GetString(2), Str(r, 3), OptMs(r, 4), Ms(r.GetInt64(5)), OptMs(r, 6)),
            cancellationToken, parameters), cancellationToken);
}
