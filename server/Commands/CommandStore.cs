using System.Data.Common;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Ledgers;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Commands;

/// <summary>The command ledger over a <see cref="LedgerDatabase"/> (SQLite or PostgreSQL, the same SQL).</summary>
public sealed class CommandStore(LedgerDatabase database, TimeProvider time) : ICommandStore
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<CommandResultArrival>> ResultsSinceAsync(long receivedFromMs, int limit, CancellationToken cancellationToken = default) =>
        await database.ReadAsync(c => Sql.ListAsync(c, null, """
            SELECT gateway, seq, command_id, name, outcome, detail, ts, received_at FROM command_results
            WHERE received_at >= @from ORDER BY received_at, gateway, seq LIMIT @limit;
            """, r => new CommandResultArrival(r.GetString(0), r.GetInt64(1),
                new StoredCommandResult(r.GetString(2), r.GetString(3), (GridEdge.Protocol.Records.CommandOutcome)r.GetInt64(4), r.GetString(5), Sql.Ms(r.GetInt64(6)),
                    Sql.Ms(r.GetInt64(7))), r.GetInt64(7)), cancellationToken, ("@from", receivedFromMs), ("@limit", limit)), cancellationToken);

    private static readonly RowColumn[] ResultInsertColumns =
    [
        new("gateway", typeof(string)), new("seq", typeof(long)), new("command_id", typeof(string)), new("name", typeof(string)),
        new("outcome", typeof(long)), new("detail", typeof(string)), new("ts", typeof(long)), new("clock", typeof(long)), new("received_at", typeof(long)),
    ];
    private const string ResultColumns = "r.command_id, r.name, r.outcome, r.detail, r.ts, r.received_at";

    public Task RecordCommandAsync(IssuedCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return database.WriteAsync((c, t) => Sql.ExecuteAsync(c, t, """
            INSERT INTO commands (gateway, command_id, name, alert_id, issued_by, issued_at)
            VALUES (@gateway, @id, @name, @alert, @by, @at)
            ON CONFLICT DO NOTHING;
            """, cancellationToken,
            ("@gateway", command.Gateway), ("@id", command.CommandId), ("@name", command.Name),
            ("@alert", command.AlertId), ("@by", command.By), ("@at", command.IssuedAt.ToUnixTimeMilliseconds())), cancellationToken);
    }

    public Task<CommitResult> CommitCommandResultsAsync(Batch batch, CancellationToken cancellationToken = default) =>
        BatchCommit.CommitAsync(database, time, batch, Streams.CommandResults, (connection, transaction, receivedAt) =>
        {
            var rows = new List<object?[]>(batch.Records.Count);
            for (var i = 0; i < batch.Records.Count; i++)
            {
                if (batch.Records[i] is not CommandResult c)
                    throw new NotSupportedException($"records[{i}]: the command ledger stores command results only, not {batch.Records[i].GetType().Name}");
                rows.Add([batch.GatewayId, batch.FirstSeq + i, c.CommandId, c.Name, (long)c.Outcome, c.Detail, c.Timestamp.ToUnixTimeMilliseconds(), (long)c.Clock, receivedAt]);
            }
            return RowInsert.InsertIgnoringDuplicatesAsync(database.Engine, connection, transaction, "command_results", ResultInsertColumns, rows, cancellationToken);
        }, cancellationToken);

    private static StoredCommandResult? ReadResult(DbDataReader r, int i) => r.IsDBNull(i) ? null : new(
        r.GetString(i), r.GetString(i + 1), (CommandOutcome)r.GetInt64(i + 2), r.GetString(i + 3), Sql.Ms(r.GetInt64(i + 4)), Sql.Ms(r.GetInt64(i + 5)));

    public async Task<IReadOnlyList<CommandWithResult>> GetCommandsAsync(string gatewayId, int limit = 100, CancellationToken cancellationToken = default,
        (DateTimeOffset IssuedAt, string CommandId)? after = null)
    {
        var parameters = new List<(string, object?)> { ("@gateway", gatewayId), ("@limit", limit) };
        if (after is { } a) parameters.AddRange([("@cat", a.IssuedAt.ToUnixTimeMilliseconds()), ("@cid", a.CommandId)]);
        // The latest answer to each command (a gateway answers once; a redelivered duplicate is ignored there).
        var sql = $"""
            SELECT c.gateway, c.command_id, c.name, c.alert_id, c.issued_by, c.issued_at, {ResultColumns}
            FROM commands c
            LEFT JOIN command_results r ON r.gateway = c.gateway AND r.seq =
                (SELECT max(seq) FROM command_results x WHERE x.gateway = c.gateway AND x.command_id = c.command_id AND x.name = c.name)
            WHERE c.gateway = @gateway{(after is null ? "" : " AND (c.issued_at < @cat OR (c.issued_at = @cat AND c.command_id > @cid))")}
            ORDER BY c.issued_at DESC, c.command_id
            LIMIT @limit;
            """;
        return await database.ReadAsync(c => Sql.ListAsync(c, null, sql, r => new CommandWithResult(
            new IssuedCommand(r.GetString(0), r.GetString(1), r.GetString(2), Sql.Str(r, 3), Sql.Str(r, 4), Sql.Ms(r.GetInt64(5))),
            ReadResult(r, 6)), cancellationToken, [.. parameters]), cancellationToken);
    }

    public async Task<SentConfig> RecordConfigAsync(string gatewayId, Func<long, string> version, string alertRules, DateTimeOffset sentAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        var at = sentAt.ToUnixTimeMilliseconds();
        var (serial, name) = await database.WriteAsync(async (connection, transaction) =>
        {
            // The serial is taken in the upsert itself, so two nodes sending at once get two serials (the row stays locked until commit).
            var serial = Convert.ToInt64(await Sql.ScalarAsync(connection, transaction, """
                INSERT INTO gateway_configs (gateway, serial, version, alert_rules, sent_at) VALUES (@gateway, 1, '', @rules, @at)
                ON CONFLICT (gateway) DO UPDATE SET serial = gateway_configs.serial + 1, alert_rules = excluded.alert_rules, sent_at = excluded.sent_at
                RETURNING serial;
                """, cancellationToken, ("@gateway", gatewayId), ("@rules", alertRules), ("@at", at)));
            var name = version(serial);
            await Sql.ExecuteAsync(connection, transaction, "UPDATE gateway_configs SET version = @version WHERE gateway = @gateway;", cancellationToken,
                ("@gateway", gatewayId), ("@version", name));
            return (serial, name);
        }, cancellationToken);
        return new SentConfig(gatewayId, serial, name, alertRules, Sql.Ms(at), null);
    }

    public async Task<SentConfig?> GetConfigAsync(string gatewayId, CancellationToken cancellationToken = default) =>
        (await database.ReadAsync(c => Sql.ListAsync(c, null, $"""
            SELECT g.gateway, g.serial, g.version, g.alert_rules, g.sent_at, {ResultColumns}
            FROM gateway_configs g
            LEFT JOIN command_results r ON r.gateway = g.gateway AND r.seq =
                (SELECT max(seq) FROM command_results x WHERE x.gateway = g.gateway AND x.command_id = g.version AND x.name = 'config')
            WHERE g.gateway = @gateway;
            """, r => new SentConfig(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), Sql.Ms(r.GetInt64(4)), ReadResult(r, 5)),
            cancellationToken, ("@gateway", gatewayId)), cancellationToken)).SingleOrDefault();
}
