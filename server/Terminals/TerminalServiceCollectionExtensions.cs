using GridEdge.Server.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GridEdge.Server.Terminals;

/// <summary>Registers the terminals issued to members (their routes are the registry's, in server/Grid: issuing one publishes directories).</summary>
public static class TerminalServiceCollectionExtensions
{
    public static IServiceCollection AddTerminals(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLedgerSchema<TerminalSchema>();
        services.AddSingleton<ITerminalStore>(sp => new TerminalStore(sp.GetRequiredService<LedgerDatabase>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
