using GridEdge.Protocol.Hosting;

namespace GridEdge.Server.Tests;

public sealed class ServerCommandLineTests
{
    private string[]? _startedWith;

    private (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = ServerCommandLine.Create(ServerCommandLine.ServerDescription, a =>
        {
            _startedWith = a;
            return 0;
        }, ServerCommandLine.ServerExamples).Invoke(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_describes_the_server_configuration_and_examples_and_starts_nothing(params string[] args)
    {
        var (exit, stdout, stderr) = Run(args);

        Assert.Equal(0, exit);
        Assert.Null(_startedWith);
        Assert.Empty(stderr);
        foreach (var part in new[] { "Usage:", "GridEdge server", "--Section:Key=value", "Server, Serilog, Logging and Kestrel", "--urls", "Examples:" })
            Assert.Contains(part, stdout);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--Sever:Http:Url=http://127.0.0.1:1")]
    [InlineData("demo")]
    [InlineData("--demo")]
    public void An_unknown_argument_exits_2_naming_it_and_starts_nothing(string arg)
    {
        var (exit, stdout, stderr) = Run(arg);

        Assert.Equal(HostCommandLine.UsageError, exit);
        Assert.Null(_startedWith);
        Assert.Empty(stdout);
        Assert.Contains($"'{arg}'", stderr);
    }

    [Fact]
    public void Configuration_overrides_reach_the_server()
    {
        var (exit, _, stderr) = Run("--Server:Gateways:0:Id=gw-1", "--Server:Gateways:0:Password", "s3cret", "--urls", "http://127.0.0.1:0", "--Serilog:MinimumLevel:Default=Warning");

        Assert.Equal(0, exit);
        Assert.Empty(stderr);
        Assert.Equal(["--Server:Gateways:0:Id=gw-1", "--Server:Gateways:0:Password", "s3cret", "--urls", "http://127.0.0.1:0", "--Serilog:MinimumLevel:Default=Warning"], _startedWith!);
    }

    [Fact]
    public void Without_arguments_the_server_starts_with_none()
    {
        Assert.Equal(0, Run().Exit);
        Assert.Empty(_startedWith!);
    }
}
