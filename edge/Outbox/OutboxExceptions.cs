namespace GridEdge.Edge.Outbox;

/// <summary>The outbox is at its quota and nothing in it may be evicted: the record was not stored; its sender should retry later.</summary>
public sealed class OutboxFullException(string message) : IOException(message);

/// <summary>The commit that held the record failed (the disk refused a write): the record was not stored; its sender should retry later.</summary>
public sealed class OutboxUnavailableException(string message, Exception? inner) : IOException(message, inner);
