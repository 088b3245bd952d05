using GridEdge.Protocol.Records;

namespace GridEdge.Edge.Outbox;

/// <summary>One undelivered record as the outbox holds it: its sequence number, the record and the size of its stored encoding.</summary>
public sealed record OutboxEntry(long Seq, Record Record, int EncodedSize);
