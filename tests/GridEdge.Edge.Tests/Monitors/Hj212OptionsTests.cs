using GridEdge.Edge.Monitors;
using GridEdge.Edge.Tools;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Tests.Monitors;

public class Hj212OptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_the_listener_is_off_without_monitors()
    {
        var o = new Hj212Options();
        Assert.True(new Hj212OptionsValidator().Validate(null, o).Succeeded);
        Assert.False(o.ListenerEnabled);
        Assert.Equal(8212, o.Port);
        Assert.Equal("0.0.0.0", o.Host);
    }

    [Fact]
    public void Bad_values_are_named_by_their_key()
    {
        var o = new Hj212Options
        {
            Port = 70000,
            MaxFrameLength = 20000,
            UtcOffset = "8",
            ResentFrameWindowHours = 0,
            Monitors = [new MonitorRegistration { Mn = "A;B", Pw = "" }, new MonitorRegistration { Mn = "M1", Pw = "p" }, new MonitorRegistration { Mn = "M1", Pw = "p" }],
        };
        var result = new Hj212OptionsValidator().Validate(null, o);
        Assert.True(result.Failed);
        var text = string.Join("\n", result.Failures!);
        foreach (var key in new[] { "Edge:Hj212:Port is '70000'", "Edge:Hj212:MaxFrameLength is '20000'", "Edge:Hj212:UtcOffset is '8'", "Edge:Hj212:ResentFrameWindowHours is '0'",
                     "Edge:Hj212:Monitors:0:Mn is 'A;B'", "Edge:Hj212:Monitors:0:Pw is ''", "Edge:Hj212:Monitors:2:Mn is 'M1'; expected an MN registered once" })
            Assert.Contains(key, text);
    }

    [Fact]
    public void The_directory_reports_monitors_for_the_status_at_most_once_per_interval()
    {
        var options = Options.Create(new Hj212Options { StatusIntervalSeconds = 3600, Monitors = [new MonitorRegistration { Mn = "M1", Pw = "p", Station = "site" }] });
        var directory = new MonitorDirectory(options);
        Assert.True(directory.StatusDue());
        directory.MarkPublished();
        Assert.False(directory.StatusDue());
        directory.Touch(directory.Find("M1"u8)!, DateTimeOffset.UnixEpoch.AddDays(1));
        Assert.False(directory.StatusDue()); // changed, but published less than an interval ago
        var m = Assert.Single(directory.Snapshot()!);
        Assert.Equal(("M1", "site", DateTimeOffset.UnixEpoch.AddDays(1)), (m.Mn, m.Station, m.LastContact!.Value));
        Assert.Null(new MonitorDirectory(Options.Create(new Hj212Options())).Snapshot());
    }

    [Fact]
    public void The_decode_tool_prints_one_json_line_per_captured_frame_with_errors_naming_line_and_offset()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "testdata", "hj212_frames.txt");
        Assert.True(File.Exists(file), file);
        var (exit, stdout, _) = EdgeProgram.RunTool("decode", "--format", "hj212", file);
        Assert.Equal(0, exit);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(File.ReadAllLines(file).Count(l => l.Length > 0 && !l.StartsWith("# ", StringComparison.Ordinal)), lines.Length);
        Assert.Contains(lines, l => l.Contains("\"cn\":2051", StringComparison.Ordinal) && l.Contains("\"avg\":330.38", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("\"error\":\"truncated: length: declared 644 bytes", StringComparison.Ordinal) && l.Contains("\"line\":", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("\"kind\":\"garbage\"", StringComparison.Ordinal) && l.Contains("\"offset\":", StringComparison.Ordinal));
    }
}
