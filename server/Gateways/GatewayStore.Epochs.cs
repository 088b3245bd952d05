using System.Data.Common;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Gateways;

// Store epochs: a gateway's outbox numbers each stream from 1 within one store. The ledger keeps, per gateway and stream,
// every store it has seen with an offset; a store's records are kept at ledger seq = store seq + offset, so a new store
// (a wiped data directory) starting at 1 again lands after everything the earlier stores delivered instead of on top of it.
public sealed partial class GatewayStore
{
    /// <summary>The store id the ledger keeps for batches without one (gateways from before store identities).</summary>
    private const string LegacyStore = "";

    public async Task<long> OpenStoreAsync(string gatewayId, string stream, Guid? storeId, CancellationToken cancellationToken = default)
    {
        var id = storeId?.ToString("D") ?? LegacyStore;
        if (await _database.ReadAsync(c => FindOffsetAsync(c, null, gatewayId, stream, id, cancellationToken), cancellationToken) is { } known) return known;
        return await _database.WriteAsync(async (connection, transaction) =>
        {
            var look = await Sql.ListAsync(connection, transaction, $"""
                SELECT (SELECT seq_offset FROM ledger_stores WHERE gateway = @gateway AND stream = @stream AND store_id = @store),
                       (SELECT COUNT(*) FROM ledger_stores WHERE gateway = @gateway AND stream = @stream),
                       (SELECT coalesce(max(seq), 0) FROM ({_streamRecords}) AS records WHERE gateway = @gateway AND stream = @stream);
                """, r => (Existing: Sql.OptLong(r, 0), Registered: r.GetInt64(1), Highest: r.GetInt64(2)), cancellationToken,
                ("@gateway", gatewayId), ("@stream", stream), ("@store", id));
            var (existing, registered, highest) = look[0];
            if (existing is { } raced) return raced;

            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            // The first store of a stream keeps its numbers. Records from before the ledger knew stores are the legacy store's;
            // a legacy batch finding only those simply carries on where it was.
            var offset = registered == 0 && (highest == 0 || id == LegacyStore) ? 0 : highest;
            if (registered == 0 && highest > 0 && id != LegacyStore) await InsertStoreAsync(connection, transaction, gatewayId, stream, LegacyStore, 0, now, cancellationToken);
            await InsertStoreAsync(connection, transaction, gatewayId, stream, id, offset, now, cancellationToken);
            // Another node may have registered the store in the meantime (PostgreSQL): its offset is the one kept.
            return await FindOffsetAsync(connection, transaction, gatewayId, stream, id, cancellationToken) ?? offset;
        }, cancellationToken);
    }

    public Task RecordGapNotesAsync(string gatewayId, IReadOnlyList<GapNote> notes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notes);
        if (notes.Count == 0) return Task.CompletedTask;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return _database.WriteAsync(async (connection, transaction) =>
        {
            // A gateway repeats its notes until it knows they arrived: the same range twice is one note.
            await using var insert = Sql.Command(connection, transaction, """
                INSERT INTO gap_notes (gateway, stream, from_seq, to_seq, reason, noted_at) VALUES (@gateway, @stream, @from, @to, @reason, @now)
                ON CONFLICT (gateway, stream, from_seq, to_seq) DO NOTHING;
                """);
            foreach (var note in notes)
            {
                Sql.Bind(insert, ("@gateway", gatewayId), ("@now", now), ("@stream", note.Stream), ("@from", note.From), ("@to", note.To), ("@reason", note.Reason));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Names the reason of each part of the holes where one is known: a gap note's reason, else <c>store_replaced</c> for a
    /// hole inside the range of a store that a later store replaced (its records can no longer arrive).
    /// </summary>
    private static async Task<IReadOnlyList<LedgerGap>> ExplainAsync(DbConnection connection, string gatewayId, string stream, List<SeqRange> holes, CancellationToken cancellationToken)
    {
        if (holes.Count == 0) return [];
        var offsets = new List<long>();
        var notes = new List<GapNote>();
        var rows = await Sql.ListAsync(connection, null, """
            SELECT seq_offset, CAST(NULL AS BIGINT), CAST(NULL AS TEXT) FROM ledger_stores WHERE gateway = @gateway AND stream = @stream
            UNION ALL SELECT from_seq, to_seq, reason FROM gap_notes WHERE gateway = @gateway AND stream = @stream;
            """, r => (From: r.GetInt64(0), To: Sql.OptLong(r, 1), Reason: Sql.Str(r, 2)), cancellationToken, ("@gateway", gatewayId), ("@stream", stream));
        foreach (var row in rows)
        {
            if (row.Reason is null) offsets.Add(row.From);
            else notes.Add(new GapNote(stream, row.From, row.To!.Value, row.Reason));
        }
        // Every store but the latest ends where its successor begins.
        var replacedThrough = offsets.Count > 1 ? offsets.Max() : 0;
        var cuts = new SortedSet<long>(offsets.Select(o => o + 1).Concat(notes.SelectMany(n => new[] { n.From, n.To + 1 })).Append(replacedThrough + 1));
        var result = new List<LedgerGap>();
        foreach (var hole in holes)
        {
            var from = hole.From;
            var inside = hole.From < hole.To ? cuts.GetViewBetween(hole.From + 1, hole.To) : Enumerable.Empty<long>();
            foreach (var cut in inside.Append(hole.To + 1))
            {
                var note = notes.FirstOrDefault(n => n.From <= from && n.To >= from);
                var reason = note?.Reason ?? (from <= replacedThrough ? GapReasons.StoreReplaced : null);
                if (result.Count > 0 && result[^1].To == from - 1 && result[^1].Reason == reason) result[^1] = result[^1] with { To = cut - 1 };
                else result.Add(new LedgerGap(from, cut - 1, reason));
                from = cut;
            }
        }
        return result;
    }

    private static async Task<long?> FindOffsetAsync(DbConnection connection, DbTransaction? transaction, string gatewayId, string stream, string storeId, CancellationToken cancellationToken) =>
        await Sql.ScalarAsync(connection, transaction, "SELECT seq_offset FROM ledger_stores WHERE gateway = @gateway AND stream = @stream AND store_id = @store;",
            cancellationToken, ("@gateway", gatewayId), ("@stream", stream), ("@store", storeId)) is long offset ? offset : null;

    private static Task InsertStoreAsync(DbConnection connection, DbTransaction transaction, string gatewayId, string stream, string storeId, long offset, long now, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(connection, transaction, """
            INSERT INTO ledger_stores (gateway, stream, store_id, seq_offset, opened_at) VALUES (@gateway, @stream, @store, @offset, @now)
            ON CONFLICT (gateway, stream, store_id) DO NOTHING;
            """, cancellationToken, ("@gateway", gatewayId), ("@stream", stream), ("@store", storeId), ("@offset", offset), ("@now", now));
}
