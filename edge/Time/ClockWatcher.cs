using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GridEdge.Edge.Time;

/// <summary>
/// Polls the kernel's synchronisation state into the <see cref="GatewayClock"/>, and when the clock first becomes
/// trustworthy corrects the records still in the outbox that were stamped before, flagging what could not be.
/// </summary>
public sealed class ClockWatcher(GatewayClock clock, Outbox.OutboxStore outbox, ILogger<ClockWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        clock.TrustedTimeAcquired += Correct;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var last = (bool?)null;
        using var timer = new PeriodicTimer(PollInterval);
        do
        {
            var synced = KernelTimeSync.IsSynchronised();
            if (synced is { } s && s != last)
            {
                logger.LogInformation("System clock is {State} according to the kernel", s ? "synchronised" : "not synchronised");
                clock.ReportKernelSynchronised(s);
                last = s;
            }
        } while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
    }

    private void Correct(TimeAnchor anchor)
    {
        try
        {
            var (corrected, uncorrectable) = outbox.CorrectTimestamps(clock.BootId, anchor);
            logger.LogInformation("Clock became trustworthy ({Source}): corrected {Corrected} unsynchronised records in the outbox; {Uncorrectable} from earlier boots stay flagged unsynchronised",
                anchor.Source, corrected, uncorrectable);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Correcting outbox timestamps failed; the records keep their unsynchronised stamps");
        }
    }

    public override void Dispose()
    {
        clock.TrustedTimeAcquired -= Correct;
        base.Dispose();
    }
}
