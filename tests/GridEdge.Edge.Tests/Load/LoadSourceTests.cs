using GridEdge.Edge.Hosting;
using GridEdge.Edge.Load;
using GridEdge.Protocol.Records;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Edge.Tests;

public sealed class LoadSourceTests
{
    [Fact(Timeout = 30_000)]
    public async Task Load_prints_one_line_per_committed_append_and_then_done()
    {
        using var dir = new TempDirectory();
        using var outbox = TestData.Open(dir.Path);
        var output = new StringWriter();
        var options = new LoadOptions { Count = 500, StartValue = 1001, Concurrency = 16, SensorId = "load-a" };
        using var load = new LoadSource(outbox, Microsoft.Extensions.Options.Options.Create(options), NullLogger<LoadSource>.Instance, output);

        await load.StartAsync(TestContext.Current.CancellationToken);
        await load.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("LOAD STARTED 500", lines[0]);
        // The done line says how many records the outbox committed at a time (the load tool reports it).
        Assert.Matches(@"^LOAD DONE 500 records-per-commit=\d+\.\d$", lines[^1]);
        var appended = lines[1..^1].Select(l => l.Split(' ')).ToArray();
        Assert.All(appended, p => Assert.Equal(["APPENDED", Streams.Readings], p[..2]));
        Assert.All(appended, p => Assert.Equal("load-a", p[3]));
        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), appended.Select(p => long.Parse(p[2])).Order());
        Assert.Equal(Enumerable.Range(1001, 500).Select(i => (long)i), appended.Select(p => long.Parse(p[4])).Order());

        // Each line's seq holds the value it names.
        var stored = outbox.ReadPending(Streams.Readings, 0, 1000, int.MaxValue).ToDictionary(e => e.Seq, e => ((Reading)e.Record).Value);
        Assert.All(appended, p => Assert.Equal(double.Parse(p[4]), stored[long.Parse(p[2])]));
    }
}
