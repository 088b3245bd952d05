using System.Runtime.CompilerServices;
using GridEdge.Edge.Hosting;
using GridEdge.Hardware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Tests;

/// <summary>The configuration files we ship must pass the same validation a gateway runs at start.</summary>
public sealed class ShippedConfigurationTests
{
    [Theory]
    [InlineData("hardware/deploy/appsettings.township.json")]
    [InlineData("edge/appsettings.json")]
    public void Shipped_settings_pass_start_up_validation(string file)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepoRoot(), file)).Build();
        var edge = configuration.GetSection(EdgeOptions.Section).Get<EdgeOptions>()!;
        var hardware = configuration.GetSection($"{EdgeOptions.Section}:{HardwareOptions.Section}").Get<HardwareOptions>() ?? new HardwareOptions();
        // The example leaves the password to the secrets file; give it one so only the shipped values are judged.
        edge.Broker.Password ??= "from-edge.env";

        var edgeResult = new EdgeOptionsValidator().Validate(null, edge);
        var hardwareErrors = hardware.Enabled ? hardware.Validate() : [];

        Assert.True(edgeResult.Succeeded, edgeResult.FailureMessage);
        Assert.Empty(hardwareErrors);
    }

    private static string RepoRoot([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", ".."));
}
