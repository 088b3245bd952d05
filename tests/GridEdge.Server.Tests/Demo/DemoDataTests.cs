using GridEdge.Demo;
using GridEdge.Server.Tests.Support;

namespace GridEdge.Server.Tests.Demo;

/// <summary>Each demo run starts from an empty data folder, whether or not a previous run left one.</summary>
public sealed class DemoDataTests
{
    [Fact]
    public void A_previous_runs_ledger_outboxes_and_demo_file_are_removed_and_the_folder_left_empty()
    {
        using var folder = new TempFolder();
        var demo = Path.Combine(folder.Path, "data", "demo");
        var demoFile = Path.Combine(folder.Path, "data", "demo.json");
        Directory.CreateDirectory(Path.Combine(demo, "edge-gw-demo-1"));
        File.WriteAllText(Path.Combine(demo, "ledger.db"), "old");
        File.WriteAllText(Path.Combine(demo, "edge-gw-demo-1", "outbox.db"), "old");
        File.WriteAllText(demoFile, "{\"gateways\":[]}");
        File.WriteAllText(Path.Combine(folder.Path, "data", "ledger.db"), "the non-demo server's ledger");

        Assert.True(DemoData.StartFresh(demo, demoFile));

        Assert.Empty(Directory.EnumerateFileSystemEntries(demo));
        Assert.False(File.Exists(demoFile));
        Assert.True(File.Exists(Path.Combine(folder.Path, "data", "ledger.db")));
    }

    [Fact]
    public void A_first_run_in_a_folder_without_data_creates_it()
    {
        using var folder = new TempFolder();
        var demo = Path.Combine(folder.Path, "data", "demo");

        Assert.False(DemoData.StartFresh(demo, Path.Combine(folder.Path, "data", "demo.json")));

        Assert.True(Directory.Exists(demo));
    }
}
