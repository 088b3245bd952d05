using System.Reflection;
using GridEdge.Demo;

namespace GridEdge.Server.Tests;

public sealed class ShippedServerTests
{
    [Fact]
    public void The_server_binary_carries_no_gateway_hardware_or_simulation_code()
    {
        string[] gatewayAssemblies = ["GridEdge.Edge", "GridEdge.Hardware", "GridEdge.Edge.Simulation", "GridEdge.Hardware.Simulation", "LiteDB", "System.Device.Gpio", "System.IO.Ports"];
        var server = typeof(ServerHost).Assembly;
        var depsFile = Path.Combine(Path.GetDirectoryName(server.Location)!, "GridEdge.Server.deps.json");

        // The check looks at the right things: the demo does compose the gateway, and the deps file lists the server's own packages.
        Assert.Contains(typeof(DemoExtension).Assembly.GetReferencedAssemblies(), a => a.Name == "GridEdge.Edge");
        Assert.Contains("\"MQTTnet.Server/", File.ReadAllText(depsFile));
        Assert.DoesNotContain(server.GetReferencedAssemblies(), a => gatewayAssemblies.Contains(a.Name));
        foreach (var name in gatewayAssemblies) Assert.DoesNotContain($"\"{name}/", File.ReadAllText(depsFile));
    }
}
