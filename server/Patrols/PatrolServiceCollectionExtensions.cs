using GridEdge.Server.Gateways;
using GridEdge.Protocol.Wire;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Patrols;

/// <summary>Registers the patrol ledger (check-ins, patrol records) and its API.</summary>
public static class PatrolServiceCollectionExtensions
{
    public static IServiceCollection AddPatrols(this IServiceCollection services)
    {
        services.AddGatewayStream(new StreamTable("checkins", Streams.CheckIns)); // gateway listings and gaps count this stream
        services.AddGatewayStream(new StreamTable("patrols", Streams.Uploads)); // gateway listings and gaps count this stream
        services.AddLedgerSchema<PatrolSchema>();
        services.AddSingleton<IPatrolLedger, PatrolLedger>();
        return services;
    }

    public static WebApplication MapPatrolApi(this WebApplication app)
    {
        app.MapPatrolLedgerApi();
        return app;
    }
}
