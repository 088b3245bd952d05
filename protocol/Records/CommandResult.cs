using System.Text.Json.Serialization;
using GridEdge.Protocol.Codecs;

namespace GridEdge.Protocol.Records;

/// <summary>What became of a command (or of a configuration) on the gateway.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<CommandOutcome>))]
public enum CommandOutcome : byte
{
    /// <summary>Carried out.</summary>
    Ok = 0,
    /// <summary>Not carried out: unknown, malformed, or not possible on this gateway (the detail says why).</summary>
    Rejected = 1,
    /// <summary>Tried and failed (the detail says how).</summary>
    Failed = 2,
}

/// <summary>
/// The gateway's answer to one command from the server (or to a configuration: name "config", command id = the config
/// version), sent on the <c>cmdres</c> stream.
/// </summary>
/// <param name="CommandId">The id of the command answered (the config version for name "config"); "?" when the command was unreadable.</param>
/// <param name="Name">The command's name as received (acknowledge, silence, test_outputs, config), "?" when unreadable.</param>
/// <param name="Outcome">ok, rejected or failed.</param>
/// <param name="Detail">What happened or why not, for people; may be empty.</param>
public sealed record CommandResult(
    string CommandId,
    string Name,
    CommandOutcome Outcome,
    string Detail,
    DateTimeOffset Timestamp,
    ClockQuality Clock) : Record(Timestamp, Clock);
