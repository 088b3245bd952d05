using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace GridEdge.Edge.Hosting;

/// <summary>
/// Pets systemd's watchdog (WatchdogSec= in the unit) at half the interval systemd asks for, while the outbox's writer
/// is alive and able to commit: if the data path dies, the disk refuses every commit, or the process hangs, systemd restarts the gateway. AddSystemd() only reports
/// READY and STOPPING, so this is ours.
/// </summary>
public sealed class SystemdWatchdog : BackgroundService
{
    private readonly ISystemdNotifier _notifier;
    private readonly Outbox.OutboxStore _outbox;
    private readonly TimeSpan? _interval;
    private readonly TimeProvider _time;

    /// <param name="time">The clock the pets are timed by; the system clock when null.</param>
    public SystemdWatchdog(ISystemdNotifier notifier, Outbox.OutboxStore outbox, TimeProvider? time = null) : this(notifier, outbox, IntervalFromEnvironment(), time) { }

    /// <param name="interval">How often to pet; null when systemd asked for no watchdog.</param>
    internal SystemdWatchdog(ISystemdNotifier notifier, Outbox.OutboxStore outbox, TimeSpan? interval, TimeProvider? time = null)
    {
        _notifier = notifier;
        _outbox = outbox;
        _interval = interval;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Half of WATCHDOG_USEC, the interval systemd sets for a unit with WatchdogSec=.</summary>
    internal static TimeSpan? IntervalFromEnvironment() =>
        long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out var usec) && usec > 0 ? TimeSpan.FromMicroseconds(usec / 2.0) : null;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!_notifier.IsEnabled || _interval is not { } interval) return;
        while (!stop.IsCancellationRequested)
        {
            if (_outbox.IsWriterHealthy) _notifier.Notify(new ServiceState("WATCHDOG=1"));
            // A plain wait, not a PeriodicTimer: a pet a little late is harmless (systemd allows twice the interval), and a
            // wait that exists only between checks lets a test on a manual clock see that a check has been made.
            await Task.Delay(interval, _time, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
