using GridEdge.Server.Storage;

namespace GridEdge.Server.Readings;

/// <summary>The readings' share of <c>ledger copy</c>: PostgreSQL's monthly partitions for every month the SQLite readings cover.</summary>
internal sealed class ReadingCopyPart : ILedgerCopyPart
{
    public async Task BeforeTableAsync(string table, SqliteLedgerDatabase source, PostgresLedgerDatabase target, CancellationToken cancellationToken)
    {
        if (table != "readings") return;
        // One timestamp per month is enough to make its partition.
        var months = await source.ReadAsync(c => Sql.ListAsync(c, null,
            "SELECT MIN(ts) FROM readings GROUP BY strftime('%Y-%m', ts / 1000, 'unixepoch');", r => r.GetInt64(0), cancellationToken), cancellationToken);
        await target.WriteAsync((c, t) => ReadingPartitions.EnsureAsync(c, t, months, new(), cancellationToken), cancellationToken);
    }

    public Task<string> CopyFilesAsync(SqliteLedgerDatabase source, PostgresLedgerDatabase target, CancellationToken cancellationToken) =>
        Task.FromResult("readings: monthly partitions made for every month copied");
}
