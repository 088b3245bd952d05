using GridEdge.Protocol.Wire;
using GridEdge.Server.Ledgers;

namespace GridEdge.Server.Commands;

/// <summary>
/// The command ledger: commands sent to gateways, the gateways' answers (the <c>cmdres</c> stream, keyed by gateway and
/// seq), and the last configuration sent to each gateway with its serial.
/// </summary>
public interface ICommandStore
{
    /// <summary>Records a command sent to a gateway (before it is published, so a fast answer always finds it); the same id twice is one command.</summary>
    Task RecordCommandAsync(IssuedCommand command, CancellationToken cancellationToken = default);

    /// <summary>Stores the command results of a batch of the <c>cmdres</c> stream, keyed by (gateway, seq); duplicates are ignored, the whole range is committed.</summary>
    Task<CommitResult> CommitCommandResultsAsync(Batch batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// The latest commands sent to a gateway, newest first (then by command id), each with the gateway's latest answer; with
    /// <paramref name="after"/>, those that come after that command in this order.
    /// </summary>
    Task<IReadOnlyList<CommandWithResult>> GetCommandsAsync(string gatewayId, int limit = 100, CancellationToken cancellationToken = default,
        (DateTimeOffset IssuedAt, string CommandId)? after = null);

    /// <summary>Reserves the next configuration serial of a gateway (1, 2, …) and records the configuration as sent.</summary>
    Task<SentConfig> RecordConfigAsync(string gatewayId, Func<long, string> version, string alertRules, DateTimeOffset sentAt, CancellationToken cancellationToken = default);

    /// <summary>The last configuration sent to a gateway with the answer to its version, or null when none was sent.</summary>
    /// <summary>Gateways' answers that reached the ledger at or after <paramref name="receivedFromMs"/>, oldest arrival first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<CommandResultArrival>> ResultsSinceAsync(long receivedFromMs, int limit, CancellationToken cancellationToken = default);

    Task<SentConfig?> GetConfigAsync(string gatewayId, CancellationToken cancellationToken = default);
}
