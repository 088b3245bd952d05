using GridEdge.Protocol.Wire;
using Microsoft.Data.Sqlite;

namespace GridEdge.Server.Ledgers;

// Store epochs: a gateway's outbox numbers each stream from 1 within one store. The ledger keeps, per gateway and stream,
// every store it has seen with an offset; a store's records are kept at ledger seq = store seq + offset, so a new store
// (a wiped data directory) starting at 1 again lands after everything the earlier stores delivered instead of on top of it.
public sealed partial class SqliteLedgerStore
{
    /// <summary>The store id the ledger keeps for batches without one (gateways from before store identities).</summary>
    private const string LegacyStore = "";

    private const string StoreSchema = """
        CREATE TABLE IF NOT EXISTS ledger_stores (
            gateway    TEXT    NOT NULL,
            stream     TEXT    NOT NULL,
            store_id   TEXT    NOT NULL,  -- '' is the legacy store (batches without a store id)
            seq_offset INTEGER NOT NULL,  -- ledger seq = the store's own seq + seq_offset
            opened_at  INTEGER NOT NULL,
            PRIMARY KEY (gateway, stream, store_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS gap_notes (
            gateway  TEXT    NOT NULL,
            stream   TEXT    NOT NULL,
            from_seq INTEGER NOT NULL,  -- ledger seqs
            to_seq   INTEGER NOT NULL,
            reason   TEXT    NOT NULL,
            noted_at INTEGER NOT NULL,
            PRIMARY KEY (gateway, stream, from_seq, to_seq)
        ) WITHOUT ROWID;
        """;

    public async Task<long> OpenStoreAsync(string gatewayId, string stream, Guid? storeId, CancellationToken cancellationToken = default)
    {
        var id = storeId?.ToString("D") ?? LegacyStore;
        if (await FindStoreOffsetAsync(gatewayId, stream, id, cancellationToken) is { } known) return known;
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            long? existing;
            long registered, highest;
            await using (var look = connection.CreateCommand())
            {
                look.CommandText = """
                    SELECT (SELECT seq_offset FROM ledger_stores WHERE gateway = $gateway AND stream = $stream AND store_id = $store),
                           (SELECT COUNT(*) FROM ledger_stores WHERE gateway = $gateway AND stream = $stream),
                           (SELECT coalesce(max(seq), 0) FROM (
                    """ + StreamRecords + """
                           ) WHERE gateway = $gateway AND stream = $stream);
                    """;
                look.Parameters.AddWithValue("$gateway", gatewayId);
                look.Parameters.AddWithValue("$stream", stream);
                look.Parameters.AddWithValue("$store", id);
                await using var reader = await look.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                existing = reader.IsDBNull(0) ? null : reader.GetInt64(0);
                registered = reader.GetInt64(1);
                highest = reader.GetInt64(2);
            }
            if (existing is { } raced) return raced;

            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            // The first store of a stream keeps its numbers. Records from before the ledger knew stores are the legacy store's;
            // a legacy batch finding only those simply carries on where it was.
            var offset = registered == 0 && (highest == 0 || id == LegacyStore) ? 0 : highest;
            if (registered == 0 && highest > 0 && id != LegacyStore) await InsertStoreAsync(connection, gatewayId, stream, LegacyStore, 0, now, cancellationToken);
            await InsertStoreAsync(connection, gatewayId, stream, id, offset, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return offset;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task RecordGapNotesAsync(string gatewayId, IReadOnlyList<GapNote> notes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notes);
        if (notes.Count == 0) return;
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using var insert = connection.CreateCommand();
            // A gateway repeats its notes until it knows they arrived: the same range twice is one note.
            insert.CommandText = """
                INSERT INTO gap_notes (gateway, stream, from_seq, to_seq, reason, noted_at) VALUES ($gateway, $stream, $from, $to, $reason, $now)
                ON CONFLICT (gateway, stream, from_seq, to_seq) DO NOTHING;
                """;
            insert.Parameters.AddWithValue("$gateway", gatewayId);
            insert.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
            var stream = insert.Parameters.Add("$stream", SqliteType.Text);
            var from = insert.Parameters.Add("$from", SqliteType.Integer);
            var to = insert.Parameters.Add("$to", SqliteType.Integer);
            var reason = insert.Parameters.Add("$reason", SqliteType.Text);
            foreach (var note in notes)
            {
                (stream.Value, from.Value, to.Value, reason.Value) = (note.Stream, note.From, note.To, note.Reason);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Names the reason of each part of the holes where one is known: a gap note's reason, else <c>store_replaced</c> for a
    /// hole inside the range of a store that a later store replaced (its records can no longer arrive).
    /// </summary>
    private async Task<IReadOnlyList<LedgerGap>> ExplainAsync(SqliteConnection connection, string gatewayId, string stream, List<SeqRange> holes, CancellationToken cancellationToken)
    {
        if (holes.Count == 0) return [];
        var offsets = new List<long>();
        var notes = new List<GapNote>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT seq_offset, NULL, NULL FROM ledger_stores WHERE gateway = $gateway AND stream = $stream
                UNION ALL SELECT from_seq, to_seq, reason FROM gap_notes WHERE gateway = $gateway AND stream = $stream;
                """;
            command.Parameters.AddWithValue("$gateway", gatewayId);
            command.Parameters.AddWithValue("$stream", stream);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.IsDBNull(2)) offsets.Add(reader.GetInt64(0));
                else notes.Add(new GapNote(stream, reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)));
            }
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

    private async Task<long?> FindStoreOffsetAsync(string gatewayId, string stream, string storeId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq_offset FROM ledger_stores WHERE gateway = $gateway AND stream = $stream AND store_id = $store;";
        command.Parameters.AddWithValue("$gateway", gatewayId);
        command.Parameters.AddWithValue("$stream", stream);
        command.Parameters.AddWithValue("$store", storeId);
        return await command.ExecuteScalarAsync(cancellationToken) is long offset ? offset : null;
    }

    private static async Task InsertStoreAsync(SqliteConnection connection, string gatewayId, string stream, string storeId, long offset, long now, CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO ledger_stores (gateway, stream, store_id, seq_offset, opened_at) VALUES ($gateway, $stream, $store, $offset, $now);";
        insert.Parameters.AddWithValue("$gateway", gatewayId);
        insert.Parameters.AddWithValue("$stream", stream);
        insert.Parameters.AddWithValue("$store", storeId);
        insert.Parameters.AddWithValue("$offset", offset);
        insert.Parameters.AddWithValue("$now", now);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
