using LiteDB;

namespace GridEdge.Edge.Outbox;

/// <summary>
/// Gives up the oldest evictable records of a stream (readings the gateway's own sensors aggregated) when the outbox is
/// at its quota, and notes the range given up in the "gaps" collection in the same transaction, so that the server can
/// be told why those sequence numbers will never arrive.
/// </summary>
internal static class OutboxEviction
{
    public const string GapsCollection = "gaps";
    /// <summary>Set (true) on a record that may be evicted; a record without it never is.</summary>
    public const string EvictableField = "e";
    private const string StreamField = "stream", FromField = "from", ToField = "to", CountField = "count", ReasonField = "reason", AtField = "at";

    /// <summary>What one eviction gave up.</summary>
    public readonly record struct Evicted(long Count, long Bytes, long Cost);

    /// <summary>
    /// Deletes the oldest evictable runs of one stream until their cost reaches <paramref name="cost"/> (or none is left),
    /// and records their range; runs inside the caller's transaction.
    /// </summary>
    public static Evicted EvictOldest(LiteDatabase db, string collection, string stream, long cost, string sizeField, DateTimeOffset now)
    {
        var records = db.GetCollection(collection);
        var chosen = new List<RecordRun>();
        long count = 0, bytes = 0, freed = 0;
        var candidates = records.Query()
            .Where($"$.{EvictableField} = true")
            .OrderBy("_id")
            .Select(RecordRun.Summary(sizeField))
            .ToEnumerable();
        foreach (var doc in candidates)
        {
            if (freed >= cost) break;
            var run = RecordRun.Of(doc, sizeField);
            chosen.Add(run);
            count += run.Count;
            bytes += run.Bytes;
            freed += OutboxQuota.Cost(run.Bytes, run.Count);
        }
        if (chosen.Count == 0) return default;
        foreach (var run in chosen) records.Delete(run.First);
        db.GetCollection(GapsCollection, BsonAutoId.Int64).Insert(new BsonDocument
        {
            [StreamField] = stream,
            [FromField] = chosen[0].First,
            [ToField] = chosen[^1].Last,
            [CountField] = count,
            [ReasonField] = EvictionNote.Evicted,
            [AtField] = now.UtcDateTime,
        });
        return new Evicted(count, bytes, freed);
    }

    public static IReadOnlyList<EvictionNote> Read(LiteDatabase db) =>
        [.. db.GetCollection(GapsCollection, BsonAutoId.Int64).FindAll().Select(d => new EvictionNote(d["_id"].AsInt64, d[StreamField].AsString,
            d[FromField].AsInt64, d[ToField].AsInt64, d[CountField].AsInt64, d[ReasonField].AsString, new DateTimeOffset(d[AtField].AsDateTime.ToUniversalTime(), TimeSpan.Zero)))];

    public static int Delete(LiteDatabase db, IEnumerable<long> ids)
    {
        var gaps = db.GetCollection(GapsCollection, BsonAutoId.Int64);
        return ids.Count(id => gaps.Delete(id));
    }
}
