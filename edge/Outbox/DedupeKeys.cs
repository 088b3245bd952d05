using LiteDB;

namespace GridEdge.Edge.Outbox;

/// <summary>
/// The keys of appends the outbox stored at most once (its <c>dedupe</c> collection), each with where its records went
/// and the caller's answer. They are written inside the outbox's own transactions, in the same commit as the records,
/// so a key is remembered exactly when its records are stored. They outlive delivery: a monitor or a terminal may resend
/// long after the server has its copy. Each expires after the time its appender chose, and the collection holds at most a
/// set number; past it the keys closest to expiring go first.
/// </summary>
internal sealed class DedupeKeys
{
    public const string CollectionName = "dedupe";
    private const string StreamField = "s", FirstField = "f", CountField = "c", AnswerField = "a", ExpiresField = "e";
    // Deleted at most this many per commit, so a week of keys expiring at once does not stall one append.
    private const int MaxPrunedPerCommit = 1000;

    private readonly ILiteCollection<BsonDocument> _keys;
    private readonly int _maxKeys;
    // Keys added less keys deleted in the transaction under way: counted in only when it commits.
    private long _uncommitted;
    // No key expires before this (Unix ms): until then a commit does not look for expired keys. It may be too early, never
    // too late: a query that finds nothing costs about as much as the append it rides on.
    private long _earliestExpiry;

    public DedupeKeys(LiteDatabase db, int maxKeys)
    {
        _keys = db.GetCollection(CollectionName);
        _maxKeys = maxKeys;
        Count = _keys.LongCount();
        _earliestExpiry = EarliestExpiry();
    }

    /// <summary>Keys held now (expired ones not yet pruned included).</summary>
    public long Count { get; private set; }

    /// <summary>Creates the collection and its expiry index, each in a transaction of its own (at open, before anyone reads).</summary>
    public static void Create(LiteDatabase db) => db.GetCollection(CollectionName).EnsureIndex(ExpiresField);

    /// <summary>The group stored under a key that has not expired, or null.</summary>
    public StoredGroup? Find(string id, DateTimeOffset now)
    {
        var doc = _keys.FindById(id);
        if (doc is null || doc[ExpiresField].AsInt64 <= now.ToUnixTimeMilliseconds()) return null;
        return new StoredGroup(doc[StreamField].AsString, doc[FirstField].AsInt64, doc[CountField].AsInt32, doc[AnswerField].AsBinary, Earlier: true);
    }

    /// <summary>Remembers a key with its group; inside the caller's transaction. An expired copy not yet pruned is replaced.</summary>
    public void Remember(DedupeEntry entry, StoredGroup group, DateTimeOffset now)
    {
        var expires = now.Add(entry.KeepFor).ToUnixTimeMilliseconds();
        var inserted = _keys.Upsert(new BsonDocument
        {
            ["_id"] = entry.Key.Id,
            [StreamField] = group.Stream,
            [FirstField] = group.FirstSeq,
            [CountField] = group.Count,
            [AnswerField] = entry.Answer,
            [ExpiresField] = expires,
        });
        _earliestExpiry = Math.Min(_earliestExpiry, expires);
        if (inserted) _uncommitted++;
    }

    /// <summary>Deletes expired keys, then, while more than the limit remain, those closest to expiring; inside the caller's transaction.</summary>
    public (int Expired, int Evicted) Prune(DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var expired = 0;
        if (nowMs >= _earliestExpiry)
        {
            expired = Delete(_keys.Find(LiteQueries.LessThan(ExpiresField, nowMs), 0, MaxPrunedPerCommit));
            _earliestExpiry = EarliestExpiry();
        }
        var excess = (int)Math.Min(Count + _uncommitted - _maxKeys, MaxPrunedPerCommit);
        var evicted = excess > 0 ? Delete(_keys.Find(Query.All(ExpiresField, Query.Ascending), 0, excess)) : 0;
        return (expired, evicted);
    }

    /// <summary>The transaction that wrote or pruned keys committed.</summary>
    public void Committed()
    {
        Count += _uncommitted;
        _uncommitted = 0;
    }

    /// <summary>The transaction that wrote or pruned keys was rolled back.</summary>
    public void RolledBack()
    {
        _uncommitted = 0;
        // Deletions undone: look again at the next commit.
        _earliestExpiry = long.MinValue;
    }

    private long EarliestExpiry() =>
        _keys.Find(Query.All(ExpiresField, Query.Ascending), 0, 1).FirstOrDefault() is { } first ? first[ExpiresField].AsInt64 : long.MaxValue;

    private int Delete(IEnumerable<BsonDocument> found)
    {
        var ids = found.Select(d => d["_id"]).ToList();
        foreach (var id in ids) _keys.Delete(id);
        _uncommitted -= ids.Count;
        return ids.Count;
    }
}
