using Microsoft.Extensions.DependencyInjection.Extensions;
using GridEdge.Server.Gateways;
using GridEdge.Server.Ingest;

namespace GridEdge.Server.Broker;

/// <summary>Registers the broker feature.</summary>
public static class BrokerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the broker side of ingest for Server:Broker:Mode: the embedded broker (default) or a client of an
    /// external one, each with its <see cref="IAckPublisher"/>. Register after the ledger, so its schema exists first.
    /// </summary>
    public static IServiceCollection AddBroker(this IServiceCollection services, IConfiguration configuration)
    {
        var mode = configuration.GetSection(ServerOptions.Section).GetValue("Broker:Mode", BrokerMode.Embedded);
        services.TryAddSingleton(TimeProvider.System);
        services.AddGatewayCredentials();
        if (mode == BrokerMode.External)
        {
            services.AddSingleton<ExternalMqttConnection>();
            services.AddSingleton<ExternalBrokerIngest>();
            services.AddSingleton<IBrokerStatus>(sp => sp.GetRequiredService<ExternalBrokerIngest>());
            services.AddSingleton<IAckPublisher, ExternalAckPublisher>();
            services.AddSingleton<Commands.IDownlinkPublisher, Commands.ExternalDownlinkPublisher>();
            services.AddHostedService(sp => sp.GetRequiredService<ExternalBrokerIngest>());
        }
        else
        {
            services.AddSingleton<EmbeddedMqttServer>();
            services.AddSingleton<EmbeddedBroker>();
            services.AddSingleton<IBrokerStatus>(sp => sp.GetRequiredService<EmbeddedBroker>());
            services.AddSingleton<IAckPublisher, EmbeddedAckPublisher>();
            services.AddSingleton<Commands.IDownlinkPublisher, Commands.EmbeddedDownlinkPublisher>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
            services.AddHostedService<RevocationWatch>();
        }
        return services;
    }
}
