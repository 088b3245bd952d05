using GridEdge.Edge.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace GridEdge.Edge.Tests;

public sealed class SystemdWatchdogTests
{
    private sealed class RecordingNotifier : ISystemdNotifier
    {
        private int _pets;
        public int Pets => Volatile.Read(ref _pets);
        public bool IsEnabled => true;
        public void Notify(ServiceState state)
        {
            if (state.ToString() == "WATCHDOG=1") Interlocked.Increment(ref _pets);
        }
    }

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    [Fact(Timeout = 20_000)]
    public async Task The_watchdog_is_petted_only_while_the_outbox_writer_is_alive()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var outbox = TestData.Open(dir.Path);
        var notifier = new RecordingNotifier();
        var time = new ManualTimeProvider();
        using var watchdog = new SystemdWatchdog(notifier, outbox, Interval, time);

        await watchdog.StartAsync(ct);
        await Eventually.True(() => notifier.Pets == 1 && time.ActiveTimers == 1, "the first pet at start");
        for (var pets = 2; pets <= 3; pets++)
        {
            time.Advance(Interval);
            await Eventually.True(() => notifier.Pets == pets && time.ActiveTimers == 1, $"pet {pets} one interval later");
        }

        // The data path dies: systemd must stop hearing from us so it restarts the gateway.
        outbox.Dispose();
        for (var tick = 0; tick < 3; tick++)
        {
            time.Advance(Interval);
            // Waiting again means this interval's check was made.
            await Eventually.True(() => time.ActiveTimers == 1, $"the check after the outbox died ({tick + 1})");
        }
        await watchdog.StopAsync(ct);

        Assert.Equal(3, notifier.Pets);
    }

    [Fact]
    public async Task Without_a_watchdog_interval_from_systemd_nothing_is_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        var notifier = new RecordingNotifier();
        var time = new ManualTimeProvider();
        using var watchdog = new SystemdWatchdog(notifier, outbox, interval: null, time);

        await watchdog.StartAsync(ct);
        // With no interval the service returns at once instead of waiting between checks.
        Assert.NotNull(watchdog.ExecuteTask);
        await watchdog.ExecuteTask.WaitAsync(TimeSpan.FromSeconds(10), ct);
        time.Advance(TimeSpan.FromHours(1));
        await watchdog.StopAsync(ct);

        Assert.Equal((0, 0), (notifier.Pets, time.ActiveTimers));
    }
}
