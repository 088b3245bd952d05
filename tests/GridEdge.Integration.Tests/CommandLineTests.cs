using GridEdge.Testing;
using Xunit;

namespace GridEdge.Integration.Tests;

/// <summary>The built programs, as someone trying them runs them: help and usage errors start nothing and leave no file behind.</summary>
public sealed class CommandLineTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, string[]> Programs() => new()
    {
        { "edge", "GridEdge.Edge", [] },
        { "edge", "GridEdge.Edge", ["decode"] },
        { "edge", "GridEdge.Edge", ["replay"] },
        { "server", "GridEdge.Server", [] },
        { "server", "GridEdge.Server", ["users", "add"] },
        { "demo", "GridEdge.Demo", [] },
    };

    private async Task<(int Exit, string Output, string[] Files)> RunAsync(string project, string assembly, IEnumerable<string> args)
    {
        using var dir = new TempDirectory("cli");
        using var process = HostProcess.StartDotnet(assembly, Loopback.HostDll(project, assembly), args, output.WriteLine, dir.Path);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return (exit, string.Join('\n', process.Lines), Directory.GetFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Programs))]
    public async Task Help_prints_usage_and_examples_exits_0_and_creates_no_file(string project, string assembly, string[] command)
    {
        var (exit, text, files) = await RunAsync(project, assembly, [.. command, "--help"]);

        Assert.Equal(0, exit);
        Assert.Contains($"{string.Join(' ', [assembly, .. command.Where(c => !c.StartsWith('-'))])} ", text);
        Assert.Contains("Options:", text);
        Assert.Contains("Examples:", text);
        Assert.Empty(files);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Programs))]
    public async Task A_bogus_argument_exits_2_naming_it_and_creates_no_file(string project, string assembly, string[] command)
    {
        var (exit, text, files) = await RunAsync(project, assembly, [.. command, "--bogus-argument"]);

        Assert.Equal(2, exit);
        Assert.Contains("'--bogus-argument'", text);
        Assert.Empty(files);
    }
}
