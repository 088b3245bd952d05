using GridEdge.Testing;

namespace GridEdge.Integration.Tests;

/// <summary>Two gateway processes pointed at one data directory: the second must refuse to start, not corrupt the outbox.</summary>
public sealed class DataDirectoryLockTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    private void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }

    [Fact(Timeout = 180_000)]
    public async Task A_second_gateway_on_the_same_data_directory_exits_naming_the_first_which_keeps_every_record()
    {
        using var dir = new TempDirectory("lock");
        var gw = new GatewayAccount("gw-lock-1", "pw-" + Guid.NewGuid().ToString("N")[..10]);
        using var server = new ServerHost(dir.File("server"), [gw], Log);
        Directory.CreateDirectory(server.DataDirectory);
        await server.StartAsync();
        using var first = new EdgeHost(dir.File("edge"), gw, server.MqttPort, Log);
        first.Start(500, "s-first");
        await first.Process.WaitForLineAsync(l => l.StartsWith("LOAD DONE", StringComparison.Ordinal), Long);

        using var second = new EdgeHost(first.DataDirectory, gw, server.MqttPort, Log);
        var intruder = second.Start(50, "s-intruder");
        var exit = await intruder.WaitForExitAsync(Long);

        Assert.NotEqual(0, exit);
        Assert.Contains(intruder.Lines, l => l.Contains($"is in use by GridEdge.Edge pid {first.Process.Id}", StringComparison.Ordinal));
        Assert.DoesNotContain(intruder.Lines, l => l.StartsWith("APPENDED ", StringComparison.Ordinal));
        Assert.False(first.Process.HasExited);
        await new LedgerReader(server.LedgerPath).WaitForCountAsync(gw.Id, 500, Long);
        Assert.All(new LedgerReader(server.LedgerPath).Rows(gw.Id), r => Assert.Equal("s-first", r.Sensor));
    }
}
