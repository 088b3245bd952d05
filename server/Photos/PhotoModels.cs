namespace GridEdge.Server.Photos;

/// <summary>An attachment's state in the ledger.</summary>
public sealed record StoredAttachment(string Sha256, string ContentType, long Size, string Terminal, string Gateway, long Received,
    DateTimeOffset? CompleteAt, DateTimeOffset FirstAt, int Mismatches);
