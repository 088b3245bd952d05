using GridEdge.Protocol.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GridEdge.Edge.Monitors;

/// <summary>Registers the HJ 212 monitors feature.</summary>
public static class Hj212ServiceCollectionExtensions
{
    /// <summary>
    /// Binds Edge:Hj212 (validated at start), the monitor directory the uplink reports and the listener
    /// (which listens only when monitors are registered, or Edge:Hj212:Enabled is true).
    /// </summary>
    /// <remarks>Needs the gateway clock (AddGatewayClock) and the outbox.</remarks>
    public static IServiceCollection AddHj212Monitors(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Hj212Options>().BindChecked(configuration, Hj212Options.Section, checkKeys: false).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Hj212Options>, Hj212OptionsValidator>();
        services.AddSingleton<MonitorDirectory>();
        services.AddSingleton<Hj212Listener>();
        services.AddHostedService(sp => sp.GetRequiredService<Hj212Listener>());
        return services;
    }
}
