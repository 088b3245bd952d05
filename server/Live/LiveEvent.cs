namespace GridEdge.Server.Live;

/// <summary>
/// Something that changed in the ledger, as the console's live feed sends it: an alert transition, a gateway's state, a
/// command's answer. <see cref="Gateway"/> decides who may see it.
/// </summary>
public sealed record LiveEvent(string Type, string Gateway, object Data);

/// <summary>An alert transition that reached the ledger.</summary>
public sealed record LiveAlert(string Gateway, string AlertId, long Seq, string State, string Severity, string Kind, DateTimeOffset At, DateTimeOffset ReceivedAt);

/// <summary>A gateway's state after it changed.</summary>
public sealed record LiveGateway(string Gateway, bool Online, DateTimeOffset? LastSeen, string? ConfigVersion, DateTimeOffset? StatusAt);

/// <summary>A gateway's answer to a command.</summary>
public sealed record LiveCommandResult(string Gateway, string CommandId, string Name, string Outcome, string Detail, DateTimeOffset ReceivedAt);
