using GridEdge.Server.Gateways;
using GridEdge.Protocol.Wire;
using Microsoft.Extensions.DependencyInjection.Extensions;
using GridEdge.Server.Storage;

namespace GridEdge.Server.Problems;

/// <summary>Registers the problem ledger: problems as reported, their lifecycle (assignment, transfer, plan, rectification, verification, closing) and their API.</summary>
public static class ProblemServiceCollectionExtensions
{
    public static IServiceCollection AddProblems(this IServiceCollection services)
    {
        // Gateway listings and gaps count this stream; problems that alerts opened have negative seqs and are no part of it.
        services.AddGatewayStream(new StreamTable("problems", Streams.Uploads, "seq > 0"));
        services.TryAddSingleton(TimeProvider.System);
        services.AddLedgerSchema<ProblemSchema>();
        services.AddSingleton<IProblemLedger>(sp => new ProblemLedger(sp.GetRequiredService<LedgerDatabase>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    public static WebApplication MapProblemApi(this WebApplication app)
    {
        app.MapProblemEndpoints();
        app.MapProblemQueryEndpoints();
        app.MapProblemPhotoEndpoints();
        app.MapProblemCompletionEndpoints();
        return app;
    }
}
