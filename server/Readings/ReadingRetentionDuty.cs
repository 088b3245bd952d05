using GridEdge.Server.Cluster;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Readings;

/// <summary>
/// Server:Ledger:ReadingsRetentionMonths applied once a day on one node (the duty's holder): old monthly partitions
/// dropped on PostgreSQL, old rows deleted on SQLite. Off (nothing removed) when the setting is 0.
/// </summary>
internal sealed class ReadingRetentionDuty(IReadingStore readings, IOptions<ServerOptions> options, TimeProvider time, ILogger<ReadingRetentionDuty> log) : ISingletonDuty
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(24);

    public string Name => "readings-retention";

    public async Task RunAsync(CancellationToken held)
    {
        var months = options.Value.Ledger.ReadingsRetentionMonths;
        if (months == 0)
        {
            // Nothing to do, but the lease is kept so the duty has one owner to report.
            await Task.Delay(Timeout.InfiniteTimeSpan, time, held);
            return;
        }
        using var timer = new PeriodicTimer(Every, time);
        do
        {
            var removed = await readings.ApplyRetentionAsync(time.GetUtcNow(), months, held);
            if (removed.PartitionsDropped > 0 || removed.RowsDeleted > 0)
                log.LogInformation("Readings before {Before:yyyy-MM} removed ({Months} months kept): {Partitions} partitions dropped, {Rows} rows deleted",
                    removed.Before, months, removed.PartitionsDropped, removed.RowsDeleted);
        }
        while (await timer.WaitForNextTickAsync(held));
    }
}
