using GridEdge.Server.Grid;
using GridEdge.Server.Patrols;
using GridEdge.Server.Photos;
using GridEdge.Server.Problems;
using GridEdge.Server.Storage;
using GridEdge.Server.Terminals;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridEdge.Server.Tests.Support;

/// <summary>The grid's stores over one ledger database, its schemas migrated: what the server composes, built by hand.</summary>
public sealed record GridLedgerSet(LedgerDatabase Database, IGridRegistryStore Registry, ITerminalStore Terminals, IPatrolLedger Patrols,
    ProblemLedger Problems, PhotoLedger Photos, GridStore Ingest)
{
    /// <summary>Migrates the grid's schemas on <paramref name="database"/> and builds the stores.</summary>
    public static async Task<GridLedgerSet> CreateAsync(LedgerDatabase database, TimeProvider? time = null)
    {
        await new SchemaMigrator(database, GridLedgers.Schemas, TimeProvider.System, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        var patrols = new PatrolLedger(database);
        var problems = new ProblemLedger(database, time);
        var photos = new PhotoLedger(database, PhotoLedger.StoreFor(database));
        return new GridLedgerSet(database, new GridRegistryStore(database), new TerminalStore(database, time), patrols, problems, photos,
            new GridStore(database, patrols, problems, photos, time));
    }

    /// <summary>The photo files, on SQLite.</summary>
    public DiskPhotoStore DiskPhotos => (DiskPhotoStore)Photos.Bytes;
}
