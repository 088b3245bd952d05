using GridEdge.Protocol.Records;
using GridEdge.Protocol.Alerts;

namespace GridEdge.Server.Commands;

/// <summary>A command the server sent to a gateway.</summary>
public sealed record IssuedCommand(string Gateway, string CommandId, string Name, string? AlertId, string? By, DateTimeOffset IssuedAt);

/// <summary>A gateway's answer to a command or a configuration, as the ledger stores it.</summary>
public sealed record StoredCommandResult(string CommandId, string Name, CommandOutcome Outcome, string Detail, DateTimeOffset Timestamp, DateTimeOffset ReceivedAt);

/// <summary>A command with the gateway's latest answer to it, if one came back.</summary>
public sealed record CommandWithResult(IssuedCommand Command, StoredCommandResult? Result);

/// <summary>The last configuration sent to a gateway and the gateway's answer to that version, if one came back.</summary>
public sealed record SentConfig(string Gateway, long Serial, string Version, string AlertRules, DateTimeOffset SentAt, StoredCommandResult? Result);

/// <summary>A gateway's answer as it arrived, with the gateway and its arrival time (server clock).</summary>
public sealed record CommandResultArrival(string Gateway, long Seq, StoredCommandResult Result, long ReceivedAtMs);
