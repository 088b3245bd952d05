using System.Net;
using System.Net.Sockets;
using GridEdge.Testing;

namespace GridEdge.Integration.Tests;

/// <summary>The built hosts started with settings that point at something unusable: one line naming the key, no stack trace.</summary>
public sealed class StartupFailureTests(ITestOutputHelper output)
{
    private async Task<(int Exit, string Output)> RunAsync(string project, string assembly, string workingDirectory, params string[] args)
    {
        using var process = HostProcess.StartDotnet(assembly, Loopback.HostDll(project, assembly), args, output.WriteLine, workingDirectory);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exit, string.Join('\n', process.Lines));
    }

    [Theory(Timeout = 90_000)]
    [InlineData("--Edge:Load:Count=5", "Edge:Load:Count is '5'")]
    [InlineData("--Edge:Simulation:Enabled=true", "Edge:Simulation:Enabled is 'true'")]
    public async Task The_shipped_gateway_exits_2_on_a_simulation_setting_naming_the_simulated_gateway(string argument, string expected)
    {
        using var dir = new TempDirectory("start");
        var (exit, text) = await RunAsync("edge", "GridEdge.Edge", dir.Path, argument, "--Edge:GatewayId=gw-start-2", $"--Edge:DataDirectory={dir.File("edge")}");

        Assert.Equal(2, exit);
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.Contains("GridEdge.Edge.Simulated", text, StringComparison.Ordinal);
    }

    [Theory(Timeout = 90_000)]
    [InlineData("--Server:Broker:Port=abc", 2, "Server:Broker:Port")]
    [InlineData("--Server:Brokr:Port=1883", 2, "Server:Brokr:Port is not a configuration key")]
    public async Task A_bad_server_setting_exits_2_naming_the_key(string argument, int expectedExit, string expected)
    {
        using var dir = new TempDirectory("start");
        var (exit, text) = await RunAsync("server", "GridEdge.Server", dir.Path, argument, $"--Server:Ledger:Path={dir.File("ledger.db")}",
            $"--Server:Logs:Directory={dir.File("logs")}");

        Assert.Equal(expectedExit, exit);
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_ledger_path_that_cannot_be_written_stops_the_server_naming_Server_Ledger_Path()
    {
        using var dir = new TempDirectory("start");
        File.WriteAllText(dir.File("a-file"), "");
        var (exit, text) = await RunAsync("server", "GridEdge.Server", dir.Path, $"--Server:Ledger:Path={dir.File("a-file")}/ledger.db",
            $"--Server:Logs:Directory={dir.File("logs")}", $"--Server:Http:Url=http://127.0.0.1:{Loopback.FreePort()}", $"--Server:Broker:Port={Loopback.FreePort()}");

        Assert.Equal(1, exit);
        Assert.Contains("Server:Ledger:Path", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task An_http_port_in_use_stops_the_server_naming_Server_Http_Url()
    {
        using var dir = new TempDirectory("start");
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var (exit, text) = await RunAsync("server", "GridEdge.Server", dir.Path, $"--Server:Ledger:Path={dir.File("ledger.db")}",
            $"--Server:Logs:Directory={dir.File("logs")}", $"--Server:Http:Url=http://127.0.0.1:{port}", $"--Server:Broker:Port={Loopback.FreePort()}");

        Assert.Equal(1, exit);
        Assert.Contains("Server:Http:Url", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_data_directory_that_cannot_be_written_stops_the_gateway_naming_Edge_DataDirectory()
    {
        using var dir = new TempDirectory("start");
        File.WriteAllText(dir.File("a-file"), "");
        var (exit, text) = await RunAsync("edge", "GridEdge.Edge", dir.Path, "--Edge:GatewayId=gw-start-1", $"--Edge:DataDirectory={dir.File("a-file")}/edge",
            "--Edge:Terminals:Enabled=false", $"--Edge:Broker:Port={Loopback.FreePort()}");

        Assert.NotEqual(0, exit);
        Assert.Contains("Edge:DataDirectory", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }
}
