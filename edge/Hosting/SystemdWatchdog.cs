using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace GridEdge.Edge.Hosting;

/// <summary>
/// Pets systemd's watchdog (WatchdogSec= in the unit) at half the interval systemd asks for, while the outbox's writer
/// is alive: if the data path dies or the process hangs, systemd restarts the gateway. AddSystemd() only reports
/// READY and STOPPING, so this is ours.
/// </summary>
public sealed class SystemdWatchdog(ISystemdNotifier notifier, Outbox.Outbox outbox) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!notifier.IsEnabled || !long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out var usec) || usec <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromMicroseconds(usec / 2.0));
        do
        {
            if (outbox.IsWriterAlive) notifier.Notify(new ServiceState("WATCHDOG=1"));
        }
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
    }
}
