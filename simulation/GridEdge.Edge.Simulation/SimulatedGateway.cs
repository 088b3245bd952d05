using GridEdge.Edge.Alerts;
using GridEdge.Edge.Hosting;
using GridEdge.Edge.Load;
using GridEdge.Edge.Sensors;
using GridEdge.Edge.Time;
using GridEdge.Hardware;
using GridEdge.Hardware.Simulation;
using GridEdge.Protocol.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Simulation;

/// <summary>
/// The gateway with its simulation (<see cref="EdgeHost.Build"/> takes it): Edge:Simulation (simulated sensors, and
/// simulated buses under the gateway's own drivers) and Edge:Load (the crash tests' load source). Both do nothing
/// unless enabled.
/// </summary>
public sealed class SimulatedGateway : IEdgeExtension
{
    /// <summary>The one instance; it holds no state.</summary>
    public static SimulatedGateway Extension { get; } = new();

    public IReadOnlyDictionary<string, Type> Sections { get; } = new Dictionary<string, Type>
    {
        [SimulationOptions.Section] = typeof(SimulationOptions),
        [LoadOptions.Section] = typeof(LoadOptions),
    };

    public bool OwnsStdout(IConfiguration configuration) =>
        long.TryParse(configuration[$"{EdgeOptions.Section}:{LoadOptions.Section}:Count"], out var count) && count > 0;

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        // Keys are checked by the Edge section's binding, which knows these sections from Sections.
        services.AddOptions<SimulationOptions>().BindChecked(configuration, $"{EdgeOptions.Section}:{SimulationOptions.Section}", checkKeys: false).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SimulationOptions>>(new Checked<SimulationOptions>(o => o.Validate($"{EdgeOptions.Section}:{SimulationOptions.Section}")));
        services.AddOptions<LoadOptions>().BindChecked(configuration, $"{EdgeOptions.Section}:{LoadOptions.Section}", checkKeys: false).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LoadOptions>>(new Checked<LoadOptions>(o => o.Validate($"{EdgeOptions.Section}:{LoadOptions.Section}")));

        // The gateway's own drivers on simulated buses when Edge:Simulation:Buses is true; the Pi's otherwise.
        services.Replace(ServiceDescriptor.Singleton<IHardwareBuses>(sp =>
        {
            var hardware = sp.GetRequiredService<IOptions<HardwareOptions>>().Value;
            var simulation = sp.GetRequiredService<IOptions<SimulationOptions>>().Value;
            if (!simulation.Buses) return new HardwareBuses(hardware);
            var air = GatewayAir.For(sp.GetRequiredService<IOptions<EdgeOptions>>().Value.GatewayId, simulation, sp.GetRequiredService<GatewayClock>(),
                sp.GetRequiredService<ILogger<SimulatedGateway>>());
            return new SimulatedHardwareBuses(hardware, air, sp.GetService<TimeProvider>());
        }));

        services.AddSingleton<SimulatedSensors>();
        services.AddSingleton<ISensorSource>(sp => sp.GetRequiredService<SimulatedSensors>());
        services.AddHostedService(sp => sp.GetRequiredService<SimulatedSensors>());
        services.AddSingleton(sp => new LoadSource(sp.GetRequiredService<Outbox.OutboxStore>(), sp.GetRequiredService<IOptions<LoadOptions>>(),
            sp.GetRequiredService<ILogger<LoadSource>>(), sp.GetService<AlertEngine>()));
        services.AddSingleton<ISensorSource>(sp => sp.GetRequiredService<LoadSource>());
        services.AddHostedService(sp => sp.GetRequiredService<LoadSource>());
    }

    private sealed class Checked<T>(Func<T, IEnumerable<string>> validate) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            validate(options).ToList() is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
