using GridEdge.Server.Ingest;

namespace GridEdge.Server.Api;

/// <summary>A 400/404 body: what was wrong, the parameter, the value given and what was expected.</summary>
public sealed record ApiError(string Error, string Field, string? Value, string Expected);

/// <summary>The body of /health.</summary>
public sealed record HealthResponse(string Status, LedgerHealth Ledger, BrokerHealth Broker, IngestMetricsSnapshot Ingest);
/// <summary>Whether the ledger answered.</summary>
public sealed record LedgerHealth(bool Reachable, string? Error);
/// <summary>Whether the broker side is up.</summary>
public sealed record BrokerHealth(string Mode, bool Running, string Description);
