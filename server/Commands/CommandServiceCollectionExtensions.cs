using GridEdge.Protocol.Wire;
using GridEdge.Server.Gateways;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Commands;

/// <summary>Registers the command ledger.</summary>
public static class CommandServiceCollectionExtensions
{
    public static IServiceCollection AddCommands(this IServiceCollection services)
    {
        services.AddLedgerSchema<CommandSchema>();
        services.AddSingleton<ICommandStore, CommandStore>();
        services.AddGatewayStream(new StreamTable("command_results", Streams.CommandResults));
        return services;
    }
}
