using GridEdge.Edge.Hosting;
using GridEdge.Edge.Simulation;
using GridEdge.Hardware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Tests;

public sealed class ShippedGatewayTests
{
    [Fact]
    public void The_shipped_gateway_and_hardware_assemblies_carry_no_simulation_or_load_source()
    {
        string[] simulationNamespaces = ["GridEdge.Edge.Simulation", "GridEdge.Edge.Load", "GridEdge.Hardware.Simulation"];
        var shipped = new[] { typeof(EdgeHost).Assembly, typeof(HardwareOptions).Assembly }.SelectMany(a => a.GetTypes()).ToList();

        Assert.Contains(shipped, t => t == typeof(GridEdge.Edge.Sensors.GatewaySensors)); // the check looks at the right assemblies
        Assert.DoesNotContain(shipped, t => t.Namespace is { } ns && simulationNamespaces.Any(s => ns == s || ns.StartsWith(s + ".", StringComparison.Ordinal)));
        Assert.DoesNotContain(shipped, t => t.Name.StartsWith("Simulated", StringComparison.Ordinal) || t.Name is "DustModel" or "LoadSource" or "RecordingGpioDriver");
    }

    [Fact]
    public void The_township_settings_file_is_accepted_by_the_shipped_gateway()
    {
        var file = Path.GetFullPath(Path.Combine(SourceDirectory(), "..", "..", "..", "hardware", "deploy", "appsettings.township.json"));
        var settings = new ConfigurationBuilder().AddJsonFile(file).Build().AsEnumerable().Where(k => k.Value is not null).ToDictionary(k => k.Key, k => k.Value);
        using var host = EdgeHost.Build([], settings);

        Assert.Equal("gw-370102-001", host.Services.GetRequiredService<IOptions<EdgeOptions>>().Value.GatewayId);
        Assert.True(host.Services.GetRequiredService<IOptions<HardwareOptions>>().Value.Enabled);
    }

    [Fact]
    public void The_shipped_gateway_refuses_simulation_and_load_settings_naming_the_simulated_gateway()
    {
        using var dir = new TempDirectory();
        using var host = EdgeHost.Build([], Settings(dir.Path, ("Edge:Load:Count", "10"), ("Edge:Simulation:Episodes:Enabled", "true")));

        var e = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<EdgeOptions>>().Value);
        Assert.Contains(e.Failures, f => f.StartsWith("Edge:Load:Count is '10'", StringComparison.Ordinal) && f.Contains("GridEdge.Edge.Simulated", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("Edge:Simulation:Episodes:Enabled is 'true'", StringComparison.Ordinal));
        Assert.DoesNotContain(e.Failures, f => f.Contains("not a configuration key", StringComparison.Ordinal));
    }

    [Fact]
    public void The_simulated_gateway_takes_its_settings_and_still_refuses_a_misspelt_one()
    {
        using var dir = new TempDirectory();
        using var good = EdgeHost.Build([], Settings(dir.Path, ("Edge:Load:Count", "10"), ("Edge:Simulation:Buses", "true")), SimulatedGateway.Extension);
        using var misspelt = EdgeHost.Build([], Settings(dir.Path, ("Edge:Simulation:Sensrs", "3")), SimulatedGateway.Extension);

        Assert.Equal("gw-shipped", good.Services.GetRequiredService<IOptions<EdgeOptions>>().Value.GatewayId);
        var e = Assert.Throws<OptionsValidationException>(() => misspelt.Services.GetRequiredService<IOptions<EdgeOptions>>().Value);
        Assert.Contains(e.Failures, f => f.StartsWith("Edge:Simulation:Sensrs is not a configuration key", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrong_simulation_setting_stops_the_simulated_gateway_naming_the_key()
    {
        using var dir = new TempDirectory();
        using var host = EdgeHost.Build([], Settings(dir.Path, ("Edge:Simulation:Enabled", "true"), ("Edge:Simulation:Sensors", "0"), ("Edge:Load:Concurrency", "0")),
            SimulatedGateway.Extension);

        var simulation = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<SimulationOptions>>().Value);
        Assert.Contains("Edge:Simulation:Sensors is '0'; expected 1-1000", simulation.Failures);
        var load = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<GridEdge.Edge.Load.LoadOptions>>().Value);
        Assert.Contains("Edge:Load:Concurrency is '0'; expected 1-100000", load.Failures);
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string source = "") => Path.GetDirectoryName(source)!;

    private static Dictionary<string, string?> Settings(string dataDirectory, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?> { ["Edge:GatewayId"] = "gw-shipped", ["Edge:DataDirectory"] = dataDirectory };
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }
}
