using GridEdge.Protocol.Wire;

namespace GridEdge.Server.Ledgers;

/// <summary>What one batch commit did: the committed range and how many of its records were new or already stored.</summary>
public sealed record CommitResult(string GatewayId, string Stream, SeqRange Committed, int New, int Duplicates);
