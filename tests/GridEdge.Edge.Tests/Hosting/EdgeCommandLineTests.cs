using GridEdge.Protocol.Hosting;
using GridEdge.Edge.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GridEdge.Edge.Tests.Hosting;

public sealed class EdgeCommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--Edge:GatewayId=gw-1", "--help")]
    public void Help_describes_the_gateway_its_commands_configuration_and_examples_and_starts_nothing(params string[] args)
    {
        var program = new EdgeProgram();

        var (exit, stdout, stderr) = program.Run(args);

        Assert.Equal(0, exit);
        Assert.Null(program.GatewayStartedWith);
        Assert.Empty(stderr);
        foreach (var part in new[] { "Usage:", "GridEdge gateway", "decode", "replay", "--help", "--Section:Key=value", "Edge, Serilog and Logging", "Examples:", "--Edge:GatewayId=" })
            Assert.Contains(part, stdout);
    }

    [Theory]
    [InlineData("decode", "--format")]
    [InlineData("replay", "--readings")]
    public void Each_tool_has_help_with_its_options_and_an_example(string tool, string option)
    {
        var (exit, stdout, _) = EdgeProgram.RunTool(tool, "--help");

        Assert.Equal(0, exit);
        Assert.Contains($"GridEdge.Edge {tool}", stdout);
        Assert.Contains(option, stdout);
        Assert.Contains("Examples:", stdout);
    }

    [Theory]
    [InlineData("--bogus", "--bogus")]
    [InlineData("--Edgy:GatewayId=gw-1", "--Edgy:GatewayId=gw-1")]
    [InlineData("-x", "-x")]
    [InlineData("gw-1", "gw-1")]
    [InlineData("--Edge:GatewayId", "--Edge:GatewayId")]
    public void An_unknown_argument_exits_2_naming_it_and_starts_nothing(string arg, string named)
    {
        var program = new EdgeProgram();

        var (exit, stdout, stderr) = program.Run("--Edge:GatewayId=gw-1", arg);

        Assert.Equal(HostCommandLine.UsageError, exit);
        Assert.Null(program.GatewayStartedWith);
        Assert.Empty(stdout);
        Assert.Contains($"'{named}'", stderr);
        Assert.Contains("--help", stderr);
    }

    [Theory]
    [InlineData("decode", "--format", "nmea", "capture.log", "--frobnicate")]
    [InlineData("decode", "--format", "nmea", "--frobnicate")]
    [InlineData("replay", "--readings", "a.csv", "--Edge:GatewayId=gw-1")]
    public void A_tool_rejects_an_unknown_argument_naming_it(params string[] args)
    {
        var (exit, _, stderr) = EdgeProgram.RunTool(args);

        Assert.Equal(HostCommandLine.UsageError, exit);
        Assert.Contains($"'{args[^1]}'", stderr);
    }

    [Fact]
    public void Configuration_overrides_in_every_form_reach_the_gateway_configuration()
    {
        using var dir = new TempDirectory();
        string[] args =
        [
            "--Edge:GatewayId=gw-cli-1",
            "--Edge:Broker:Port", "1884",
            "/Edge:ConfigVersion=v7",
            "Edge:Uplink:Format=json",
            "--edge:terminals:url=http://127.0.0.1:5999",
            "--Serilog:MinimumLevel:Default=Warning",
            "--Logging:LogLevel:Default=Debug",
            $"--Edge:DataDirectory={dir.Path}",
        ];
        var program = new EdgeProgram();

        var (exit, _, stderr) = program.Run(args);

        Assert.Equal(0, exit);
        Assert.Empty(stderr);
        Assert.Equal(args, program.GatewayStartedWith);
        using var host = EdgeHost.Build(program.GatewayStartedWith!, new Dictionary<string, string?>());
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        Assert.Equal("gw-cli-1", configuration["Edge:GatewayId"]);
        Assert.Equal("1884", configuration["Edge:Broker:Port"]);
        Assert.Equal("v7", configuration["Edge:ConfigVersion"]);
        Assert.Equal("json", configuration["Edge:Uplink:Format"]);
        Assert.Equal("http://127.0.0.1:5999", configuration["Edge:Terminals:Url"]);
        Assert.Equal("Warning", configuration["Serilog:MinimumLevel:Default"]);
    }

    [Fact]
    public void A_configuration_value_may_look_like_an_option_or_start_with_an_at_sign()
    {
        var program = new EdgeProgram();

        var (exit, _, stderr) = program.Run("--Edge:Broker:Password", "--not-an-option", "--Edge:Broker:Username", "@gateway");

        Assert.Equal(0, exit);
        Assert.Empty(stderr);
        Assert.Equal(["--Edge:Broker:Password", "--not-an-option", "--Edge:Broker:Username", "@gateway"], program.GatewayStartedWith!);
    }
}
