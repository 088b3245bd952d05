using GridEdge.Server.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GridEdge.Server.Scores;

/// <summary>Registers the assessment: its ledger schema, the sheets of Server:Scores, the registers, the score board and their API.</summary>
public static class ScoreServiceCollectionExtensions
{
    public static IServiceCollection AddScores(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLedgerSchema<ScoreSchema>();
        services.AddSingleton(sp => ScoreSheets.Load(sp.GetRequiredService<IOptions<ServerOptions>>().Value.Scores.Folder));
        services.AddSingleton(sp => new ScoreRegisters(sp.GetRequiredService<LedgerDatabase>()));
        services.AddSingleton<ScoreBoard>();
        return services;
    }

    public static WebApplication MapScoreApi(this WebApplication app)
    {
        app.MapScoreEndpoints();
        app.MapRegisterEndpoints();
        return app;
    }
}
