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

    [Fact(Timeout = 20_000)]
    public async Task The_watchdog_is_petted_only_while_the_outbox_writer_is_alive()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var outbox = TestData.Open(dir.Path);
        var notifier = new RecordingNotifier();
        using var watchdog = new SystemdWatchdog(notifier, outbox, TimeSpan.FromMilliseconds(20));

        await watchdog.StartAsync(ct);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (notifier.Pets < 3 && DateTime.UtcNow < deadline) await Task.Delay(10, ct);
        Assert.True(notifier.Pets >= 3, $"{notifier.Pets} pets while the outbox ran");

        // The data path dies: systemd must stop hearing from us so it restarts the gateway.
        outbox.Dispose();
        await Task.Delay(100, ct);
        var afterDeath = notifier.Pets;
        await Task.Delay(300, ct);
        await watchdog.StopAsync(ct);

        Assert.Equal(afterDeath, notifier.Pets);
    }

    [Fact]
    public async Task Without_a_watchdog_interval_from_systemd_nothing_is_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        var notifier = new RecordingNotifier();
        using var watchdog = new SystemdWatchdog(notifier, outbox, interval: null);

        await watchdog.StartAsync(ct);
        await Task.Delay(200, ct);
        await watchdog.StopAsync(ct);

        Assert.Equal(0, notifier.Pets);
    }
}
