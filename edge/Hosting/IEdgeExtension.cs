using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GridEdge.Edge.Hosting;

/// <summary>
/// What a host built on the gateway adds to it (the simulated gateway of the demo and the tests): settings sections
/// under "Edge:" of its own, and services registered after the gateway's, which may replace some of them
/// (<see cref="GridEdge.Hardware.IHardwareBuses"/>) or add sources of readings (<see cref="Sensors.ISensorSource"/>).
/// The shipped gateway has none.
/// </summary>
public interface IEdgeExtension
{
    /// <summary>Sub-sections of "Edge" this extension binds, by name, with the options type their keys are checked against.</summary>
    IReadOnlyDictionary<string, Type> Sections { get; }

    /// <summary>True when the extension writes lines of its own on stdout, so the console log goes to stderr instead.</summary>
    bool OwnsStdout(IConfiguration configuration);

    /// <summary>Registers the extension's services; called after the gateway's own.</summary>
    void AddServices(IServiceCollection services, IConfiguration configuration);
}
